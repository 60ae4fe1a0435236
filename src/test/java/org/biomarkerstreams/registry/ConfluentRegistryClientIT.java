package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.biomarkerstreams.registry.LabReadings.DRAWN;
import static org.biomarkerstreams.registry.LabReadings.aCrpReading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.LocalRegistryExtension;
import org.biomarkerstreams.testing.NewerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The client and serde against each real Confluent-compatible registry the project meets: Apicurio 2.6 (ccompat API
 * v7), and the project's own registry that {@code broker --with-registry} serves.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ConfluentRegistryClientIT.Registry.class)
class ConfluentRegistryClientIT {

    @RegisterExtension
    static final ApicurioRegistryExtension APICURIO = new ApicurioRegistryExtension();

    @RegisterExtension
    static final LocalRegistryExtension LOCAL = new LocalRegistryExtension();

    /** The registries the same contract is checked against. */
    enum Registry {
        APICURIO {
            @Override
            String url() {
                return ConfluentRegistryClientIT.APICURIO.confluentUrl();
            }
        },
        BROKER_WITH_REGISTRY {
            @Override
            String url() {
                return LOCAL.url();
            }
        };

        abstract String url();
    }

    private static final Schema V1 = ContractSchema.of(LabReading.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Registry registry;
    private final ConfluentRegistryClient client;
    private final String topic;

    ConfluentRegistryClientIT(Registry registry, TestInfo test) {
        this.registry = registry;
        this.client = new ConfluentRegistryClient(config());
        // One registry serves the whole JVM: each test gets its own topic, hence its own subjects.
        this.topic = "it-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private RegistryConfig config() {
        return RegistryConfig.of(registry.url());
    }

    @Test
    void shouldFetchTheRegisteredSchemaByIdWhenRegistered() {
        int id = client.register(topic + "-value", V1);

        try (ConfluentRegistryClient fresh = new ConfluentRegistryClient(config())) {
            assertThat(fresh.schemaById(id)).isEqualTo(V1);
        }
    }

    @Test
    void shouldFindTheIdWhenLookingUpARegisteredSchema() {
        int id = client.register(topic + "-value", V1);

        try (ConfluentRegistryClient fresh = new ConfluentRegistryClient(config())) {
            assertThat(fresh.lookup(topic + "-value", V1)).isEqualTo(id);
            assertThatThrownBy(() -> fresh.lookup(topic + "-missing", V1))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode())
                            .isEqualTo(40401))
                    .hasMessageContaining("subject not found (HTTP 404)");
        }
    }

    @Test
    void shouldGetTheSameIdWhenTheSameSchemaIsRegisteredTwice() {
        int first = client.register(topic + "-value", V1);

        try (ConfluentRegistryClient fresh = new ConfluentRegistryClient(config())) {
            assertThat(fresh.register(topic + "-value", V1)).isEqualTo(first);
        }
    }

    @Test
    void shouldRejectWith409WhenANewRequiredFieldHasNoDefaultUnderBackward() {
        String subject = topic + "-value";
        client.setCompatibility(subject, "BACKWARD");
        client.register(subject, V1);
        Schema withRequiredField = withExtraField(false);

        assertThat(client.testCompatibility(subject, withRequiredField)).isFalse();
        assertThatThrownBy(() -> client.register(subject, withRequiredField))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("under subject '" + subject + "'")
                .hasMessageContaining("incompatible with earlier versions")
                .hasMessageContaining("performingLab");
        assertThat(client.testCompatibility(subject, withExtraField(true))).isTrue();
    }

    @Test
    void shouldWriteMagicThenBigEndianIdThenPlainAvroBinaryWhenSerializing() throws IOException {
        SpecificAvroSerde<LabReading> serde = new SpecificAvroSerde<>(client, LabReading.class, false, true);
        LabReading reading = aCrpReading();

        byte[] bytes = serde.serializer().serialize(topic, reading);

        int id = client.lookup(topic + "-value", V1);
        assertThat(bytes[0]).isZero();
        assertThat(Arrays.copyOfRange(bytes, 1, 5))
                .containsExactly(ByteBuffer.allocate(4).putInt(id).array());
        byte[] tail = Arrays.copyOfRange(bytes, 5, bytes.length);
        assertThat(tail).containsExactly(plainAvro(reading));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(tail, null);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(client.schemaById(id)).read(null, decoder);
        assertThat(decoder.isEnd()).isTrue();
        assertThat(decoded.get("readingId")).hasToString(reading.getReadingId());
        assertThat(decoded.get("revision")).isEqualTo(reading.getRevision());
        assertThat(decoded.get("value")).hasToString("<0.5");
        assertThat(decoded.get("observedAt")).isEqualTo(DRAWN.toEpochMilli());
        assertThat(decoded.get("status")).hasToString("CORRECTED");
    }

    @Test
    void shouldRoundTripThroughTheRealRegistryWhenProducerAndConsumerAreSeparate() {
        SpecificAvroSerde<LabReading> producer = new SpecificAvroSerde<>(client, LabReading.class, false, true);
        byte[] bytes = producer.serializer().serialize(topic, aCrpReading());

        try (ConfluentRegistryClient consumerClient = new ConfluentRegistryClient(config())) {
            SpecificAvroSerde<LabReading> consumer =
                    new SpecificAvroSerde<>(consumerClient, LabReading.class, false, false);

            assertThat(consumer.deserializer().deserialize(topic, bytes)).isEqualTo(aCrpReading());
            assertThat(WireFormat.schemaId(consumer.serializer().serialize(topic, aCrpReading())))
                    .isEqualTo(WireFormat.schemaId(bytes));
        }
    }

    @Test
    void shouldReadNewerDataAsLabReadingWhenTheNewVersionAddsAnOptionalField() throws IOException {
        String subject = topic + "-value";
        client.setCompatibility(subject, "BACKWARD");
        client.register(subject, V1);
        Schema v2 = withExtraField(true);
        int v2Id = client.register(subject, v2);
        GenericRecord written = new GenericData.Record(v2);
        written.put("readingId", "ORD-7|731-0|1");
        written.put("revision", 1L);
        written.put("analyte", "LYMPH");
        written.put("value", "0.6");
        written.put("unit", "10*9/L");
        written.put("performingLab", "Central lab");
        written.put("observedAt", DRAWN.toEpochMilli());
        written.put("status", new GenericData.EnumSymbol(v2.getField("status").schema(), "PRELIMINARY"));
        byte[] bytes = WireFormat.frame(v2Id, SpecificAvroSerdeTest.avroBinary(v2, written));

        LabReading read = new SpecificAvroSerde<>(client, LabReading.class, false, false)
                .deserializer()
                .deserialize(topic, bytes);

        assertThat(read.getAnalyte()).isEqualTo("LYMPH");
        assertThat(read.getValue()).isEqualTo("0.6");
        assertThat(read.getObservedAt()).isEqualTo(DRAWN);
        assertThat(read.getStatus()).isEqualTo(ResultStatus.PRELIMINARY);
    }

    @Test
    void shouldReadRecordsWrittenWithASchemaThatNamesItsEnumThroughAReference() throws Exception {
        // The published contract named ResultStatus without defining it: registered the Confluent way, with a
        // schema reference to the enum's own subject.
        Path published = Path.of("src/test/resources/published-contract");
        String enumSubject = topic + "-org.biomarkerstreams.avro.ResultStatus";
        registerRaw(enumSubject, Files.readString(published.resolve("common/ResultStatus.avsc")), null);
        ObjectNode reference = JSON.createObjectNode()
                .put("name", "org.biomarkerstreams.avro.ResultStatus")
                .put("subject", enumSubject)
                .put("version", 1);
        int id = registerRaw(topic + "-value", Files.readString(published.resolve("LabReading.avsc")), reference);
        Schema.Parser parser = new Schema.Parser();
        parser.parse(published.resolve("common/ResultStatus.avsc").toFile());
        Schema writer = parser.parse(published.resolve("LabReading.avsc").toFile());
        byte[] bytes = NewerContract.framed(id, NewerContract.as(writer, aCrpReading(), "status", "PRELIMINARY"));

        try (ConfluentRegistryClient fresh = new ConfluentRegistryClient(config())) {
            LabReading read = new SpecificAvroSerde<>(fresh, LabReading.class, false, WriterSchemaMode.LOOKUP)
                    .deserializer()
                    .deserialize(topic, bytes);
            byte[] written = new SpecificAvroSerde<>(fresh, LabReading.class, false, WriterSchemaMode.LATEST_VERSION)
                    .serializer()
                    .serialize(topic, aCrpReading());

            assertThat(read.getStatus()).isEqualTo(ResultStatus.PRELIMINARY);
            assertThat(read.getValue()).isEqualTo(aCrpReading().getValue());
            assertThat(fresh.schemaById(id).getField("status").schema().getEnumSymbols())
                    .doesNotContain("UNKNOWN");
            assertThat(WireFormat.schemaId(written))
                    .as("use.latest.version writes as the referencing version, which can read the contract")
                    .isEqualTo(id);
            assertThat(new SpecificAvroSerde<>(fresh, LabReading.class, false, WriterSchemaMode.LOOKUP)
                            .deserializer()
                            .deserialize(topic, written))
                    .isEqualTo(aCrpReading());
        }
    }

    /** Registers as any client would, with plain HTTP, and with one schema reference when given. */
    private int registerRaw(String subject, String schemaText, ObjectNode reference) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("schema", schemaText);
        if (reference != null) {
            body.putArray("references").add(reference);
        }
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(config().url() + "/subjects/" + subject + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("id").asInt();
    }

    /** LabReading plus {@code performingLab}, optional (with a default) or required (without). */
    private static Schema withExtraField(boolean optional) {
        Schema base;
        try {
            base = SpecificAvroSerdeTest.labReadingWithExtraField();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (optional) {
            return base;
        }
        String json = base.toString()
                .replace(
                        "{\"name\":\"performingLab\",\"type\":[\"null\",\"string\"],\"default\":null}",
                        "{\"name\":\"performingLab\",\"type\":\"string\"}");
        assertThat(json).contains("{\"name\":\"performingLab\",\"type\":\"string\"}");
        return new Schema.Parser().parse(json);
    }

    private static byte[] plainAvro(LabReading reading) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<LabReading>(LabReading.class).write(reading, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
