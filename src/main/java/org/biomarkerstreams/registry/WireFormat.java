package org.biomarkerstreams.registry;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent wire format: magic byte {@code 0}, the 4-byte big-endian schema id, then the Avro binary encoding of
 * the record with that (writer) schema.
 */
public final class WireFormat {

    /** The first byte of every framed record. */
    public static final byte MAGIC = 0;

    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /**
     * The schema id of a framed record.
     *
     * @throws SerializationException if {@code data} is shorter than the header or does not start with the magic byte
     */
    public static int schemaId(byte[] data) {
        check(data);
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    /** The Avro binary part of a framed record, as a read-only view positioned at its first byte. */
    public static ByteBuffer payload(byte[] data) {
        check(data);
        return ByteBuffer.wrap(data, HEADER_SIZE, data.length - HEADER_SIZE)
                .slice()
                .asReadOnlyBuffer();
    }

    /** Writes the header for {@code schemaId}; the Avro binary follows. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /** A framed record: header for {@code schemaId} followed by {@code avroBinary}. */
    public static byte[] frame(int schemaId, byte[] avroBinary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_SIZE + avroBinary.length);
        writeHeader(out, schemaId);
        out.writeBytes(avroBinary);
        return out.toByteArray();
    }

    private static void check(byte[] data) {
        if (data == null) {
            throw new SerializationException(
                    "No data: expected Confluent wire format (magic byte 0 + 4-byte schema id)");
        }
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("Record of " + data.length + " byte(s) is too short for the Confluent wire"
                    + " format: expected magic byte 0 + 4-byte schema id + Avro binary");
        }
        if (data[0] != MAGIC) {
            throw new SerializationException(String.format(
                    "Unknown magic byte 0x%02x: expected 0x00 (Confluent wire format); the record was not written by"
                            + " a schema-registry serializer",
                    data[0]));
        }
    }
}
