package org.biomarkerstreams.domain;

/**
 * One identifier of a patient as a source sends it: a repetition of HL7 PID-3 (an extended composite id, CX), or the
 * {@code patientId} of an NDJSON or CSV record with its optional {@code patientIdAuthority} and {@code
 * patientIdType}. Blank parts are null; type and authorities are stripped.
 *
 * @param id the identifier itself (CX.1), may be null when a sender leaves it empty
 * @param type the identifier type code (CX.5, HL7 table 0203: {@code MR} medical record number, {@code PI} patient
 *     internal identifier, ...), or null
 * @param authority the assigning authority's namespace id (CX.4.1), or null
 * @param authorityUniversalId the assigning authority's universal id (CX.4.2, e.g. an OID), or null
 */
public record PatientIdentifier(String id, String type, String authority, String authorityUniversalId) {

    public PatientIdentifier {
        id = id == null || id.isBlank() ? null : id; // as sent: the key is the id, spaces and all
        type = blankToNull(type);
        authority = blankToNull(authority);
        authorityUniversalId = blankToNull(authorityUniversalId);
    }

    /** An identifier with no type and no authority. */
    public static PatientIdentifier of(String id) {
        return new PatientIdentifier(id, null, null, null);
    }

    /**
     * The authority as it is written into an {@code ID^AUTHORITY} key: the namespace id, else the universal id; null
     * without either.
     */
    public String authorityName() {
        return authority != null ? authority : authorityUniversalId;
    }

    /** Whether {@code name} is this identifier's assigning authority, by namespace id or universal id (any case). */
    boolean assignedBy(String name) {
        return name.equalsIgnoreCase(authority) || name.equalsIgnoreCase(authorityUniversalId);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
