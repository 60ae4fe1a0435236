package org.biomarkerstreams.streams;

import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.registry.SchemaMismatchException;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.registry.UnknownSchemaException;

/**
 * Wraps a deserializer so that bad bytes become a {@link Decoded} failure instead of an exception: the topology then
 * dead-letters them with their topic, partition and offset, and the stream never stops on a poison pill.
 *
 * <p>What makes a record bad, by code: a value above {@code maxBytes} is {@link ErrorCode#OVERSIZED} (not decoded at
 * all); a schema id the registry answered it does not have is {@link ErrorCode#UNKNOWN_SCHEMA}; a writer schema that
 * cannot be read as the expected type is {@link ErrorCode#WRONG_SCHEMA}; anything else that fails to decode is
 * {@link ErrorCode#UNDESERIALIZABLE}.
 *
 * <p>A registry that cannot be reached, fails (5xx) or refuses us (401, 403) says nothing about the record: that
 * exception is thrown on, so Kafka Streams' deserialization handler (log and fail) stops the stream thread before the
 * offset is committed, and the record is read again when the application restarts with the registry back. Dead-
 * lettering it would empty the input into the dead-letter topic for the length of an outage.
 */
public final class SafeDeserializer<T> implements Deserializer<Decoded<T>> {

    /** Values larger than this are {@link ErrorCode#OVERSIZED} unless configured otherwise; a reading is ~300 bytes. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final Deserializer<T> inner;
    private final int maxBytes;

    public SafeDeserializer(Deserializer<T> inner) {
        this(inner, DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes values larger than this are dead-lettered as {@link ErrorCode#OVERSIZED} without decoding */
    public SafeDeserializer(Deserializer<T> inner, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        this.inner = inner;
        this.maxBytes = maxBytes;
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
        if (data.length > maxBytes) {
            return Decoded.failed(
                    ErrorCode.OVERSIZED,
                    "value of " + data.length + " bytes is larger than the limit of " + maxBytes
                            + " bytes (--max-record-bytes); not decoded",
                    data);
        }
        try {
            T value = headers == null ? inner.deserialize(topic, data) : inner.deserialize(topic, headers, data);
            if (value == null) {
                return Decoded.failed("value decoded to null", data);
            }
            return Decoded.ok(value, data);
        } catch (UnknownSchemaException e) {
            return Decoded.failed(ErrorCode.UNKNOWN_SCHEMA, describe(e), data);
        } catch (SchemaMismatchException e) {
            return Decoded.failed(ErrorCode.WRONG_SCHEMA, describe(e), data);
        } catch (RuntimeException e) {
            if (registryFailure(e)) {
                throw e;
            }
            return Decoded.failed(describe(e), data);
        }
    }

    private static boolean registryFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder message =
                new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        if (cause != null && cause != e && !(e instanceof UnknownSchemaException)) {
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
