package org.biomarkerstreams.streams;

import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Wraps a deserializer so that bad bytes become a {@link Decoded} failure instead of an exception:
 * the topology then dead-letters them with their topic, partition and offset, and the stream never
 * stops on a poison pill.
 */
public final class SafeDeserializer<T> implements Deserializer<Decoded<T>> {

    private final Deserializer<T> inner;

    public SafeDeserializer(Deserializer<T> inner) {
        this.inner = inner;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    @Override
    public Decoded<T> deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public Decoded<T> deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return Decoded.failed("null value (tombstone) on an input topic", null);
        }
        try {
            T value = headers == null ? inner.deserialize(topic, data) : inner.deserialize(topic, headers, data);
            if (value == null) {
                return Decoded.failed("value decoded to null", data);
            }
            return Decoded.ok(value, data);
        } catch (RuntimeException e) {
            return Decoded.failed(describe(e), data);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder message =
                new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            message.append(" (caused by ")
                    .append(cause.getClass().getSimpleName())
                    .append(": ")
                    .append(cause.getMessage())
                    .append(')');
        }
        return message.toString();
    }

    @Override
    public void close() {
        inner.close();
    }
}
