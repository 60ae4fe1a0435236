package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.EventType;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.WireFormat;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.CanaryLog;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.biomarkerstreams.testing.TopicValues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poison pills on both input topics of the running topology (real broker, real Apicurio registry): corrupt bytes, a
 * schema id the registry does not have, a record of the other topic's type, an oversized value. Each is
 * dead-lettered with its code, source position, key and bytes; every good record around them is processed; the
 * application stays RUNNING. Then the fix for the oversized ones (a higher {@code --max-record-bytes}) and {@code
 * replay --from-dlq}, twice: the fixed records are processed once, the still-bad ones are dead-lettered again.
 */
class PoisonPillIT {

    private static final Logger log = LoggerFactory.getLogger(PoisonPillIT.class);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    /** Far above any id the test JVM's registry hands out: a schema id from another registry. */
    private static final int FOREIGN_SCHEMA_ID = 987_654;

    private static final int GOOD_PATIENTS = 4;
    private static final Instant INFUSION =
            Instant.now().minus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

    @TempDir
    Path stateDir;

    private String runId;
    private Topics topics;
    private ConfluentRegistryClient registry;
    private AvroSerdes serdes;
    private StreamsRuntime runtime;
    private KafkaProducer<String, byte[]> producer;

    /** A poison pill as written: where it went, its key and bytes, and the code it must be dead-lettered with. */
    /** Log lines of the run, written after the canary watch (which detaches the console appenders). */
    private final List<String> figures = new ArrayList<>();

    private record Pill(String topic, int partition, long offset, String key, byte[] value, ErrorCode code) {}

    @BeforeEach
    void setUp() {
        runId = UUID.randomUUID().toString().substring(0, 8);
        topics = KAFKA.createPipelineTopics(Topics.defaults().withSuffix("-poison-" + runId), 2);
        registry = new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl()));
        serdes = new AvroSerdes(registry, true);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close(Duration.ofSeconds(30));
        }
        producer.close();
        registry.close();
    }

    @Test
    void shouldDeadLetterEveryPoisonPillAndProcessEveryGoodRecordAroundItThenReplayTheFixedOnes() throws Exception {
        List<String> canaries = List.of("CANARY");
        CanaryLog canaryLog = CanaryLog.watch(canaries);
        try {
            List<Pill> pills = new ArrayList<>();
            List<String> goodReadingIds = new ArrayList<>();
            int goodReadings = 0;
            int goodEvents = 0;
            // Interleaved: every good patient's records, each followed by a pill on one of the two topics.
            for (int i = 0; i < GOOD_PATIENTS; i++) {
                String patient = "CANARY-GOOD-" + i + "-" + runId;
                sendGood(topics.events(), patient, event(patient, "infusion-" + i, EventType.INFUSION, INFUSION, ""));
                goodEvents++;
                pills.add(pill(topics.readings(), i));
                for (int d = -1; d <= 2; d++) {
                    String readingId = "R-" + i + "-" + d;
                    sendGood(topics.readings(), patient, reading(patient, readingId, d, ""));
                    goodReadingIds.add(readingId);
                    goodReadings++;
                }
                pills.add(pill(topics.events(), i));
            }
            // The second half of each topic's kinds, and a value too large for a dead letter to keep whole.
            for (int i = GOOD_PATIENTS; i < 2 * GOOD_PATIENTS; i++) {
                pills.add(pill(topics.readings(), i));
                pills.add(pill(topics.events(), i));
            }
            pills.add(send(
                    topics.readings(),
                    "CANARY-HUGE-" + runId,
                    readingBytes("CANARY-HUGE-" + runId, "R-HUGE", 0, "x".repeat(600 * 1024)),
                    ErrorCode.OVERSIZED));
            producer.flush();
            int inputs = goodReadings + goodEvents + pills.size();
            figures.add(goodReadings + " good readings, " + goodEvents + " good events and " + pills.size()
                    + " poison pills written");

            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            long started = System.nanoTime();
            TopologyConfig config = config();
            startApp(config, meters);

            List<DeadLetter> letters = deadLetters();
            assertThat(letters).as("one dead letter per pill").hasSize(pills.size());
            for (Pill pill : pills) {
                DeadLetter letter = letters.stream()
                        .filter(l -> l.getSourceTopic().equals(pill.topic())
                                && l.getPartition() == pill.partition()
                                && l.getOffset() == pill.offset())
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no dead letter for " + pill.code() + " at "
                                + pill.topic() + "-" + pill.partition() + "@" + pill.offset()));
                assertThat(letter.getErrorCode())
                        .as("code of %s", letter.getMessage())
                        .isEqualTo(pill.code().name());
                assertThat(bytes(letter.getKey())).isEqualTo(pill.key().getBytes(StandardCharsets.UTF_8));
                assertThat(letter.getPayloadSize()).isEqualTo((long) pill.value().length);
                if (pill.value().length <= 512 * 1024) {
                    assertThat(bytes(letter.getPayload()))
                            .as("payload of %s", pill.code())
                            .isEqualTo(pill.value());
                } else {
                    assertThat(bytes(letter.getPayload())).hasSize(512 * 1024);
                    assertThat(letter.getMessage()).contains("payload truncated to its first 524288 of");
                }
                assertThat(letter.getMessage()).doesNotContain("CANARY");
            }
            Map<String, Long> byCode = letters.stream()
                    .collect(Collectors.groupingBy(DeadLetter::getErrorCode, TreeMap::new, Collectors.counting()));
            figures.add("Dead letters by code: " + byCode + ", app started and caught up in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
            letters.stream()
                    .collect(Collectors.toMap(
                            DeadLetter::getErrorCode, DeadLetter::getMessage, (a, b) -> a, TreeMap::new))
                    .forEach((code, message) -> figures.add(code + ": " + message));
            assertThat(byCode)
                    .containsEntry("UNDESERIALIZABLE", 4L)
                    .containsEntry("UNKNOWN_SCHEMA", 4L)
                    .containsEntry("WRONG_SCHEMA", 4L)
                    .containsEntry("OVERSIZED", 5L);

            assertThat(trajectoryReadingIds())
                    .as("every good reading processed")
                    .containsAll(goodReadingIds);
            assertThat(runtime.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(runtime.fatalError()).isNull();
            assertBalanced(meters, inputs, goodReadings + goodEvents, pills.size(), 0);
            assertThat(deadLettered(meters, topics.readings(), "OVERSIZED")).isEqualTo(3);
            assertThat(deadLettered(meters, topics.events(), "UNKNOWN_SCHEMA")).isEqualTo(2);
            runtime.close(Duration.ofSeconds(30));

            // The fix for OVERSIZED: a limit that admits the large (but otherwise good) records, then the replay.
            SimpleMeterRegistry afterFix = new SimpleMeterRegistry();
            startApp(config.toBuilder().maxRecordBytes(1024 * 1024).build(), afterFix);
            String first = replayFromDlq();
            assertThat(first)
                    .contains("Read 17 dead letters")
                    .contains("16 replayed")
                    .contains("OVERSIZED=4")
                    .contains("1 truncated");
            awaitCaughtUp();
            List<DeadLetter> afterReplay = deadLetters();
            assertThat(afterReplay)
                    .as("the 12 still-bad pills dead-lettered again")
                    .hasSize(17 + 12);
            assertThat(afterReplay.subList(17, afterReplay.size()))
                    .extracting(DeadLetter::getErrorCode)
                    .doesNotContain("OVERSIZED");
            assertThat(trajectoryReadingIds()).contains("R-OVERSIZED-0", "R-OVERSIZED-2");
            // 16 replayed: 4 oversized accepted now, 12 dead-lettered again.
            assertBalanced(afterFix, 16, 4, 12, 0);

            // Twice: what was accepted is a duplicate now; the re-dead-lettered copies are replayed once each.
            String second = replayFromDlq();
            assertThat(second)
                    .contains("Read 29 dead letters")
                    .contains("16 replayed")
                    .contains("12 already replayed in this run");
            awaitCaughtUp();
            assertBalanced(afterFix, 32, 4, 24, 4);
            Map<String, Long> pointsPerReading = new HashMap<>();
            TopicExport.read(
                    Map.of(),
                    KAFKA.bootstrapServers(),
                    topics.trajectory(),
                    serdes.value(TrajectoryPoint.class).deserializer(),
                    (k, v) -> pointsPerReading.merge(v.getReadingId(), 1L, Long::sum));
            figures.add("After two replays: " + deadLetters().size() + " dead letters, trajectory points of the"
                    + " replayed readings " + pointsPerReading.get("R-OVERSIZED-0") + " and "
                    + pointsPerReading.get("R-OVERSIZED-2"));
            assertThat(runtime.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            canaryLog.close();
        }
        figures.forEach(line -> log.info("{}", line));
        log.info("Canary watch: {} log events, {} at DEBUG", canaryLog.events(), canaryLog.debugEvents());
        assertThat(canaryLog.debugEvents()).as("the watch saw DEBUG logging").isPositive();
        assertThat(canaryLog.leaks()).as("log lines with a patient id").isEmpty();
    }

    @Test
    void shouldStopWithoutDeadLetteringGoodRecordsWhenTheRegistryIsUnreachable() throws Exception {
        String patient = "CANARY-OUTAGE-" + runId;
        sendGood(topics.events(), patient, event(patient, "infusion", EventType.INFUSION, INFUSION, ""));
        sendGood(topics.readings(), patient, reading(patient, "R-OUTAGE", 1, ""));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ConfluentRegistryClient down = new ConfluentRegistryClient(
                RegistryConfig.of("http://127.0.0.1:" + closedPort).withRetries(1, Duration.ofMillis(50)))) {
            runtime = StreamsRuntime.start(
                    BiomarkerTopology.build(config(), new AvroSerdes(down, true), new PipelineCounters(meters)),
                    settings());
            await("the application to stop on the registry outage")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> runtime.state() == KafkaStreams.State.ERROR);
        }
        StringBuilder causes = new StringBuilder();
        for (Throwable t = runtime.fatalError(); t != null; t = t.getCause()) {
            causes.append(t).append('\n');
        }
        figures.add(
                "Registry outage stopped the application: " + causes.toString().replace('\n', '|'));
        assertThat(causes).contains("Cannot fetch writer schema id").contains("unreachable");
        assertThat(PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED))
                .isZero();
        runtime.close(Duration.ofSeconds(30));

        // The registry is back: the same records, never committed, are read again and processed.
        startApp(config(), new SimpleMeterRegistry());
        assertThat(trajectoryReadingIds()).contains("R-OUTAGE");
        assertThat(deadLetters()).as("nothing dead-lettered by the outage").isEmpty();
        figures.forEach(line -> log.info("{}", line));
    }

    /** Kind {@code i % 4} of poison for {@code topic}: corrupt, unknown schema, wrong schema, oversized. */
    private Pill pill(String topic, int i) throws Exception {
        String key = "CANARY-PILL-" + i + "-" + runId;
        boolean readings = topic.equals(topics.readings());
        return switch (i % 4) {
            case 0 ->
                send(topic, key, ("not avro: " + key).getBytes(StandardCharsets.UTF_8), ErrorCode.UNDESERIALIZABLE);
            case 1 -> {
                byte[] real = readings ? readingBytes(key, "R-FOREIGN-" + i, 0, "") : eventBytes(key, "E-FOREIGN-" + i);
                byte[] foreign = WireFormat.frame(FOREIGN_SCHEMA_ID, avroBinary(real));
                yield send(topic, key, foreign, ErrorCode.UNKNOWN_SCHEMA);
            }
            case 2 -> {
                // The other topic's record type, framed with its real (registered) schema id.
                byte[] other = readings ? eventBytes(key, "E-WRONG-" + i) : readingBytes(key, "R-WRONG-" + i, 0, "");
                yield send(topic, key, other, ErrorCode.WRONG_SCHEMA);
            }
            default -> {
                String padding = "p".repeat(100 * 1024);
                byte[] big = readings
                        ? readingBytes(key, "R-OVERSIZED-" + (i / 4 == 0 ? 0 : 2), 1, padding)
                        : serdes.value(ClinicalEvent.class)
                                .serializer()
                                .serialize(
                                        topic, event(key, "E-OVERSIZED-" + i, EventType.INFUSION, INFUSION, padding));
                yield send(topic, key, big, ErrorCode.OVERSIZED);
            }
        };
    }

    private byte[] readingBytes(String patient, String readingId, int day, String padding) {
        return serdes.value(LabReading.class)
                .serializer()
                .serialize(topics.readings(), reading(patient, readingId, day, padding));
    }

    private byte[] eventBytes(String patient, String eventId) {
        return serdes.value(ClinicalEvent.class)
                .serializer()
                .serialize(
                        topics.events(),
                        event(patient, eventId, EventType.RANDOMIZED, INFUSION.minusSeconds(3600), ""));
    }

    private static byte[] avroBinary(byte[] framed) {
        ByteBuffer payload = WireFormat.payload(framed);
        byte[] out = new byte[payload.remaining()];
        payload.get(out);
        return out;
    }

    private static LabReading reading(String patient, String readingId, int day, String padding) {
        return LabReading.newBuilder()
                .setReadingId(readingId)
                .setRevision(1)
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setValue(Integer.toString(40 - 10 * day))
                .setUnit("mg/L")
                .setObservedAt(INFUSION.plus(day, ChronoUnit.DAYS).plusSeconds(600))
                .setStatus(ResultStatus.FINAL)
                .setSource("poison-pill-it" + padding)
                .build();
    }

    private static ClinicalEvent event(String patient, String eventId, EventType type, Instant at, String padding) {
        return ClinicalEvent.newBuilder()
                .setEventId(eventId)
                .setRevision(1)
                .setPatientId(patient)
                .setType(type)
                .setAt(at)
                .setArm("UC-MSC")
                .setProduct("UC-MSC")
                .setSource("poison-pill-it" + padding)
                .build();
    }

    private void sendGood(String topic, String key, Object value) throws Exception {
        byte[] bytes = value instanceof LabReading r
                ? serdes.value(LabReading.class).serializer().serialize(topic, r)
                : serdes.value(ClinicalEvent.class).serializer().serialize(topic, (ClinicalEvent) value);
        producer.send(new ProducerRecord<>(topic, key, bytes)).get();
    }

    private Pill send(String topic, String key, byte[] value, ErrorCode code) throws Exception {
        RecordMetadata meta =
                producer.send(new ProducerRecord<>(topic, key, value)).get();
        return new Pill(topic, meta.partition(), meta.offset(), key, value, code);
    }

    private TopologyConfig config() {
        return TopologyConfig.builder(Clock.systemUTC())
                .topics(topics)
                .stateRetention(Duration.ZERO)
                .build();
    }

    private void startApp(TopologyConfig config, SimpleMeterRegistry meters) throws Exception {
        runtime =
                StreamsRuntime.start(BiomarkerTopology.build(config, serdes, new PipelineCounters(meters)), settings());
        runtime.awaitRunning(Duration.ofSeconds(60));
        awaitCaughtUp();
    }

    private StreamsRuntime.Settings settings() {
        return new StreamsRuntime.Settings(
                KAFKA.bootstrapServers(),
                "poison-" + runId,
                stateDir,
                StreamsConfig.EXACTLY_ONCE_V2,
                1,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
    }

    private void awaitCaughtUp() throws Exception {
        String applicationId = "poison-" + runId;
        try (Admin admin = KAFKA.admin()) {
            Map<TopicPartition, Long> ends = CatchUp.endOffsets(admin, topics.inputs());
            await("the topology to commit every input record with its outputs")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        assertThat(runtime.fatalError()).isNull();
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        return ends.entrySet().stream().allMatch(e -> {
                            OffsetAndMetadata c = committed.get(e.getKey());
                            return (c == null ? 0 : c.offset()) >= e.getValue();
                        });
                    });
        }
    }

    private String replayFromDlq() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("replay", "--from-dlq"));
        args.addAll(PipelineArguments.ingest(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), topics));
        int exit = Main.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        assertThat(exit).as("replay --from-dlq exit code; stderr: %s", err).isZero();
        figures.add("replay --from-dlq: " + out.toString().trim());
        return out.toString();
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>(TopicValues.all(
                KAFKA.bootstrapServers(),
                topics.deadLetters(),
                serdes.value(DeadLetter.class).deserializer()));
        letters.sort((a, b) -> a.getDeadLetteredAt().compareTo(b.getDeadLetteredAt()));
        return letters;
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

    private void assertBalanced(
            SimpleMeterRegistry meters, long in, long accepted, long deadLettered, long duplicates) {
        assertThat(PipelineCounters.total(meters, PipelineCounters.IN))
                .as("records in")
                .isEqualTo(in);
        assertThat(PipelineCounters.total(meters, PipelineCounters.ACCEPTED))
                .as("accepted")
                .isEqualTo(accepted);
        assertThat(PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED))
                .as("dead-lettered")
                .isEqualTo(deadLettered);
        assertThat(PipelineCounters.total(meters, PipelineCounters.DUPLICATES))
                .as("duplicates")
                .isEqualTo(duplicates);
    }

    private static double deadLettered(SimpleMeterRegistry meters, String topic, String code) {
        Counter c = meters.find(PipelineCounters.DEAD_LETTERED)
                .tag("topic", topic)
                .tag("code", code)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
