package org.biomarkerstreams.streams;

import org.biomarkerstreams.domain.ErrorCode;

/**
 * An input value as it came off the topic: either decoded, or the reason it could not be (a code and a message),
 * with the original bytes either way so a dead letter can carry them.
 */
public record Decoded<T>(T value, ErrorCode code, String error, byte[] raw) {

    public static <T> Decoded<T> ok(T value, byte[] raw) {
        return new Decoded<>(value, null, null, raw);
    }

    /** Bytes that could not be read at all: {@link ErrorCode#UNDESERIALIZABLE}. */
    public static <T> Decoded<T> failed(String error, byte[] raw) {
        return failed(ErrorCode.UNDESERIALIZABLE, error, raw);
    }

    public static <T> Decoded<T> failed(ErrorCode code, String error, byte[] raw) {
        return new Decoded<>(null, code, error, raw);
    }

    public boolean isOk() {
        return error == null;
    }
}
