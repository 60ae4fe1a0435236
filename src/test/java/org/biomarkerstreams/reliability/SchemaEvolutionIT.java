package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.registry.WireFormat;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.CanaryLog;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.TopicValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema evolution against the real registry (subject compatibility BACKWARD): the running application, compiled
 * against v1 of the reading schema, processes readings written with a v2 that adds an optional field; a reader of
 * v2 reads v1 records; an incompatible schema is refused with HTTP 409, and our own producer path fails loudly,
 * naming the subject.
 */
class SchemaEvolutionIT {

    private static final Logger log = LoggerFactory.getLogger(SchemaEvolutionIT.class);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Instant INFUSION =
            Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

    /** v2 of the reading schema: v1 plus an optional field with a default, a BACKWARD (and FORWARD) change. */
    private static final Schema V2 =
            withField("{\"name\": \"performingLab\", \"type\": [\"null\", \"string\"], \"default\": null}");

    @TempDir
    Path stateDir;

    private String runId;
    private Topics topics;
    private ConfluentRegistryClient registry;
    private AvroSerdes serdes;
    private StreamsRuntime runtime;

    @BeforeEach
    void setUp() {
        runId = UUID.randomUUID().toString().substring(0, 8);
        topics = KAFKA.createPipelineTopics(Topics.defaults().withSuffix("-evolution-" + runId), 2);
        registry = new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl()));
        serdes = new AvroSerdes(registry, true);
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close(Duration.ofSeconds(30));
        }
        registry.close();
    }

    @Test
    void shouldProcessV2ReadingsInTheRunningV1AppAndReadV1RecordsWithAV2Reader() throws Exception {
        String subject = topics.readings() + "-value";
        CanaryLog canaryLog = CanaryLog.watch(List.of("CANARY"));
        List<String> figures = new ArrayList<>();
        try {
            String patient = "CANARY-EVO-" + runId;
            startApp();
            byte[] v1Bytes;
            try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
                publisher.event(new RawClinicalEvent(
                        "inf",
                        1,
                        patient,
                        org.biomarkerstreams.domain.EventType.INFUSION,
                        INFUSION,
                        "UC-MSC",
                        Map.of(),
                        null,
                        "UC-MSC",
                        false,
                        "evolution-it"));
                publisher.flush();
            }
            v1Bytes = serdes.value(LabReading.class).serializer().serialize(topics.readings(), v1Reading(patient));
            int v1Id = WireFormat.schemaId(v1Bytes);
            registry.setCompatibility(subject, "BACKWARD");
            int v2Id = registry.register(subject, V2);
            assertThat(v2Id).as("v2 is a new version of the subject").isNotEqualTo(v1Id);
            byte[] v2Bytes = v2Reading(patient, v2Id);
            figures.add("v1 id " + v1Id + ", v2 id " + v2Id + " under " + subject + " (BACKWARD)");

            try (KafkaProducer<String, byte[]> producer = producer()) {
                producer.send(new ProducerRecord<>(topics.readings(), patient, v1Bytes))
                        .get();
                producer.send(new ProducerRecord<>(topics.readings(), patient, v2Bytes))
                        .get();
            }

            await("the v1 app to emit trajectory points of the v1 and the v2 reading")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> {
                        assertThat(runtime.fatalError()).isNull();
                        assertThat(trajectoryReadingIds()).contains("R-V1", "R-V2");
                    });
            assertThat(deadLetters()).as("nothing dead-lettered").isEmpty();
            assertThat(runtime.state()).isEqualTo(KafkaStreams.State.RUNNING);

            // The app's own deserializer: v2 bytes resolved (writer v2 from the registry, reader v1) into v1.
            LabReading asV1 = serdes.value(LabReading.class).deserializer().deserialize(topics.readings(), v2Bytes);
            assertThat(asV1.getReadingId()).isEqualTo("R-V2");
            assertThat(asV1.getValue()).isEqualTo("20");

            // The reverse: a reader compiled against v2 reads v1 bytes, the writer schema fetched by the frame's id.
            Schema writer = registry.schemaById(WireFormat.schemaId(v1Bytes));
            GenericRecord asV2 = read(v1Bytes, writer, V2);
            assertThat(asV2.get("readingId")).hasToString("R-V1");
            assertThat(asV2.get("performingLab"))
                    .as("v2's new field takes its default")
                    .isNull();
            assertThat(asV2.get("value")).hasToString("40");
            figures.add("v1 record read as v2: performingLab=" + asV2.get("performingLab"));
        } finally {
            canaryLog.close();
        }
        figures.forEach(line -> log.info("{}", line));
        assertThat(canaryLog.debugEvents()).isPositive();
        assertThat(canaryLog.leaks()).as("log lines with a patient id").isEmpty();
    }

    @Test
    void shouldRejectAnIncompatibleSchemaWith409WhenTheSubjectIsBackward() throws Exception {
        String subject = topics.readings() + "-value";
        serdes.value(LabReading.class).serializer().serialize(topics.readings(), v1Reading("CANARY-EVO-" + runId));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> config = http.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.confluentUrl() + "/config/" + subject))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(config.statusCode())
                .as("PUT /config/%s: %s", subject, config.body())
                .isEqualTo(200);
        Schema requiredField = withField("{\"name\": \"performingLab\", \"type\": \"string\"}");
        String body = "{\"schema\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(requiredField.toString()) + "}";

        HttpResponse<String> refused = http.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.confluentUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        log.info("Registry answer to a new required field under BACKWARD: {} {}", refused.statusCode(), refused.body());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThatThrownBy(() -> registry.register(subject, requiredField))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus())
                        .isEqualTo(409))
                .hasMessageContaining("'" + subject + "'")
                .hasMessageContaining("incompatible");
    }

    @Test
    void shouldFailLoudlyNamingTheSubjectWhenOurProducerWritesAnIncompatibleSchema() {
        String subject = topics.readings() + "-value";
        serdes.value(LabReading.class).serializer().serialize(topics.readings(), v1Reading("CANARY-EVO-" + runId));
        registry.setCompatibility(subject, "BACKWARD");
        // A deployment with the topic names swapped: events would go to the readings topic.
        Topics swapped = new Topics(
                topics.events(),
                topics.readings(),
                topics.trajectory(),
                topics.summaries(),
                topics.timeToNormalization(),
                topics.deadLetters(),
                topics.cohortVisits(),
                topics.cohortCurves(),
                topics.alerts());

        try (InputPublisher publisher =
                new InputPublisher(Map.of(), KAFKA.bootstrapServers(), swapped, new AvroSerdes(registry, true))) {
            assertThatThrownBy(() -> publisher.event(new RawClinicalEvent(
                            "inf",
                            1,
                            "CANARY-EVO-" + runId,
                            org.biomarkerstreams.domain.EventType.INFUSION,
                            INFUSION,
                            "UC-MSC",
                            Map.of(),
                            null,
                            "UC-MSC",
                            false,
                            "evolution-it")))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("under subject '" + subject + "'")
                    .hasMessageContaining("incompatible")
                    .satisfies(e -> log.info("Our producer's failure: {}", e.getMessage()));
        }
    }

    private void startApp() throws InterruptedException {
        TopologyConfig config = TopologyConfig.builder(Clock.systemUTC())
                .topics(topics)
                .stateRetention(Duration.ZERO)
                .build();
        runtime = StreamsRuntime.start(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(new SimpleMeterRegistry())),
                new StreamsRuntime.Settings(
                        KAFKA.bootstrapServers(),
                        "evolution-" + runId,
                        stateDir,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        1,
                        Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")));
        runtime.awaitRunning(Duration.ofSeconds(60));
    }

    private static Schema withField(String fieldJson) {
        String v1 = LabReading.getClassSchema().toString();
        String v2 = v1.substring(0, v1.length() - 2) + "," + fieldJson + "]}";
        return new Schema.Parser().parse(v2);
    }

    private static LabReading v1Reading(String patient) {
        return LabReading.newBuilder()
                .setReadingId("R-V1")
                .setRevision(1)
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setValue("40")
                .setUnit("mg/L")
                .setObservedAt(INFUSION.minusSeconds(3600))
                .setStatus(ResultStatus.FINAL)
                .setSource("evolution-it")
                .build();
    }

    /** A v2 reading, written as a v2 producer would: generic record, v2 writer schema, framed with v2's id. */
    private static byte[] v2Reading(String patient, int v2Id) throws Exception {
        GenericRecord r = new GenericData.Record(V2);
        r.put("readingId", "R-V2");
        r.put("revision", 1L);
        r.put("patientId", patient);
        r.put("analyte", "CRP");
        r.put("value", "20");
        r.put("unit", "mg/L");
        r.put("observedAt", INFUSION.plus(2, ChronoUnit.DAYS).toEpochMilli());
        r.put("status", new GenericData.EnumSymbol(V2.getField("status").schema(), "FINAL"));
        r.put("source", "evolution-it");
        r.put("performingLab", "Central Lab");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(V2).write(r, encoder);
        encoder.flush();
        return WireFormat.frame(v2Id, out.toByteArray());
    }

    private static GenericRecord read(byte[] framed, Schema writer, Schema reader) throws Exception {
        ByteBuffer payload = WireFormat.payload(framed);
        byte[] avro = new byte[payload.remaining()];
        payload.get(avro);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(avro, null);
        GenericRecord record = new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
        assertThat(decoder.isEnd()).isTrue();
        return record;
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private List<String> trajectoryReadingIds() {
        return TopicValues.all(
                        KAFKA.bootstrapServers(),
                        topics.trajectory(),
                        serdes.value(TrajectoryPoint.class).deserializer())
                .stream()
                .map(TrajectoryPoint::getReadingId)
                .toList();
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>(TopicValues.all(
                KAFKA.bootstrapServers(),
                topics.deadLetters(),
                serdes.value(DeadLetter.class).deserializer()));
        return letters;
    }
}
