package org.biomarkerstreams.cli;

import java.time.Duration;
import java.util.Map;
import org.biomarkerstreams.app.Hl7Ingest;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import picocli.CommandLine.Option;

/** How HL7 v2 messages are read and acknowledged (ingest-hl7, and the listener inside demo and run). */
final class Hl7Options {

    @Option(
            names = "--local-code",
            paramLabel = "CODE=LOINC",
            description = "Map a local OBX-3 code (CODE or CODE^SYSTEM) to a LOINC code; repeatable.")
    Map<String, String> localCodes = Map.of();

    @Option(
            names = "--arm-field",
            defaultValue = Hl7Settings.DEFAULT_ARM_FIELD,
            description =
                    "Where ADT^A01/A04 carry the trial arm: a field such as PV1-18, or OBX:CODE (default: ${DEFAULT-VALUE}).")
    String armField;

    @Option(
            names = "--write-timeout",
            defaultValue = "PT10S",
            description =
                    "How long an HL7 message may wait for Kafka before it is answered AR (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    Hl7Ingest.Settings settings() {
        return new Hl7Ingest.Settings(localCodes, armField, writeTimeout);
    }
}
