package org.biomarkerstreams.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Plain Avro binary of a record, without the registry framing: what the processors keep of a record they
 * emitted, to tell a changed output from an unchanged one and to answer queries with the record as last sent.
 */
public final class AvroBinary {

    /**
     * One writer per schema: building one looks up the record's class and model, which cost as much as the writing
     * (the patient processor encodes two records per reading). A writer keeps no state between writes.
     */
    private static final Map<Schema, SpecificDatumWriter<SpecificRecord>> WRITERS = new ConcurrentHashMap<>();

    /**
     * Buffered: the same bytes as a direct encoder's, without a call into the synchronized stream per field; a small
     * buffer, as records here are a few hundred bytes (the default, 2 KiB, cost more to allocate than to write).
     */
    private static final EncoderFactory ENCODERS = new EncoderFactory().configureBufferSize(256);

    private AvroBinary() {}

    public static byte[] encode(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = ENCODERS.binaryEncoder(out, null);
        try {
            WRITERS.computeIfAbsent(record.getSchema(), SpecificDatumWriter::new)
                    .write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads bytes written by {@link #encode} for a record of {@code type}'s schema. */
    public static <T extends SpecificRecord> T decode(byte[] bytes, Class<T> type) {
        try {
            return new SpecificDatumReader<>(type)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
