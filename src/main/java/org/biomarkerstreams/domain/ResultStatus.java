package org.biomarkerstreams.domain;

/**
 * Result status of a lab reading, as HL7 OBX-11 and FHIR Observation.status carry it. {@code CORRECTED} replaces
 * an earlier revision of the same reading; {@code DELETED} and {@code ENTERED_IN_ERROR} retract it.
 *
 * <p>{@code UNKNOWN} is a status this version cannot name: what a reading written by a newer producer with a status
 * added since decodes to (the wire enum's default). It is neither final nor a retraction: such a reading is rejected
 * ({@link ErrorCode#UNKNOWN_STATUS}), never counted as a result (docs/semantics.md, "Bad input and error codes").
 */
public enum ResultStatus {
    FINAL,
    PRELIMINARY,
    CORRECTED,
    DELETED,
    ENTERED_IN_ERROR,
    UNKNOWN;

    /** True when a reading with this status withdraws the reading instead of giving it a value. */
    public boolean retracts() {
        return this == DELETED || this == ENTERED_IN_ERROR;
    }

    /** False for {@link #UNKNOWN}: the reading's meaning cannot be known, so it cannot be used. */
    public boolean isKnown() {
        return this != UNKNOWN;
    }
}
