package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * Expected bad input as a value: the code the dead-letter topic and the metrics use, and a message a
 * data manager can act on. The message is readable and never contains a patient id; domain code never
 * sees one, and callers must not add one.
 *
 * @param code why the input was rejected
 * @param message what was wrong, naming the offending field or text
 */
public record Rejection(ErrorCode code, String message) {
    public Rejection {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
