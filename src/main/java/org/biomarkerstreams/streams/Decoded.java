package org.biomarkerstreams.streams;

/**
 * An input value as it came off the topic: either decoded, or the reason it could not be, with the
 * original bytes either way so a dead letter can carry them.
 */
public record Decoded<T>(T value, String error, byte[] raw) {

    public static <T> Decoded<T> ok(T value, byte[] raw) {
        return new Decoded<>(value, null, raw);
    }

    public static <T> Decoded<T> failed(String error, byte[] raw) {
        return new Decoded<>(null, error, raw);
    }

    public boolean isOk() {
        return error == null;
    }
}
