package org.biomarkerstreams.protocol;

import java.util.function.Supplier;

/**
 * A mistake in one field of a protocol file. Its {@link #path()} is relative to the record that found it (empty: the
 * value being bound itself); Jackson's path, or {@link #within} an enclosing field, completes it from the top of the
 * file.
 */
final class FieldError extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;
    private final String reason;

    /** A mistake in the value being bound. */
    FieldError(String reason) {
        this("", reason);
    }

    FieldError(String path, String reason) {
        super(path.isEmpty() ? reason : path + ": " + reason);
        this.path = path;
        this.reason = reason;
    }

    String path() {
        return path;
    }

    String reason() {
        return reason;
    }

    /** {@code body}'s result; a mistake it finds is re-thrown as one in field {@code parent}. */
    static <T> T within(String parent, Supplier<T> body) {
        try {
            return body.get();
        } catch (FieldError e) {
            throw new FieldError(FieldPath.join(parent, e.path), e.reason);
        }
    }
}
