package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.biomarkerstreams.registry.LabReadings.DRAWN;
import static org.biomarkerstreams.registry.LabReadings.aCrpReading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.testing.NewerContract;
import org.junit.jupiter.api.Test;

class SpecificAvroSerdeTest {

    private static final String TOPIC = "lab-readings";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerde<LabReading> serde =
            new SpecificAvroSerde<>(registry, LabReading.class, false, true);

    @Test
    void shouldRoundTripEveryFieldWhenRegistryIsInMemory() {
        LabReading reading = aCrpReading();

        byte[] bytes = serde.serializer().serialize(TOPIC, reading);
        LabReading back = serde.deserializer().deserialize(TOPIC, bytes);

        assertThat(back).isEqualTo(reading);
        assertThat(back.getObservedAt()).isEqualTo(DRAWN);
        assertThat(back.getStatus()).isEqualTo(ResultStatus.CORRECTED);
    }

    @Test
    void shouldFrameWithTheRegisteredIdUnderTheValueSubjectWhenSerializing() {
        byte[] bytes = serde.serializer().serialize(TOPIC, aCrpReading());

        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC);
        assertThat(WireFormat.schemaId(bytes))
                .isEqualTo(registry.lookup("lab-readings-value", ContractSchema.of(LabReading.class)));
        assertThat(registry.subjects()).containsExactly("lab-readings-value");
    }

    @Test
    void shouldRegisterTheContractWithoutJavaPropertiesWhenTheClassSchemaCarriesThem() {
        byte[] bytes = serde.serializer().serialize(TOPIC, aCrpReading());

        Schema registered = registry.schemaById(WireFormat.schemaId(bytes));
        assertThat(LabReading.getClassSchema().toString()).contains("\"avro.java.string\":\"String\"");
        assertThat(registered.toString()).doesNotContain("avro.java");
        assertThat(registered).isEqualTo(serde.contractSchema());
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(aCrpReading());
    }

    @Test
    void shouldUseTheKeySubjectWhenSerdeIsForKeys() {
        SpecificAvroSerde<LabReading> keySerde = new SpecificAvroSerde<>(registry, LabReading.class, true, true);

        keySerde.serializer().serialize(TOPIC, aCrpReading());

        assertThat(registry.subjects()).containsExactly("lab-readings-key");
        assertThat(keySerde.subject(TOPIC)).isEqualTo("lab-readings-key");
    }

    @Test
    void shouldMapNullToNullWhenSerializingAndDeserializing() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void shouldAskTheRegistryOncePerTopicAndOncePerWriterIdWhenCalledRepeatedly() {
        CountingRegistry counting = new CountingRegistry(registry);
        SpecificAvroSerde<LabReading> countingSerde = new SpecificAvroSerde<>(counting, LabReading.class, false, true);

        for (int i = 0; i < 5; i++) {
            byte[] bytes = countingSerde.serializer().serialize(TOPIC, aCrpReading());
            countingSerde.deserializer().deserialize(TOPIC, bytes);
        }
        countingSerde.serializer().serialize("other-topic", aCrpReading());

        assertThat(counting.registrations.get()).isEqualTo(2);
        assertThat(counting.fetchesById.get()).isEqualTo(1);
    }

    @Test
    void shouldReadDataWrittenWithANewerSchemaWhenItOnlyAddsAnOptionalField() throws IOException {
        int v1Id = WireFormat.schemaId(serde.serializer().serialize(TOPIC, aCrpReading()));
        Schema v2 = labReadingWithExtraField();
        int v2Id = registry.register("lab-readings-value", v2);
        GenericRecord written = new GenericData.Record(v2);
        written.put("readingId", "ORD-9|26881-3|1");
        written.put("revision", 3L);
        written.put("patientId", "TEST-PATIENT-2");
        written.put("analyte", "IL6");
        written.put("value", "41.2");
        written.put("unit", "pg/mL");
        written.put("performingLab", "Central lab");
        written.put("observedAt", DRAWN.toEpochMilli());
        written.put("status", new GenericData.EnumSymbol(v2.getField("status").schema(), "FINAL"));

        LabReading read = serde.deserializer().deserialize(TOPIC, WireFormat.frame(v2Id, avroBinary(v2, written)));

        assertThat(v2Id).isNotEqualTo(v1Id);
        assertThat(read.getReadingId()).isEqualTo("ORD-9|26881-3|1");
        assertThat(read.getRevision()).isEqualTo(3L);
        assertThat(read.getAnalyte()).isEqualTo("IL6");
        assertThat(read.getValue()).isEqualTo("41.2");
        assertThat(read.getObservedAt()).isEqualTo(DRAWN);
        assertThat(read.getStatus()).isEqualTo(ResultStatus.FINAL);
        assertThat(read.getLoinc()).isNull();
    }

    @Test
    void shouldReadAStatusThisVersionLacksAsUnknownRatherThanFinal() {
        Schema newer = NewerContract.withSymbol(LabReading.class, "ResultStatus", "AMENDED");
        int newerId = registry.register("lab-readings-value", newer);

        LabReading read = serde.deserializer()
                .deserialize(
                        TOPIC,
                        NewerContract.framed(newerId, NewerContract.as(newer, aCrpReading(), "status", "AMENDED")));

        assertThat(read.getStatus()).isEqualTo(ResultStatus.UNKNOWN);
        assertThat(read.getValue()).isEqualTo("<0.5");
    }

    @Test
    void shouldFillTheDefaultWhenDataWasWrittenWithAnOlderSchemaLackingAField() throws IOException {
        Schema v0 = labReadingWithout("receivedAt");
        int v0Id = registry.register("lab-readings-value", v0);
        GenericRecord written = new GenericData.Record(v0);
        written.put("readingId", "ORD-3|1988-5|1");
        written.put("revision", 0L);
        written.put("value", "88");
        written.put("unit", "mg/L");
        written.put("observedAt", DRAWN.toEpochMilli());
        written.put("status", new GenericData.EnumSymbol(v0.getField("status").schema(), "FINAL"));

        LabReading read = serde.deserializer().deserialize(TOPIC, WireFormat.frame(v0Id, avroBinary(v0, written)));

        assertThat(read.getValue()).isEqualTo("88");
        assertThat(read.getObservedAt()).isEqualTo(DRAWN);
        assertThat(read.getReceivedAt()).isNull();
    }

    @Test
    void shouldFailNamingSubjectWhenAutoRegisterIsOffAndSchemaIsNotRegistered() {
        SpecificAvroSerde<LabReading> strict = new SpecificAvroSerde<>(registry, LabReading.class, false, false);

        assertThatThrownBy(() -> strict.serializer().serialize(TOPIC, aCrpReading()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is not registered under subject 'lab-readings-value'")
                .hasMessageContaining("auto.register.schemas=false")
                .hasMessageContaining("register schemas/LabReading.avsc");
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void shouldUseTheRegisteredIdWhenAutoRegisterIsOffAndSchemaIsRegistered() {
        int id = registry.register("lab-readings-value", ContractSchema.of(LabReading.class));
        SpecificAvroSerde<LabReading> strict = new SpecificAvroSerde<>(registry, LabReading.class, false, false);

        assertThat(WireFormat.schemaId(strict.serializer().serialize(TOPIC, aCrpReading())))
                .isEqualTo(id);
    }

    @Test
    void shouldUseTheLatestIdWhenItIsTheContractUpToItsDocumentation() throws IOException {
        ObjectNode documented = (ObjectNode)
                new ObjectMapper().readTree(ContractSchema.of(LabReading.class).toString());
        documented.put("doc", "Registered by the platform team, with their own words.");
        Schema theirs = new Schema.Parser().parse(documented.toString());
        int older = registry.register("lab-readings-value", labReadingWithout("receivedAt"));
        int latest = registry.register("lab-readings-value", theirs);
        SpecificAvroSerde<LabReading> latestWriter =
                new SpecificAvroSerde<>(registry, LabReading.class, false, WriterSchemaMode.LATEST_VERSION);

        byte[] bytes = latestWriter.serializer().serialize(TOPIC, aCrpReading());

        assertThat(latest).isNotEqualTo(older);
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(latest);
        assertThat(registry.subjects()).containsExactly("lab-readings-value");
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(aCrpReading());
    }

    @Test
    void shouldWriteAsTheLatestVersionWhenItAddsAnOptionalField() throws IOException {
        registry.register("lab-readings-value", ContractSchema.of(LabReading.class));
        Schema newer = labReadingWithExtraField();
        int newerId = registry.register("lab-readings-value", newer);
        SpecificAvroSerde<LabReading> latestWriter =
                new SpecificAvroSerde<>(registry, LabReading.class, false, WriterSchemaMode.LATEST_VERSION);

        byte[] bytes = latestWriter.serializer().serialize(TOPIC, aCrpReading());

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(newerId);
        GenericRecord asNewer = new GenericDatumReader<GenericRecord>(newer)
                .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
        assertThat(asNewer.get("performingLab")).isNull();
        assertThat(asNewer.get("value")).hasToString("<0.5");
        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(aCrpReading());
    }

    @Test
    void shouldFailNamingTheVersionWhenTheLatestCannotHoldTheRecord() {
        Schema unrelated = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"LabReading\",\"namespace\":\"org.biomarkerstreams.avro\","
                        + "\"fields\":[{\"name\":\"performingLab\",\"type\":\"string\"}]}");
        registry.setCompatibility("lab-readings-value", "NONE");
        int id = registry.register("lab-readings-value", unrelated);
        SpecificAvroSerde<LabReading> latestWriter =
                new SpecificAvroSerde<>(registry, LabReading.class, false, WriterSchemaMode.LATEST_VERSION);

        assertThatThrownBy(() -> latestWriter.serializer().serialize(TOPIC, aCrpReading()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("use.latest.version=true")
                .hasMessageContaining("latest version (1, id " + id + ") of subject 'lab-readings-value'")
                .hasMessageContaining("performingLab");
    }

    @Test
    void shouldFailSayingWhatToRegisterWhenUsingTheLatestOfASubjectWithoutVersions() {
        SpecificAvroSerde<LabReading> latestWriter =
                new SpecificAvroSerde<>(registry, LabReading.class, false, WriterSchemaMode.LATEST_VERSION);

        assertThatThrownBy(() -> latestWriter.writerSchemaId(TOPIC))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("subject 'lab-readings-value' has no version")
                .hasMessageContaining("register schemas/LabReading.avsc");
        assertThat(registry.subjects()).isEmpty();
    }

    @Test
    void shouldFailWithTheIdWhenSchemaIdIsUnknown() {
        byte[] bytes = WireFormat.frame(999, new byte[] {2, 0});

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown schema id 999")
                .hasMessageContaining("'lab-readings'");
    }

    @Test
    void shouldFailWithTheMagicByteWhenDataIsNotWireFormat() {
        byte[] json = "{\"analyte\":\"CRP\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte");
    }

    @Test
    void shouldFailNamingBothSchemasWhenWriterSchemaCannotBeResolved() {
        Schema incompatible = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"LabReading\",\"namespace\":\"org.biomarkerstreams.avro\","
                        + "\"fields\":[{\"name\":\"revision\",\"type\":\"string\"}]}");
        int id = registry.register("legacy-value", incompatible);
        GenericRecord written = new GenericData.Record(incompatible);
        written.put("revision", "two");

        assertThatThrownBy(() -> serde.deserializer()
                        .deserialize(TOPIC, WireFormat.frame(id, avroBinary(incompatible, written))))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id " + id)
                .hasMessageContaining("cannot be read as org.biomarkerstreams.avro.LabReading")
                .hasMessageContaining("TYPE_MISMATCH at /fields/1/type");
    }

    @Test
    void shouldFailWhenPayloadIsTruncated() {
        byte[] bytes = serde.serializer().serialize(TOPIC, aCrpReading());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot decode a record from topic 'lab-readings'");
    }

    @Test
    void shouldFailWhenBytesAreLeftAfterTheRecord() {
        byte[] bytes = serde.serializer().serialize(TOPIC, aCrpReading());
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, padded))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes left");
    }

    @Test
    void shouldFailNamingTheTopicWhenARequiredValueIsMissing() {
        LabReading broken = aCrpReading();
        broken.setStatus(null);

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot serialize LabReading for topic 'lab-readings'");
        assertThat(serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, aCrpReading())))
                .isEqualTo(aCrpReading());
    }

    @Test
    void shouldRoundTripFromSeveralThreadsWhenSharedByStreamThreads() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        LabReading reading = aCrpReading();
                        reading.setRevision(thread * 1000L + i);
                        byte[] bytes = serde.serializer().serialize(TOPIC, reading);
                        if (!serde.deserializer().deserialize(TOPIC, bytes).equals(reading)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** LabReading plus an optional {@code performingLab}, inserted mid-record so resolution must go by name. */
    static Schema labReadingWithExtraField() throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema =
                (ObjectNode) json.readTree(LabReading.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) schema.get("fields");
        ObjectNode extra = JsonNodeFactory.instance.objectNode();
        extra.put("name", "performingLab");
        extra.putArray("type").add("null").add("string");
        extra.putNull("default");
        fields.insert(5, extra);
        return new Schema.Parser().parse(schema.toString());
    }

    /** LabReading as an older producer knew it, without {@code field}. */
    static Schema labReadingWithout(String field) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode schema =
                (ObjectNode) json.readTree(LabReading.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) schema.get("fields");
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(field)) {
                fields.remove(i);
                return new Schema.Parser().parse(schema.toString());
            }
        }
        throw new IllegalArgumentException("LabReading has no field " + field);
    }

    static byte[] avroBinary(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static final class CountingRegistry implements SchemaRegistry {
        final SchemaRegistry delegate;
        final AtomicInteger registrations = new AtomicInteger();
        final AtomicInteger fetchesById = new AtomicInteger();

        CountingRegistry(SchemaRegistry delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public int lookup(String subject, Schema schema) {
            return delegate.lookup(subject, schema);
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return delegate.latest(subject);
        }

        @Override
        public Schema schemaById(int id) {
            fetchesById.incrementAndGet();
            return delegate.schemaById(id);
        }

        @Override
        public boolean testCompatibility(String subject, Schema schema) {
            return delegate.testCompatibility(subject, schema);
        }

        @Override
        public void setCompatibility(String subject, String level) {
            delegate.setCompatibility(subject, level);
        }
    }
}
