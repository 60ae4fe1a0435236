package org.biomarkerstreams.ingest.hl7;

import org.biomarkerstreams.domain.ErrorCode;

/** Expected bad input found while mapping a parsed message; becomes a {@link Hl7Outcome.Rejected}. */
final class Hl7Problem extends Exception {

    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    private final String location;

    Hl7Problem(ErrorCode errorCode, String message, String location) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.location = location;
    }

    static Hl7Problem missing(String location, String what) {
        return new Hl7Problem(ErrorCode.MISSING_FIELD, location + " (" + what + ") is missing", location);
    }

    Hl7Outcome.Rejected toOutcome() {
        return new Hl7Outcome.Rejected(errorCode, getMessage(), location);
    }
}
