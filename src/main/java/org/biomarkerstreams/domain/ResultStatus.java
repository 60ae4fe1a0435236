package org.biomarkerstreams.domain;

/**
 * Result status of a lab reading, as HL7 OBX-11 and FHIR Observation.status carry it. {@code CORRECTED} replaces
 * an earlier revision of the same reading; {@code DELETED} and {@code ENTERED_IN_ERROR} retract it.
 */
public enum ResultStatus {
    FINAL,
    PRELIMINARY,
    CORRECTED,
    DELETED,
    ENTERED_IN_ERROR;

    /** True when a reading with this status withdraws the reading instead of giving it a value. */
    public boolean retracts() {
        return this == DELETED || this == ENTERED_IN_ERROR;
    }
}
