package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.bench.ChildJvm;
import org.biomarkerstreams.registry.WireFormat;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's "development without Docker", as a new user runs it: {@code broker --with-registry}, then {@code
 * replay} of a file to it, then {@code run}, then {@code export}, each in a process of its own, sharing nothing but
 * the broker and the registry it serves. What {@code export} reads must be what the embedded {@code replay --out}
 * computes from the same files.
 */
class DevStackIT {

    private static final Pattern BOOTSTRAP = Pattern.compile("Kafka broker listening on (\\S+)");
    private static final Pattern REGISTRY = Pattern.compile("Schema registry listening on (\\S+)");
    private static final Duration START_LIMIT = Duration.ofMinutes(2);
    private static final Duration PROCESSING_LIMIT = Duration.ofMinutes(4);
    private static final String APPLICATION_ID = "biomarker-streams";
    private static final String MALFORMED_LINE = "{\"patientId\": \"DEV-X\", oops";

    @TempDir
    Path dir;

    @Test
    void shouldExportWhatTheEmbeddedReplayComputesWhenBrokerReplayRunAndExportAreSeparateProcesses() throws Exception {
        Path input = dir.resolve("input");
        CommandRun generated =
                CommandRun.execute("generate", "--patients", "8", "--seed", "17", "--out", input.toString());
        assertThat(generated.exit()).as(generated.err()).isZero();
        Path readings = input.resolve("readings.ndjson");
        Path events = input.resolve("events.ndjson");
        // Two lines that must become dead letters the same way on both paths.
        Files.writeString(
                readings,
                MALFORMED_LINE + "\n"
                        + "{\"readingId\":\"DEV-X-1\",\"patientId\":\"DEV-X\",\"loinc\":\"1988-5\",\"value\":\"12\","
                        + "\"unit\":\"furlongs\",\"observedAt\":\"2020-02-06T08:00:00+08:00\"}\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        Path expectedDir = dir.resolve("expected");
        CommandRun embedded = CommandRun.execute(
                "replay",
                "--readings",
                readings.toString(),
                "--events",
                events.toString(),
                "--out",
                expectedDir.toString());
        assertThat(embedded.exit()).as(embedded.err()).isZero();
        Map<String, Object> expected = outputs(expectedDir);

        // Kept after the test, for a failure to be read.
        Path logs = Path.of("target", "dev-stack-it", Long.toString(System.currentTimeMillis()));
        try (ChildJvm broker =
                command("broker", logs, "broker", "--port", "0", "--with-registry", "--registry-port", "0")) {
            String bootstrap = printed(broker, BOOTSTRAP);
            String registry = printed(broker, REGISTRY);

            ChildJvm replay = command(
                    "replay",
                    logs,
                    "replay",
                    "--bootstrap-servers",
                    bootstrap,
                    "--schema-registry-url",
                    registry,
                    "--readings",
                    readings.toString(),
                    "--events",
                    events.toString());
            assertThat(replay.await(START_LIMIT)).as(replay.tail()).isZero();
            assertThat(replay.stdout()).contains("(1 malformed lines) to lab-readings");

            try (ChildJvm run = command(
                    "run",
                    logs,
                    "run",
                    "--bootstrap-servers",
                    bootstrap,
                    "--schema-registry-url",
                    registry,
                    "--identified-outputs",
                    "--state-dir",
                    dir.resolve("state").toString(),
                    "--http-port",
                    "0",
                    "--health-port",
                    "0",
                    "--http-bind-address",
                    "127.0.0.1")) {
                Path exported = dir.resolve("exported");
                int[] exports = {0};
                await("run (" + logs.resolve("run.out") + ") to process every input record, then export"
                                + " to read what the embedded replay wrote")
                        .atMost(PROCESSING_LIMIT)
                        .pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(() -> {
                            assertThat(run.isAlive()).as(run.tail()).isTrue();
                            assertThat(inputLag(bootstrap))
                                    .as("records run has not committed yet")
                                    .isZero();
                            ChildJvm export = command(
                                    "export-" + ++exports[0],
                                    logs,
                                    "export",
                                    "--bootstrap-servers",
                                    bootstrap,
                                    "--schema-registry-url",
                                    registry,
                                    "--out",
                                    exported.toString());
                            assertThat(export.await(START_LIMIT))
                                    .as(export.tail())
                                    .isZero();
                            assertThat(differences(expected, outputs(exported)))
                                    .as(
                                            "keys whose final record differs from the embedded replay's, of %d",
                                            expected.size())
                                    .isEmpty();
                        });
            }
            assertThat(subjects(registry))
                    .contains(
                            "lab-readings-value",
                            "clinical-events-value",
                            "biomarker-trajectory-points-value",
                            "lab-readings-dlq-value");
        }
        assertThat(deadLetterCodes(expected)).containsOnly("UNDESERIALIZABLE", "UNKNOWN_UNIT");
    }

    @Test
    void shouldNameTheRegistryPortAndStopTheBrokerWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<CommandRun> broker = CompletableFuture.supplyAsync(() -> CommandRun.execute(
                    "broker",
                    "--port",
                    "0",
                    "--with-registry",
                    "--registry-port",
                    Integer.toString(taken.getLocalPort())));

            CommandRun refused = broker.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(refused.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(refused.err())
                    .contains("--registry-port " + taken.getLocalPort())
                    .contains("choose another port");
        }
    }

    /** A command of the jar in its own JVM, as a user starts it; its output in {@code logs/<name>.out|.err}. */
    private static ChildJvm command(String name, Path logs, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(Main.class.getName()));
        all.addAll(List.of(args));
        return ChildJvm.start(
                name,
                "",
                List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")),
                all,
                logs);
    }

    private static String printed(ChildJvm process, Pattern line) {
        String[] found = {null};
        await("the broker to print '" + line.pattern() + "'")
                .atMost(START_LIMIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the broker exited: " + process.tail());
                    }
                    Matcher m = line.matcher(process.stdout());
                    if (m.find()) {
                        found[0] = m.group(1);
                        return true;
                    }
                    return false;
                });
        return found[0];
    }

    /** Input records not yet committed by the application's consumer group (all of them before it has joined). */
    private static long inputLag(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APPLICATION_ID)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : Topics.defaults().inputs()) {
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /**
     * What both runs must agree on, whatever order Kafka Streams met the two input topics in: the last record per key
     * of each latest-state output (without {@code receivedAt}, the wall-clock time each replay read a line), and the
     * dead letters (without their wall-clock times).
     */
    private static Map<String, Object> outputs(Path dir) throws IOException {
        Map<String, Object> latest = new TreeMap<>();
        for (Map<String, Object> p : records(dir.resolve("biomarker-trajectory-points.ndjson"))) {
            p.remove("receivedAt");
            latest.put("point " + p.get("patientId") + "|" + p.get("readingId"), p);
        }
        for (Map<String, Object> s : records(dir.resolve("biomarker-summaries.ndjson"))) {
            latest.put("summary " + s.get("patientId") + "|" + s.get("analyte"), s);
        }
        for (Map<String, Object> t : records(dir.resolve("time-to-normalization.ndjson"))) {
            latest.put("ttn " + t.get("patientId") + "|" + t.get("analyte"), t);
        }
        List<Map<String, Object>> deadLetters = new ArrayList<>();
        for (Map<String, Object> d : records(dir.resolve("lab-readings-dlq.ndjson"))) {
            d.remove("timestamp");
            d.remove("deadLetteredAt");
            if (d.get("payload") instanceof Map<?, ?> binary) {
                // A reading written by a serializer: its header holds the id each run's registry gave, and its
                // receivedAt the time each replay read the line; the rest must be the same.
                byte[] bytes = Base64.getDecoder().decode((String) binary.get("base64"));
                assertThat(bytes).as("dead-lettered payload %s", d).startsWith(WireFormat.MAGIC);
                LabReading reading = new SpecificDatumReader<>(LabReading.class)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(
                                                bytes,
                                                WireFormat.HEADER_SIZE,
                                                bytes.length - WireFormat.HEADER_SIZE,
                                                null));
                Map<String, Object> fields = new TreeMap<>(AvroJson.parse(AvroJson.toJson(reading)));
                fields.remove("receivedAt");
                d.put("payload", fields);
            }
            deadLetters.add(new TreeMap<>(d));
        }
        deadLetters.sort(java.util.Comparator.comparing(Object::toString));
        latest.put("dead letters", deadLetters);
        return latest;
    }

    /** Each key whose value differs, with both values: a readable failure instead of two whole dumps. */
    private static List<String> differences(Map<String, Object> expected, Map<String, Object> actual) {
        List<String> out = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(union(expected.keySet(), actual.keySet()))) {
            if (!java.util.Objects.equals(expected.get(key), actual.get(key))) {
                out.add(key + ": embedded " + expected.get(key) + " / exported " + actual.get(key));
            }
        }
        return out;
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static List<Map<String, Object>> records(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                out.add(new LinkedHashMap<>(AvroJson.parse(line)));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> deadLetterCodes(Map<String, Object> outputs) {
        return ((List<Map<String, Object>>) outputs.get("dead letters"))
                .stream().map(d -> d.get("errorCode")).toList();
    }

    private static List<String> subjects(String registry) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry + "/subjects"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        new ObjectMapper().readTree(answer.body()).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }
}
