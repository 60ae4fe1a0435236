package org.biomarkerstreams.reliability;

import org.biomarkerstreams.cli.Hl7CrashResendIT;

/**
 * The ingest's delivery promise at the suite's size: 100,000 HL7 ORU^R01 messages over one MLLP
 * connection while {@code ingest-hl7} (its own JVM) is killed with SIGKILL ten times with a message in
 * flight; the sender resends what got no AA. Every message is eventually acknowledged AA and each of
 * its readings appears exactly once downstream (see {@link Hl7CrashResendIT}, which the default build
 * runs with 300 messages). Patient ids are canaries: no ingest output line may contain one.
 */
class IngestCrashIT extends Hl7CrashResendIT {

    @Override
    protected int messageCount() {
        return 100_000;
    }

    @Override
    protected int killCount() {
        return 10;
    }

    @Override
    protected String patientPrefix() {
        return "CANARYingest00-";
    }
}
