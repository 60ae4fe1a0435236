package org.biomarkerstreams.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.ingest.hl7.Hl7Charset;
import picocli.CommandLine.Option;

/**
 * How outside input becomes records, for every command that reads it (ingest-hl7, run and demo with their MLLP
 * listener, replay): which patient identifier is the key, and how HL7 bytes without MSH-18 are decoded.
 */
final class IngestOptions {

    @Option(
            names = "--patient-id-rule",
            paramLabel = "RULE",
            defaultValue = "bare",
            description = "Which patient identifier is the record key: bare (the first PID-3 identifier's id, CX.1),"
                    + " id-authority (ID^AUTHORITY, CX.1^CX.4), type:TYPE[@AUTHORITY] (the PID-3 identifier of that"
                    + " type, CX.5, and assigning authority), or authority:AUTHORITY. NDJSON/CSV: patientId with the"
                    + " optional patientIdAuthority and patientIdType. A message without the identifier the rule"
                    + " selects is dead-lettered NO_MATCHING_PATIENT_ID (default: ${DEFAULT-VALUE}).")
    String patientIdRule;

    @Option(
            names = "--hl7-default-charset",
            paramLabel = "CHARSET",
            defaultValue = "ISO-8859-1",
            description = "Character set of an HL7 message without MSH-18 whose bytes are not valid UTF-8 (valid UTF-8"
                    + " is read as UTF-8): a Java name (ISO-8859-1, windows-1252) or an HL7 table 0211 name (8859/1)"
                    + " (default: ${DEFAULT-VALUE}).")
    String hl7DefaultCharset;

    /** The rule; a wrong one names the option. */
    PatientIdRule patientIdRule() {
        try {
            return PatientIdRule.parse(patientIdRule == null ? "bare" : patientIdRule);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--patient-id-rule: " + e.getMessage(), e);
        }
    }

    /** The default character set; a wrong one names the option. */
    Charset hl7DefaultCharset() {
        if (hl7DefaultCharset == null) {
            return StandardCharsets.ISO_8859_1;
        }
        try {
            return Hl7Charset.forName(hl7DefaultCharset);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--hl7-default-charset: " + e.getMessage(), e);
        }
    }
}
