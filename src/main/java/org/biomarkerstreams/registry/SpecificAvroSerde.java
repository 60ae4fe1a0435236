package org.biomarkerstreams.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for a generated Avro {@link SpecificRecord} class in the Confluent wire format, with subjects named by
 * the TopicNameStrategy ({@code <topic>-value} or {@code <topic>-key}).
 *
 * <p>The serializer writes {@code T}'s {@link ContractSchema contract schema}: the generated class's schema without
 * the {@code avro.java.*} properties, so the registered schema is the one in {@code schemas/} and a client in any
 * language that registers that file gets the same id. The {@link WriterSchemaMode} decides how it gets the id, once
 * per topic: registering the schema, only looking it up, or taking the subject's latest version. The deserializer resolves each writer schema id against {@code T}'s schema, so a reader of one version reads
 * data written with another whenever Avro's resolution rules allow it. Anything it cannot read, including bytes that
 * are not in the wire format, fails with a {@link SerializationException} that says why, so Kafka Streams' exception
 * handlers can dead-letter it: an {@link UnknownSchemaException} when the registry answered that it has no schema of
 * that id, a {@link SchemaMismatchException} when the writer schema cannot be read as {@code T}. A registry that
 * cannot be reached or fails gives a plain {@link SerializationException} caused by a {@link SchemaRegistryException}:
 * the record may be fine, so callers should not treat it as bad input. {@code null} maps to {@code null} both ways.
 *
 * <p>Thread-safe: one instance can serve all stream threads. The registry is owned by the caller; {@link #close()}
 * leaves it open.
 *
 * @param <T> the generated record class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    /** Encoders that grew beyond this are not kept for reuse, so one huge record does not pin memory. */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;

    /** The Confluent error code of "schema not found": the only answer that makes a schema id unknown for good. */
    private static final int SCHEMA_NOT_FOUND = 40403;

    private final SchemaRegistry registry;
    private final Class<T> type;
    private final boolean isKey;
    private final WriterSchemaMode mode;
    private final SpecificData model;
    private final Schema readerSchema;
    private final Schema contractSchema;
    private final DatumWriter<T> writer;
    private final Map<String, TopicWriter<T>> writersByTopic = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<EncodingBuffer> encodingBuffers = ThreadLocal.withInitial(EncodingBuffer::new);
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    private final Serializer<T> serializer = new AvroSerializer();
    private final Deserializer<T> deserializer = new AvroDeserializer();

    /**
     * @param registry where writer schemas are registered and looked up
     * @param type the generated class; its schema is the writer schema of the serializer and the reader schema of the
     *     deserializer
     * @param isKey true for record keys (subject {@code <topic>-key}), false for values ({@code <topic>-value})
     * @param mode how the serializer finds the id of the schema it writes
     */
    public SpecificAvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey, WriterSchemaMode mode) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.type = Objects.requireNonNull(type, "type");
        this.isKey = isKey;
        this.mode = Objects.requireNonNull(mode, "mode");
        // The class's own model carries its logical-type conversions (timestamp-millis <-> Instant).
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
        this.contractSchema = ContractSchema.of(readerSchema);
        this.writer = new SpecificDatumWriter<>(readerSchema, model);
    }

    /**
     * Shorthand for {@link WriterSchemaMode#AUTO_REGISTER} ({@code autoRegister}) or {@link WriterSchemaMode#LOOKUP}.
     */
    public SpecificAvroSerde(SchemaRegistry registry, Class<T> type, boolean isKey, boolean autoRegister) {
        this(registry, type, isKey, autoRegister ? WriterSchemaMode.AUTO_REGISTER : WriterSchemaMode.LOOKUP);
    }

    /** The subject of {@code topic} under the TopicNameStrategy. */
    public String subject(String topic) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** The schema of {@code T}: what the serializer writes and the deserializer reads into. */
    public Schema schema() {
        return readerSchema;
    }

    /** The schema the serializer registers or looks up: {@code T}'s schema as {@code schemas/} states it. */
    public Schema contractSchema() {
        return contractSchema;
    }

    /**
     * The schema id records for {@code topic} are written with, found (and cached) now as the serializer would on its
     * first record: callers can check at start-up that the registry has it.
     *
     * @throws SerializationException saying why not, e.g. that the schema is not registered and auto-registration is
     *     off, with the {@link SchemaRegistryException} as the cause
     */
    public int writerSchemaId(String topic) {
        return writerFor(topic).id();
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    /** No-op: everything is fixed by the constructor. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    /** No-op: the registry belongs to the caller. */
    @Override
    public void close() {}

    private TopicWriter<T> writerFor(String topic) {
        TopicWriter<T> cached = writersByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        String subject = subject(topic);
        TopicWriter<T> found;
        try {
            found = switch (mode) {
                case AUTO_REGISTER -> new TopicWriter<>(registry.register(subject, contractSchema), null);
                case LOOKUP -> new TopicWriter<>(registry.lookup(subject, contractSchema), null);
                case LATEST_VERSION -> latestVersionWriter(subject);
            };
        } catch (SchemaRegistryException e) {
            throw new SerializationException(failure(subject, e), e);
        }
        TopicWriter<T> previous = writersByTopic.putIfAbsent(topic, found);
        return previous != null ? previous : found;
    }

    /**
     * The subject's latest version: as it is when it is the contract schema (documentation aside), else through a
     * translation when it can read what {@code T} writes (a newer version with an optional field more, say).
     */
    private TopicWriter<T> latestVersionWriter(String subject) {
        RegisteredSchema latest = registry.latest(subject);
        if (ContractSchema.of(latest.schema()).equals(contractSchema)) {
            return new TopicWriter<>(latest.id(), null);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), readerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException(WriterSchemaMode.USE_LATEST_VERSION + "=true, but the latest version ("
                    + latest.version() + ", id " + latest.id() + ") of subject '" + subject + "' cannot hold a "
                    + readerSchema.getFullName() + " as this version writes it: " + describe(compatibility));
        }
        return new TopicWriter<>(latest.id(), new Translation<>(writer, readerSchema, latest.schema()));
    }

    private String failure(String subject, SchemaRegistryException e) {
        String name = readerSchema.getFullName();
        String file = "schemas/" + readerSchema.getName() + ".avsc";
        if (e.isNotFound() && mode == WriterSchemaMode.LOOKUP) {
            return "Schema " + name + " is not registered under subject '" + subject + "', and "
                    + WriterSchemaMode.AUTO_REGISTER_SCHEMAS + "=false: register " + file
                    + " under that subject, or let this client register it (" + WriterSchemaMode.AUTO_REGISTER_SCHEMAS
                    + "=true). The registry said: " + e.getMessage();
        }
        if (e.isNotFound() && mode == WriterSchemaMode.LATEST_VERSION) {
            return WriterSchemaMode.USE_LATEST_VERSION + "=true, but subject '" + subject
                    + "' has no version: register " + file + " under it. The registry said: " + e.getMessage();
        }
        String action =
                switch (mode) {
                    case AUTO_REGISTER -> "register schema " + name;
                    case LOOKUP -> "look up schema " + name;
                    case LATEST_VERSION -> "fetch the latest version";
                };
        return "Cannot " + action + " under subject '" + subject + "': " + e.getMessage();
    }

    private static String describe(SchemaPairCompatibility compatibility) {
        return compatibility.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }

    /** The id a topic's records carry, and the translation into that id's schema when it is not {@code T}'s. */
    private record TopicWriter<V>(int id, Translation<V> translation) {}

    /**
     * Writes a {@code T} as a record of another schema that can read it: encoded with {@code T}'s schema, resolved into
     * the other by Avro's rules (fields it adds take their defaults), and encoded again.
     */
    private static final class Translation<V> {
        private final DatumWriter<V> source;
        private final GenericDatumReader<Object> resolver;
        private final GenericDatumWriter<Object> target;

        Translation(DatumWriter<V> source, Schema sourceSchema, Schema targetSchema) {
            this.source = source;
            this.resolver = new GenericDatumReader<>(sourceSchema, targetSchema);
            this.target = new GenericDatumWriter<>(targetSchema);
        }

        void write(V data, BinaryEncoder out) throws IOException {
            ByteArrayOutputStream own = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(own, null);
            source.write(data, encoder);
            encoder.flush();
            Object resolved = resolver.read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
            target.write(resolved, out);
        }
    }

    private DatumReader<T> readerFor(int writerId, String topic) {
        DatumReader<T> cached = readersByWriterId.get(writerId);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(writerId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound() && e.errorCode() == SCHEMA_NOT_FOUND) {
                throw new UnknownSchemaException(
                        "Unknown schema id " + writerId + " in a record from topic '" + topic
                                + "': the registry has no such schema (written against another registry?): "
                                + e.getMessage(),
                        writerId,
                        e);
            }
            if (e.httpStatus() >= 200 && e.httpStatus() < 300) {
                // The registry answered with a schema we cannot use (not Avro, or not parseable): the record's fault.
                throw new SchemaMismatchException(
                        "Record from topic '" + topic + "' was written with schema id " + writerId
                                + ", which cannot be read as " + readerSchema.getFullName() + ": " + e.getMessage(),
                        writerId,
                        e);
            }
            // Unreachable, failing or refusing registry, or a 404 that is not "schema not found" (a wrong URL):
            // not the record's fault, so not one a dead letter should take.
            throw new SerializationException(
                    "Cannot fetch writer schema id " + writerId + " for a record from topic '" + topic + "': "
                            + e.getMessage(),
                    e);
        }
        SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaMismatchException(
                    "Record from topic '" + topic + "' was written with schema id " + writerId + " ("
                            + writerSchema.getFullName() + "), which cannot be read as " + readerSchema.getFullName()
                            + ": " + describe(compatibility),
                    writerId,
                    null);
        }
        DatumReader<T> reader = new SpecificDatumReader<>(writerSchema, readerSchema, model);
        DatumReader<T> previous = readersByWriterId.putIfAbsent(writerId, reader);
        return previous != null ? previous : reader;
    }

    /** Per-thread output buffer and encoder, reused across records. */
    private static final class EncodingBuffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder;
    }

    private final class AvroSerializer implements Serializer<T> {
        @Override
        public byte[] serialize(String topic, T data) {
            if (data == null) {
                return null;
            }
            TopicWriter<T> target = writerFor(topic);
            EncodingBuffer buffer = encodingBuffers.get();
            buffer.out.reset();
            try {
                WireFormat.writeHeader(buffer.out, target.id());
                buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
                if (target.translation() == null) {
                    writer.write(data, buffer.encoder);
                } else {
                    target.translation().write(data, buffer.encoder);
                }
                buffer.encoder.flush();
                return buffer.out.toByteArray();
            } catch (IOException | RuntimeException e) {
                // The encoder may hold half a record; start the next one with a fresh one.
                encodingBuffers.remove();
                throw new SerializationException(
                        "Cannot serialize " + type.getSimpleName() + " for topic '" + topic + "': " + e.getMessage(),
                        e);
            } finally {
                if (buffer.out.size() > MAX_RETAINED_BUFFER) {
                    encodingBuffers.remove();
                }
            }
        }
    }

    private final class AvroDeserializer implements Deserializer<T> {
        @Override
        public T deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            int writerId = WireFormat.schemaId(data);
            DatumReader<T> reader = readerFor(writerId, topic);
            try {
                BinaryDecoder decoder = DecoderFactory.get()
                        .binaryDecoder(
                                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
                decoders.set(decoder);
                T value = reader.read(null, decoder);
                if (!decoder.isEnd()) {
                    throw new SerializationException("Record from topic '" + topic + "' has bytes left after decoding"
                            + " it with schema id " + writerId + ": the id does not match the payload");
                }
                return value;
            } catch (SerializationException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException(
                        "Cannot decode a record from topic '" + topic + "' with writer schema id " + writerId + " as "
                                + type.getSimpleName() + ": " + e,
                        e);
            }
        }
    }
}
