package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} as its own JVM, as a container runs it: SIGTERM (what Kubernetes sends first) must close
 * Kafka Streams cleanly well within the pod's
 * termination grace period (the Helm chart's default: 60 s): its last transaction committed, every
 * input offset committed, nothing left open for the next instance to abort.
 */
class RunShutdownIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Pattern DASHBOARD = Pattern.compile("Dashboard and query API: (http://\\S+?)/?\\s");
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(60);
    private static final int SIGTERM_EXIT = 128 + 15;
    private static final Path LOGS = Path.of("target", "run-shutdown");

    @TempDir
    Path dir;

    private final String applicationId = "shutdown-" + UUID.randomUUID();
    private Process app;

    @AfterEach
    void stop() throws InterruptedException {
        if (app != null && app.isAlive()) {
            app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCloseStreamsCleanlyWithinTheGracePeriodWhenSentSigterm() throws Exception {
        Topics topics = KAFKA.createPipelineTopics(Topics.defaults(), 2); // the names run uses by default
        // Kept after the test (target/), to read after a failure.
        Files.createDirectories(LOGS);
        Path out = LOGS.resolve("run.out");
        Path err = LOGS.resolve("run.err");
        Path state = dir.resolve("state");
        app = start(state, out, err);
        String base = awaitDashboard(out, err);
        HttpClient http = HttpClient.newHttpClient();
        await("run to report ready (output: " + out + ")")
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> get(http, base + "/health/ready") == 200);

        String patient = "SHUTDOWN-" + UUID.randomUUID();
        AvroSerdes serdes =
                new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), true);
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            publisher.event(new RawClinicalEvent(
                    patient + "-INFUSION",
                    0,
                    patient,
                    EventType.INFUSION,
                    Instant.parse("2020-02-03T10:00:00Z"),
                    null,
                    Map.of(),
                    null,
                    null,
                    false,
                    "test"));
            for (int day = 0; day < 5; day++) {
                publisher.reading(new RawReading(
                        patient + "-CRP-" + day,
                        0,
                        patient,
                        "1988-5",
                        null,
                        Integer.toString(40 - 5 * day),
                        "mg/L",
                        Instant.parse("2020-02-03T08:00:00Z").plus(Duration.ofDays(day)),
                        ResultStatus.FINAL,
                        null,
                        null,
                        "test",
                        Instant.now()));
            }
            publisher.flush();
        }
        await("the readings to be processed (summaries topic filled)")
                .atMost(Duration.ofMinutes(1))
                .until(() -> endOffsets(topics.summaries()) > 0);

        long sent = System.nanoTime();
        app.destroy(); // SIGTERM
        boolean exited = app.waitFor(GRACE_PERIOD.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - sent);

        String logs = Files.readString(out) + Files.readString(err);
        assertThat(exited)
                .as("exited within the grace period after SIGTERM; logs:%n%s", logs)
                .isTrue();
        assertThat(app.exitValue()).as(logs).isEqualTo(SIGTERM_EXIT);
        assertThat(logs)
                .as("Streams went through PENDING_SHUTDOWN to NOT_RUNNING, not ERROR")
                .contains("RUNNING -> PENDING_SHUTDOWN")
                .contains("PENDING_SHUTDOWN -> NOT_RUNNING")
                .doesNotContain("-> ERROR")
                .doesNotContain(patient);
        // Kafka 4.x keeps changelog offsets inside RocksDB (no .checkpoint files): what a clean close
        // shows on the broker is its last commit — the input offsets it processed committed (SIGTERM may
        // come before all five readings are processed; the rest waits for the next start), and no
        // transaction left open, as a killed process would leave one until its timeout.
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((tp, meta) -> committed.put(tp, meta.offset()));
            Map<TopicPartition, Long> readingEnds = endOffsets(admin, topics.readings());
            assertThat(readingEnds.keySet().stream()
                            .mapToLong(tp -> committed.getOrDefault(tp, 0L))
                            .sum())
                    .as("committed reading offsets after SIGTERM (close took %s)", took)
                    .isPositive()
                    .isLessThanOrEqualTo(readingEnds.values().stream()
                            .mapToLong(Long::longValue)
                            .sum());
            assertThat(admin.listTransactions().all().get())
                    .as("no transaction left open by the closed app")
                    .noneMatch(t -> t.state() == TransactionState.ONGOING);
        }
    }

    private Process start(Path state, Path out, Path err) throws IOException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run",
                "--identified-outputs",
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--schema-registry-url",
                REGISTRY.confluentUrl(),
                "--application-id",
                applicationId,
                "--state-dir",
                state.toString(),
                "--http-port",
                "0",
                "--health-port",
                "0",
                "--http-bind-address",
                "127.0.0.1");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // The parent's BIOMARKER_* settings (if any) must not redirect the child to another cluster.
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        return builder.start();
    }

    private String awaitDashboard(Path out, Path err) {
        String[] url = {null};
        await("run to print its HTTP address (output: " + out + ", " + err + ")")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!app.isAlive()) {
                        throw new IllegalStateException(
                                "run exited with " + app.exitValue() + ": " + Files.readString(err));
                    }
                    Matcher m = DASHBOARD.matcher(Files.readString(out));
                    if (m.find()) {
                        url[0] = m.group(1);
                        return true;
                    }
                    return false;
                });
        return url[0];
    }

    private static int get(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private static long endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            return endOffsets(admin, topic).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
