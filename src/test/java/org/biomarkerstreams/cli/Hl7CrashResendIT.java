package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.IngestHl7Jvm;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest's delivery promise under real crashes: {@code ingest-hl7} runs as its own JVM and is
 * killed with SIGKILL while a message is between receipt and acknowledgment, several times in one
 * feed; the sender resends whatever got no AA, as an interface engine does. Afterwards the topology
 * (exactly_once_v2) must show every OBX of every message exactly once: nothing lost with the killed
 * process, and whatever the killed process had already written to Kafka counted as a duplicate
 * instead of doubling a trajectory or a summary.
 */
public class Hl7CrashResendIT {

    private static final Logger log = LoggerFactory.getLogger(Hl7CrashResendIT.class);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    /** Messages in the feed: 300 in the default build; the reliability suite's {@code IngestCrashIT} sends 100,000. */
    protected int messageCount() {
        return 300;
    }

    /** Kills that catch a message in flight. */
    protected int killCount() {
        return 4;
    }

    /** Patients are this prefix and the message number (5 digits). */
    protected String patientPrefix() {
        return "KT-";
    }

    private static final int SIGKILL_EXIT = 128 + 9;
    private static final Path LOGS = Path.of("target", "hl7-crash-resend");

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ingest-killer");
        t.setDaemon(true);
        return t;
    });
    private String runId;
    private Topics topics;
    private ConfluentRegistryClient registryClient;
    private AvroSerdes serdes;
    private Process ingest;
    private int starts;
    private StreamsRuntime runtime;

    @BeforeEach
    void createTopics() throws IOException {
        runId = UUID.randomUUID().toString().substring(0, 8);
        topics = KAFKA.createPipelineTopics(Topics.defaults().withSuffix("-" + runId), 2);
        registryClient = new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl()));
        serdes = new AvroSerdes(registryClient, true);
        Files.createDirectories(LOGS);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        killer.shutdownNow();
        if (ingest != null && ingest.isAlive()) {
            ingest.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (runtime != null) {
            runtime.close(Duration.ofSeconds(30));
        }
        if (registryClient != null) {
            registryClient.close();
        }
    }

    @Test
    public void shouldLoseAndDoubleNothingWhenIngestIsKilledBetweenReceiveAndAckAndUnackedMessagesAreResent()
            throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        String template = fixture("oru-v251-loinc.hl7");
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < messageCount(); i++) {
            messages.add(message(template, i));
        }
        Map<String, Integer> expected = expectedReadings(messages);
        assertThat(expected).as("four OBX per message").hasSize(4 * messageCount());

        long started = System.nanoTime();
        List<Kill> kills = sendThroughCrashes(messages, killPoints(random), random);
        log.info(
                "seed {}: {} messages acknowledged through {} kills ({} with the message unacknowledged) in {} ms",
                seed,
                messageCount(),
                kills.size(),
                kills.stream().filter(Kill::inFlight).count(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertThat(kills).as("seed %d: kills", seed).allMatch(k -> k.exitCode() == SIGKILL_EXIT);
        assertThat(kills.stream().filter(Kill::inFlight).count())
                .as("seed %d: kills that left the message in flight unacknowledged: %s", seed, kills)
                .isEqualTo(killCount());
        ingest.destroy();
        ingest.waitFor(20, TimeUnit.SECONDS);

        runTopologyUntilCaughtUp();

        List<LabReading> written = new ArrayList<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.readings(),
                serdes.value(LabReading.class).deserializer(),
                (k, v) -> written.add(v));
        Map<String, List<TrajectoryPoint>> points = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.trajectory(),
                serdes.value(TrajectoryPoint.class).deserializer(),
                (k, v) -> points.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        Map<String, BiomarkerSummary> summaries = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.summaries(),
                serdes.value(BiomarkerSummary.class).deserializer(),
                summaries::put);
        List<DeadLetter> deadLetters = new ArrayList<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.deadLetters(),
                serdes.value(DeadLetter.class).deserializer(),
                (k, v) -> deadLetters.add(v));
        long resent = written.size() - expected.size();
        Map<Integer, Long> copiesPerMessage = written.stream()
                .collect(Collectors.groupingBy(
                        r -> expected.get(r.getPatientId() + "|" + r.getReadingId()), Collectors.counting()));
        for (Kill k : kills) {
            if (k.inFlight()) {
                log.info(
                        "seed {}: kill at message {}, {} us after its frame: {} of its 4 readings were already in Kafka",
                        seed,
                        k.message(),
                        k.delayMicros(),
                        copiesPerMessage.get(k.message()) - 4);
            } else {
                log.info(
                        "seed {}: kill at message {}, {} us after its frame, after its AA",
                        seed,
                        k.message(),
                        k.delayMicros());
            }
        }
        log.info(
                "seed {}: {} readings expected, {} records on the readings topic ({} written twice by a killed"
                        + " process and its resend), {} trajectory keys from {} trajectory records",
                seed,
                expected.size(),
                written.size(),
                resent,
                points.size(),
                points.values().stream().mapToInt(List::size).sum());

        // Nothing lost, nothing invented: exactly the readings of the messages, each as one live point.
        assertThat(new TreeSet<>(points.keySet())).isEqualTo(new TreeSet<>(expected.keySet()));
        points.forEach((key, versions) -> {
            TrajectoryPoint last = versions.get(versions.size() - 1);
            assertThat(last.getRetracted()).as(key).isFalse();
            assertThat(last.getPatientId() + "|" + last.getReadingId()).isEqualTo(key);
            assertThat(versions)
                    .as("every emission of %s is the same point", key)
                    .containsOnly(last);
        });
        // Each message's own value arrived on its own reading: no point mixed up across messages.
        points.forEach((key, versions) -> {
            TrajectoryPoint p = versions.get(0);
            if (p.getAnalyte().equals("LYMPH")) {
                assertThat(p.getValue()).as(key).isCloseTo(lymphocytes(expected.get(key)), within(1e-9));
            }
        });
        assertThat(summaries)
                .hasSize(expected.size())
                .allSatisfy((key, s) -> assertThat(s.getReadingCount()).as(key).isEqualTo(1L));

        // As sets: AssertJ's containsOnlyElementsOf compares lists pairwise, hours at 400,000 readings.
        assertThat(written.stream()
                        .map(r -> r.getPatientId() + "|" + r.getReadingId())
                        .collect(Collectors.toSet()))
                .as("the readings topic holds each reading, some more than once (written before a kill, then resent)")
                .isEqualTo(expected.keySet());
        assertThat(deadLetters).isEmpty();
        double in = PipelineCounters.total(meters, PipelineCounters.IN);
        double accepted = PipelineCounters.total(meters, PipelineCounters.ACCEPTED);
        double deadLettered = PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED);
        double duplicates = PipelineCounters.total(meters, PipelineCounters.DUPLICATES);
        assertThat(in).isEqualTo(written.size());
        assertThat(in).isEqualTo(accepted + deadLettered + duplicates);
        assertThat(deadLettered).isZero();
        assertThat(accepted).isEqualTo(expected.size());
        assertThat(duplicates).isEqualTo(resent);
        assertNoPatientIdInIngestLogs();
    }

    /** The ingest processes' output (every start) names no patient: PHI stays out of logs. */
    private void assertNoPatientIdInIngestLogs() throws IOException {
        Pattern patient = Pattern.compile(Pattern.quote(patientPrefix()) + "\\d{5}");
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        try (Stream<Path> files = Files.list(LOGS)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(runId + "-"))
                    .toList()) {
                List<String> content = Files.readAllLines(f);
                lines += content.size();
                for (int i = 0; i < content.size(); i++) {
                    if (patient.matcher(content.get(i)).find()) {
                        leaks.add(f.getFileName() + ":" + (i + 1));
                    }
                }
            }
        }
        assertThat(lines).as("ingest output lines searched").isPositive();
        assertThat(leaks).as("ingest output lines naming a patient").isEmpty();
    }

    /**
     * Sends every message, one at a time over one connection, killing the ingest at the given message
     * indexes while that message awaits its ACK; after each kill a new process starts on the same port
     * and the sender reconnects and resends from the first unacknowledged message.
     */
    private List<Kill> sendThroughCrashes(List<String> messages, Set<Integer> killAt, Random random) throws Exception {
        int port = startIngest(0);
        List<Kill> kills = new ArrayList<>();
        Deque<Long> roundTrips = new ArrayDeque<>();
        Mllp connection = new Mllp(port);
        try {
            int next = 0;
            int refusals = 0;
            while (next < messages.size()) {
                String message = messages.get(next);
                if (killAt.remove(next)) {
                    // Somewhere between the frame leaving and the ACK coming back: while the ingest
                    // reads, maps, waits for Kafka's acks=all, or has just been acknowledged by Kafka.
                    long fastest = roundTrips.stream()
                            .mapToLong(Long::longValue)
                            .min()
                            .orElse(TimeUnit.MILLISECONDS.toNanos(5));
                    long delay = (long) (fastest * 0.9 * random.nextDouble());
                    connection.write(message);
                    ScheduledFuture<?> kill = killer.schedule(ingest::destroyForcibly, delay, TimeUnit.NANOSECONDS);
                    Optional<String> ack = connection.readAck();
                    kill.get(10, TimeUnit.SECONDS);
                    assertThat(ingest.waitFor(10, TimeUnit.SECONDS))
                            .as("killed ingest exited")
                            .isTrue();
                    boolean acknowledged =
                            ack.filter(a -> a.contains("MSA|AA|")).isPresent();
                    kills.add(new Kill(next, delay / 1000, !acknowledged, ingest.exitValue()));
                    connection.close();
                    if (acknowledged) {
                        // The ACK beat the kill: this crash left nothing in flight, so try again a little later.
                        next++;
                        killAt.add(Math.min(next + random.nextInt(10), messages.size() - 1));
                    }
                    startIngest(port);
                    connection = new Mllp(port);
                    continue;
                }
                long sentAt = System.nanoTime();
                connection.write(message);
                String ack = connection
                        .readAck()
                        .orElseThrow(() -> new AssertionError(
                                "connection lost without a kill; ingest output in " + LOGS.toAbsolutePath()));
                if (ack.contains("MSA|AA|")) {
                    roundTrips.addLast(System.nanoTime() - sentAt);
                    if (roundTrips.size() > 20) {
                        roundTrips.removeFirst();
                    }
                    next++;
                } else if (ack.contains("MSA|AR|") && ++refusals <= 5) {
                    log.warn("AR for message {}; resending", next);
                } else {
                    fail("message %d was answered %s", next, ack.replace('\r', '\n'));
                }
            }
        } finally {
            connection.close();
        }
        return kills;
    }

    /**
     * {@link #killCount()} distinct message indexes away from the start and end of the feed; a kill that
     * comes after the ACK is followed by another, so {@link #killCount()} kills catch a message in flight.
     */
    private Set<Integer> killPoints(Random random) {
        Set<Integer> at = new TreeSet<>();
        int slot = (messageCount() - 40) / killCount();
        for (int k = 0; k < killCount(); k++) {
            at.add(20 + k * slot + random.nextInt(slot));
        }
        return at;
    }

    private void runTopologyUntilCaughtUp() throws Exception {
        String applicationId = "biomarker-crash-" + runId;
        TopologyConfig config =
                TopologyConfig.builder(Clock.systemUTC()).topics(topics).build();
        runtime = StreamsRuntime.start(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(meters)),
                new StreamsRuntime.Settings(
                        KAFKA.bootstrapServers(),
                        applicationId,
                        stateDir,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        1,
                        Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")));
        runtime.awaitRunning(Duration.ofSeconds(60));
        try (Admin admin = KAFKA.admin()) {
            Map<TopicPartition, Long> ends = CatchUp.endOffsets(admin, topics.inputs());
            await("the topology to commit every input record with its outputs")
                    .atMost(Duration.ofSeconds(60 + messageCount() / 200))
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

    /** Starts {@code ingest-hl7} in its own JVM and returns the port it listens on. */
    private int startIngest(int port) throws IOException {
        starts++;
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(port)));
        arguments.addAll(PipelineArguments.ingest(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), topics));
        IngestHl7Jvm.Started started = IngestHl7Jvm.start(
                arguments,
                LOGS.resolve(runId + "-ingest-" + starts + ".out"),
                LOGS.resolve(runId + "-ingest-" + starts + ".err"));
        ingest = started.process();
        if (port != 0) {
            assertThat(started.port()).as("restarted on the same port").isEqualTo(port);
        }
        return started.port();
    }

    /**
     * The fixture with its own patient (PID-3), order (ORC-3/OBR-3, so its own reading ids), control id
     * (MSH-10) and lymphocyte count per message.
     */
    private String message(String template, int i) {
        return template.replace("P-017^", patientPrefix() + "%05d^".formatted(i))
                .replace("LAB-1234", "LAB-K%05d".formatted(i))
                .replace("MSG00001", "KT%05d".formatted(i))
                .replace("|0.62|", "|" + String.format(Locale.ROOT, "%.3f", lymphocytes(i)) + "|");
    }

    private static double lymphocytes(int message) {
        return 0.4 + (message % 1000) / 1000.0;
    }

    /** patientId|readingId of every reading the messages carry, to the index of its message. */
    private static Map<String, Integer> expectedReadings(List<String> messages) {
        Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(Clock.systemUTC()));
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            Hl7Outcome outcome = mapper.map(messages.get(i));
            assertThat(outcome).isInstanceOf(Hl7Outcome.Accepted.class);
            List<RawReading> readings = ((Hl7Outcome.Accepted) outcome).readings();
            assertThat(readings).hasSize(4);
            for (RawReading r : readings) {
                assertThat(expected.put(r.patientId() + "|" + r.readingId(), i)).isNull();
            }
        }
        assertThat(expected.values().stream().collect(Collectors.toSet())).hasSize(messages.size());
        return expected;
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = Hl7CrashResendIT.class.getResourceAsStream("/hl7/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .strip()
                    .replace("\r\n", "\r")
                    .replace('\n', '\r');
        }
    }

    /** One kill: at which message, how long after its frame left, whether its ACK was missing, exit code. */
    private record Kill(int message, long delayMicros, boolean inFlight, int exitCode) {}

    /** One MLLP connection of the sender: a frame out, an acknowledgment (or the connection's end) back. */
    private static final class Mllp implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Mllp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        void write(String message) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x0B);
            frame.write(message.getBytes(StandardCharsets.UTF_8));
            frame.write(0x1C);
            frame.write(0x0D);
            out.write(frame.toByteArray());
            out.flush();
        }

        /** The next acknowledgment, or empty when the connection ended (reset or closed) before one came. */
        Optional<String> readAck() throws IOException {
            ByteArrayOutputStream ack = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) != 0x1C) {
                    if (b == -1) {
                        return Optional.empty();
                    }
                    if (b != 0x0B) {
                        ack.write(b);
                    }
                }
                int end = in.read();
                if (end != 0x0D) {
                    return Optional.empty();
                }
            } catch (java.net.SocketException e) {
                return Optional.empty();
            }
            return Optional.of(ack.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("closing the MLLP client: {}", e.toString());
            }
        }
    }
}
