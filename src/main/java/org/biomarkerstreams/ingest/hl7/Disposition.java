package org.biomarkerstreams.ingest.hl7;

import java.util.Objects;

/**
 * What a {@link MessageHandler} decided about one message; the listener turns it into the HL7
 * acknowledgment code the sender acts on.
 */
public sealed interface Disposition {

    /** AA: the message's data is durably stored; the sender may discard it. */
    record Accept() implements Disposition {}

    /**
     * AE: the content is wrong and a resend of the same bytes would fail the same way.
     *
     * @param code HL7 table 0357 error code (ERR-3, or ERR-1.4 before v2.5), e.g. {@code 101} required
     *     field missing, {@code 102} data type error, {@code 103} table value not found, {@code 207}
     *     application internal error
     * @param text readable explanation for the interface analyst (ERR-8, or ERR-1.4.2 and MSA-3 before
     *     v2.5); must not contain a patient identifier, because it is also logged
     * @param location where in the message, {@code SEG}, {@code SEG-field}, {@code SEG-field-component}
     *     or with a segment repetition {@code OBX(2)-5} (ERR-2, or ERR-1.1-1.3 before v2.5); may be
     *     null
     */
    record Error(String code, String text, String location) implements Disposition {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * AR: nothing was stored and the sender must send the same message again later (storage
     * unavailable, timeout).
     *
     * @param text readable reason (ERR-8 / MSA-3); must not contain a patient identifier
     */
    record Reject(String text) implements Disposition {
        public Reject {
            Objects.requireNonNull(text, "text");
        }
    }
}
