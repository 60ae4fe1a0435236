package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What changed in one patient's contributions to the cohort groups of one analyte, travelling on a repartition
 * topic keyed by the analyte (every group of an analyte is in one task): who sends (a pseudonymous {@code source},
 * never the patient id), and per group the patient's member key there with its new payload, or a null payload
 * when the patient leaves the group. One record per change and analyte, however many groups (strata, arms) the
 * patient is in. Internal, so a hand-written encoding (StateCodec).
 *
 * @param source the sender's key: the patient's token and the name under which its contributor keeps what it sent
 *     (an analyte, or e.g. the enrolment), unique per sender and analyte
 */
record Contribution(String source, List<Change> changes) {

    /** One group's change: the member's new payload, or null when it leaves the group. */
    record Change(String group, String member, byte[] payload) {
        boolean removal() {
            return payload == null;
        }
    }

    /**
     * Version 2: one record per source and analyte. Version 1 (one record per group and member) travelled on
     * the repartition topics this replaced and is never read.
     */
    private static final int VERSION = 2;

    Contribution {
        changes = List.copyOf(changes);
    }

    byte[] encode() {
        StateCodec.Writer out =
                new StateCodec.Writer(VERSION).writeString(source).writeInt(changes.size());
        for (Change c : changes) {
            out.writeString(c.group()).writeString(c.member()).writeBytes(c.payload());
        }
        return out.toByteArray();
    }

    static Contribution decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "cohort contribution");
        if (in.version() < VERSION) {
            throw new IllegalStateException("a version " + in.version() + " cohort contribution on a version " + VERSION
                    + " repartition topic");
        }
        String source = in.readString();
        int size = in.readInt();
        List<Change> changes = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            changes.add(new Change(in.readString(), in.readString(), in.readBytes()));
        }
        return new Contribution(source, changes);
    }

    static Serde<Contribution> serde() {
        return Serdes.serdeFrom(
                (topic, c) -> c == null ? null : c.encode(), (topic, bytes) -> bytes == null ? null : decode(bytes));
    }
}
