package org.biomarkerstreams.ingest.hl7;

/** ORU^R01 lab results as a laboratory information system sends them, in the versions seen in the field. */
final class Hl7Samples {

    static final String PATIENT_ID = "P-017";
    static final String PATIENT_NAME = "DOE^JANE";

    private Hl7Samples() {}

    /** A CRP result; {@code version} 2.3, 2.3.1, 2.4, 2.5 or 2.5.1. */
    static String oru(String version, String controlId) {
        String type = version.startsWith("2.5") ? "ORU^R01^ORU_R01" : "ORU^R01";
        return String.join(
                "\r",
                "MSH|^~\\&|LIS|HOSP|BIOMARKER|TRIAL|20200203081500||" + type + "|" + controlId + "|P|" + version,
                "PID|1||" + PATIENT_ID + "^^^HOSP^MR||" + PATIENT_NAME + "||19600101|F",
                "OBR|1|ORD-1|FIL-1|1988-5^CRP^LN|||20200203080000",
                "OBX|1|NM|1988-5^C reactive protein^LN|1|12.5|mg/L|0-5|H|||F|||20200203081500",
                "");
    }
}
