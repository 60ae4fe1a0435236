package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.ContractSchema;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.WireFormat;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The cluster-facing commands as an operator runs them, against a real KRaft broker and a real Apicurio registry:
 * {@code run} on a background thread, {@code replay --bootstrap-servers} to feed it, {@code export} to read what it
 * wrote, each on topics that do not exist until a command creates them (every test has topic names of its own); and
 * how each command fails when it may not create them, when they are not as configured, or when the cluster or the
 * registry cannot be reached.
 */
class ClusterCommandsIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Duration PROCESSING_LIMIT = Duration.ofSeconds(120);
    private static final String MALFORMED_LINE = "{\"patientId\": \"CIT-C\", oops";

    @TempDir
    Path dir;

    private String suffix;
    private Topics topics;
    private String auditTopic;
    private String readingsTopic;
    private String eventsTopic;
    private String trajectoryTopic;
    private String summariesTopic;
    private String ttnTopic;
    private String deadLetterTopic;
    private RunCommand run;
    private CompletableFuture<Integer> runExit;

    @BeforeEach
    void names() {
        suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.defaults().withSuffix(suffix);
        auditTopic = "patient-access-audit" + suffix;
        readingsTopic = topics.readings();
        eventsTopic = topics.events();
        trajectoryTopic = topics.trajectory();
        summariesTopic = topics.summaries();
        ttnTopic = topics.timeToNormalization();
        deadLetterTopic = topics.deadLetters();
    }

    @AfterEach
    void stopRunIfStillRunning() throws Exception {
        if (run != null && !runExit.isDone()) {
            run.stop();
            runExit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldProcessReplayedFilesAndExportResultsWhenRunAgainstCluster() throws Exception {
        String applicationId = "cluster-commands-it" + suffix;
        String clientIdPrefix = "cit-client" + suffix;
        Path config = Files.writeString(
                dir.resolve("client.properties"),
                "# harmless client properties, to show that --config reaches the Streams clients\n"
                        + "client.id=" + clientIdPrefix + "\n"
                        + "request.timeout.ms=30000\n"
                        + "commit.interval.ms=200\n");

        // No topic of this test exists yet: each command creates those it uses, whichever comes first.
        Path readings = Files.write(dir.resolve("readings.ndjson"), readingLines(), StandardCharsets.UTF_8);
        Path events = Files.write(dir.resolve("events.ndjson"), eventLines(), StandardCharsets.UTF_8);
        CommandRun replay =
                execute(withCluster("replay", "--readings", readings.toString(), "--events", events.toString()));
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out())
                .contains("Sent 4 events (0 malformed lines) to " + eventsTopic)
                .contains("Sent 9 readings (1 malformed lines) to " + readingsTopic);

        Path beforeRun = dir.resolve("export-before-run");
        CommandRun early = execute(withCluster("export", "--out", beforeRun.toString()));
        assertThat(early.exit()).as(early.err()).isZero();
        assertThat(beforeRun.resolve(ttnTopic + ".ndjson")).exists().isEmptyFile();

        startRun(
                "--application-id",
                applicationId,
                "--state-dir",
                dir.resolve("state").toString(),
                "--config",
                config.toString());

        Path all = dir.resolve("export-all");
        await("export to show both patients' results and both dead letters")
                .atMost(PROCESSING_LIMIT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    CommandRun export = execute(withCluster("export", "--out", all.toString()));
                    assertThat(export.exit()).as(export.err()).isZero();
                    assertThat(latestByPatientAnalyte(all.resolve(ttnTopic + ".ndjson")))
                            .containsKeys("CIT-A|CRP", "CIT-A|LYMPH", "CIT-B|CRP");
                    assertThat(latestByPatientAnalyte(all.resolve(summariesTopic + ".ndjson")))
                            .containsKeys("CIT-A|CRP", "CIT-A|LYMPH", "CIT-B|CRP", "CIT-C|CRP");
                    assertThat(records(all.resolve(deadLetterTopic + ".ndjson")))
                            .hasSize(2);
                });

        Map<String, Map<String, Object>> ttn = latestByPatientAnalyte(all.resolve(ttnTopic + ".ndjson"));
        assertThat(ttn.get("CIT-A|CRP")).containsEntry("status", "NORMALIZED").containsEntry("arm", "MSC");
        assertThat(ttn.get("CIT-A|LYMPH")).containsEntry("status", "NORMALIZED");
        assertThat(ttn.get("CIT-B|CRP"))
                .containsEntry("status", "NOT_YET_NORMALIZED")
                .containsEntry("arm", "CONTROL");
        Map<String, Map<String, Object>> summaries = latestByPatientAnalyte(all.resolve(summariesTopic + ".ndjson"));
        assertThat(summaries.get("CIT-A|CRP")).containsEntry("unit", "mg/L");
        assertThat(number(summaries.get("CIT-A|CRP"), "readingCount")).isEqualTo(3);
        assertThat(number(summaries.get("CIT-A|CRP"), "baseline")).isEqualTo(85);
        // 1.2 mg/dL sent, 12 mg/L kept: the canonical unit.
        assertThat(number(summaries.get("CIT-B|CRP"), "latest")).isEqualTo(12);
        assertThat(summaries.get("CIT-C|CRP")).containsEntry("normalizationStatus", "NO_ANCHOR");
        assertThat(records(all.resolve(trajectoryTopic + ".ndjson")))
                .extracting(p -> p.get("readingId"))
                .contains("CIT-A-CRP-B", "CIT-A-CRP-3", "CIT-A-CRP-7", "CIT-A-LY-B", "CIT-A-LY-3")
                .doesNotContain("CIT-C-CRP-X");

        List<Map<String, Object>> deadLetters = records(all.resolve(deadLetterTopic + ".ndjson"));
        assertThat(deadLetters)
                .extracting(d -> d.get("errorCode"))
                .containsExactlyInAnyOrder("UNDESERIALIZABLE", "UNKNOWN_UNIT");
        assertThat(deadLetters)
                .allSatisfy(d -> assertThat((String) d.get("message")).doesNotContain("CIT-"));
        assertThat(deadLetters)
                .filteredOn(d -> d.get("errorCode").equals("UNKNOWN_UNIT"))
                .singleElement()
                .satisfies(d -> assertThat(d).containsEntry("sourceTopic", readingsTopic));
        // The malformed line never reached the readings topic: the file reader dead-lettered it, naming the line.
        Map<String, Object> malformed = deadLetters.stream()
                .filter(d -> d.get("errorCode").equals("UNDESERIALIZABLE"))
                .findFirst()
                .orElseThrow();
        assertThat(malformed)
                .containsEntry("payload", MALFORMED_LINE)
                .containsEntry("sourceTopic", "file:readings.ndjson");
        assertThat((String) malformed.get("message")).startsWith("readings.ndjson line ");

        Path one = dir.resolve("export-one");
        CommandRun only = execute(withCluster("export", "--out", one.toString(), "--topics", ttnTopic));
        assertThat(only.exit()).as(only.err()).isZero();
        assertThat(fileNames(one)).containsExactly(ttnTopic + ".ndjson");
        assertThat(latestByPatientAnalyte(one.resolve(ttnTopic + ".ndjson"))).isEqualTo(ttn);

        assertWireFormatWithRegisteredSchemas();
        assertThat(consumerClientIds(applicationId)).isNotEmpty().allMatch(id -> id.startsWith(clientIdPrefix));

        run.stop();
        assertThat(runExit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(run.state()).isEmpty();
    }

    @Test
    void shouldFailWithUsageExitCodeNamingTheOptionWhenExportTopicIsUnknown() throws Exception {
        Path out = dir.resolve("export-nope");

        CommandRun export = execute(withCluster("export", "--out", out.toString(), "--topics", "nope"));

        assertThat(export.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(export.err()).contains("--topics").contains("nope").contains(ttnTopic);
        assertThat(out).doesNotExist();
    }

    /** The commands that use the pipeline's topics on a cluster, as {@link #command} runs them. */
    static Stream<String> clusterCommands() {
        return Stream.of("run", "ingest-hl7", "replay", "replay --from-dlq", "export");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusterCommands")
    void shouldFailWithinTenSecondsNamingEveryMissingTopicWhenItMayNotCreateThem(String command) throws Exception {
        CommandRun run = CommandRun.executeWithin(
                Duration.ofSeconds(60), command(KAFKA.bootstrapServers(), command, "--no-create-topics"));

        assertThat(run.exit()).as(run.err()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.took()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        for (String topic : topicsOf(command)) {
            assertThat(run.err())
                    .contains(topic + ": missing")
                    .contains("kafka-topics.sh --bootstrap-server " + KAFKA.bootstrapServers() + " --create --topic "
                            + topic);
        }
        assertThat(run.err()).contains("--no-create-topics").doesNotContain("\tat ");
        try (Admin admin = KAFKA.admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContainAnyElementsOf(topicsOf(command));
        }
        assertThat(dir.resolve("export")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusterCommands")
    void shouldNameTheTopicAndTheDifferenceWhenATopicIsNotAsConfigured(String command) throws Exception {
        // Every topic of the command as configured (2 partitions) but one with the wrong cleanup policy and one
        // with 1 partition.
        List<String> used = topicsOf(command);
        String wrongPolicy = used.contains(readingsTopic) ? readingsTopic : summariesTopic;
        String wrongPartitions = command.equals("export") ? deadLetterTopic : eventsTopic;
        PipelineTopics specs = new PipelineTopics(topics, Optional.of(2), Optional.empty());
        List<NewTopic> created = new ArrayList<>();
        for (NewTopic spec : specs.all()) {
            if (!used.contains(spec.name())) {
                continue;
            }
            if (spec.name().equals(wrongPolicy)) {
                String other =
                        spec.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG).equals("compact") ? "delete" : "compact";
                created.add(new NewTopic(spec.name(), 2, (short) 1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, other)));
            } else if (spec.name().equals(wrongPartitions)) {
                created.add(new NewTopic(spec.name(), 1, (short) 1).configs(spec.configs()));
            } else {
                created.add(spec);
            }
        }
        if (command.equals("run")) {
            created.add(specs.audit(auditTopic));
        }
        KAFKA.createTopics(created.toArray(NewTopic[]::new));
        String expectedPolicy = wrongPolicy.equals(readingsTopic) ? "delete" : "compact";

        CommandRun run = CommandRun.executeWithin(
                Duration.ofSeconds(60), command(KAFKA.bootstrapServers(), command, "--topic-partitions", "2"));

        assertThat(run.exit()).as(run.err()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.took()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(run.err())
                .contains(wrongPolicy + ": cleanup.policy is ")
                .contains("should be " + expectedPolicy)
                .contains("kafka-configs.sh --bootstrap-server " + KAFKA.bootstrapServers()
                        + " --alter --entity-type topics --entity-name " + wrongPolicy + " --add-config cleanup.policy="
                        + expectedPolicy)
                .contains(wrongPartitions + ": has 1 partitions, configured 2")
                .doesNotContain("\tat ");
        for (String fine : used) {
            if (!fine.equals(wrongPolicy) && !fine.equals(wrongPartitions)) {
                assertThat(run.err()).as("a topic as configured").doesNotContain(fine + ":");
            }
        }
        try (Admin admin = KAFKA.admin()) {
            assertThat(admin.describeTopics(List.of(wrongPartitions))
                            .allTopicNames()
                            .get()
                            .get(wrongPartitions)
                            .partitions())
                    .as("nothing changed")
                    .hasSize(1);
        }
    }

    /** Each cluster command, with an address where nothing listens and with a name no DNS resolves. */
    static Stream<Arguments> unreachableClusters() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String command : clusterCommands().toList()) {
            cases.add(Arguments.of(command, "127.0.0.1:" + closedPort(), "connection refused"));
            cases.add(Arguments.of(command, "no-such-host.invalid:9092", "the DNS name does not resolve"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("unreachableClusters")
    void shouldFailWithinFifteenSecondsNamingTheAddressAndTheCauseWhenTheClusterIsUnreachable(
            String command, String bootstrapServers, String cause) throws Exception {
        CommandRun run = CommandRun.executeWithin(Duration.ofSeconds(60), command(bootstrapServers, command));

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(run.took()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(run.err())
                .contains("cannot reach the Kafka cluster at --bootstrap-servers " + bootstrapServers)
                .contains(cause)
                .contains(bootstrapServers.startsWith("127.") ? "tried: TCP connect to " : "tried: DNS lookup of ")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("export")).as("no file left behind").doesNotExist();
    }

    @Test
    void shouldFailNamingTheRegistryAndLeaveNoFileWhenTheRegistryIsUnreachable() throws Exception {
        String registry = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";

        CommandRun run = exportFrom(registry);

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(run.took()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(run.err())
                .contains("cannot reach the schema registry at --schema-registry-url " + registry)
                .contains("connection refused")
                .doesNotContain("Kafka cluster");
        assertThat(dir.resolve("export")).doesNotExist();
    }

    @Test
    void shouldNameTheTlsHandshakeWhenTheClientSpeaksTlsToAPlaintextListener() throws Exception {
        Path config = Files.writeString(dir.resolve("tls.properties"), "security.protocol=SSL\n");

        CommandRun run = CommandRun.executeWithin(
                Duration.ofSeconds(60), command(KAFKA.bootstrapServers(), "export", "--config", config.toString()));

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(run.took()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(run.err())
                .contains("cannot reach the Kafka cluster at --bootstrap-servers " + KAFKA.bootstrapServers())
                .contains("the TLS handshake failed: the listener does not speak TLS, but security.protocol=SSL");
        assertThat(dir.resolve("export")).doesNotExist();
    }

    @Test
    void shouldNameTheTlsHandshakeWhenTheRegistryUrlSaysHttpsToAPlainHttpServer() throws Exception {
        String registry = REGISTRY.confluentUrl().replace("http://", "https://");

        CommandRun run = exportFrom(registry);

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(run.err())
                .contains("cannot reach the schema registry at --schema-registry-url " + registry)
                .contains("TLS handshake failed");
    }

    @Test
    void shouldSayItIsNotARegistryApiWhenTheRegistryUrlLacksItsPath() throws Exception {
        String server = REGISTRY.confluentUrl().replace("/apis/ccompat/v7", "");

        CommandRun run = exportFrom(server);

        assertThat(run.exit()).as(run.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(run.err()).contains("HTTP 404").contains("Confluent-compatible");
    }

    /** {@code export} from this test's cluster with the registry at {@code registryUrl}. */
    private CommandRun exportFrom(String registryUrl) throws Exception {
        return CommandRun.executeWithin(
                Duration.ofSeconds(60),
                at(
                        KAFKA.bootstrapServers(),
                        registryUrl,
                        "export",
                        "--out",
                        dir.resolve("export").toString()));
    }

    /** The command line of {@code command} on this test's topics, against {@code bootstrapServers}. */
    private String[] command(String bootstrapServers, String command, String... extra) throws IOException {
        List<String> args = new ArrayList<>();
        switch (command) {
            case "run" ->
                args.addAll(List.of(
                        "run",
                        "--identified-outputs",
                        "--http-port",
                        "0",
                        "--http-bind-address",
                        "127.0.0.1",
                        "--health-port",
                        "0",
                        "--application-id",
                        "cit-fail" + suffix,
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "--audit-topic",
                        auditTopic));
            case "ingest-hl7" -> args.addAll(List.of("ingest-hl7", "--port", "0"));
            case "replay" ->
                args.addAll(List.of(
                        "replay",
                        "--readings",
                        Files.write(dir.resolve("readings.ndjson"), readingLines(), StandardCharsets.UTF_8)
                                .toString()));
            case "replay --from-dlq" -> args.addAll(List.of("replay", "--from-dlq"));
            case "export" ->
                args.addAll(List.of("export", "--out", dir.resolve("export").toString()));
            default -> throw new IllegalArgumentException(command);
        }
        args.addAll(List.of(extra));
        return at(
                bootstrapServers,
                REGISTRY.confluentUrl(),
                args.get(0),
                args.subList(1, args.size()).toArray(String[]::new));
    }

    /** The topics {@code command} uses, under this test's names. */
    private List<String> topicsOf(String command) {
        return switch (command) {
            case "run" -> {
                List<String> all = new ArrayList<>(topics.inputs());
                all.addAll(topics.outputs());
                all.add(auditTopic);
                yield all;
            }
            case "export" -> List.of(trajectoryTopic, summariesTopic, ttnTopic, deadLetterTopic);
            default -> List.of(readingsTopic, eventsTopic, deadLetterTopic);
        };
    }

    /** A port on this machine where nothing listens: bound by the system, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void startRun(String... extra) {
        CommandLine cli = Main.commandLine();
        run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        List<String> args = new ArrayList<>(List.of(withCluster(
                "run",
                "--identified-outputs",
                "--http-port",
                "0",
                "--http-bind-address",
                "127.0.0.1",
                "--health-port",
                "0",
                "--audit-topic",
                auditTopic)));
        args.addAll(List.of(extra));
        runExit = CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
        await("run to reach RUNNING").atMost(PROCESSING_LIMIT).until(() -> {
            if (runExit.isDone()) {
                throw new AssertionError("run exited early with code " + runExit.get());
            }
            return run.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
        });
    }

    @Test
    void shouldRefuseToReplayNamingEachUnregisteredSubjectWhenAutoRegistrationIsOffThenUseTheRegisteredIds()
            throws Exception {
        KAFKA.createPipelineTopics(
                org.biomarkerstreams.streams.Topics.defaults().withSuffix(suffix), 1);
        Path config = Files.writeString(dir.resolve("read-only-registry.properties"), "auto.register.schemas=false\n");
        Path readings = Files.write(dir.resolve("readings.ndjson"), readingLines(), StandardCharsets.UTF_8);

        CommandRun refused =
                execute(withCluster("replay", "--config", config.toString(), "--readings", readings.toString()));

        assertThat(refused.exit()).as(refused.err()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(refused.err())
                .contains("not registered under subject '" + readingsTopic + "-value'")
                .contains("register schemas/LabReading.avsc")
                .contains("not registered under subject '" + eventsTopic + "-value'")
                .contains("register schemas/ClinicalEvent.avsc")
                .contains("not registered under subject '" + deadLetterTopic + "-value'")
                .contains("register schemas/DeadLetter.avsc");
        assertThat(subjects()).doesNotContain(readingsTopic + "-value", eventsTopic + "-value");

        // The platform team registers the contract files as they are; the producer may then write.
        int readingId = registerFile(readingsTopic + "-value", "schemas/LabReading.avsc");
        registerFile(eventsTopic + "-value", "schemas/ClinicalEvent.avsc");
        registerFile(deadLetterTopic + "-value", "schemas/DeadLetter.avsc");
        CommandRun replay =
                execute(withCluster("replay", "--config", config.toString(), "--readings", readings.toString()));

        assertThat(replay.exit()).as(replay.err()).isZero();
        Set<Integer> ids = new HashSet<>();
        TopicExport.read(Map.of(), KAFKA.bootstrapServers(), readingsTopic, new ByteArrayDeserializer(), (k, v) -> {
            // Only records in the wire format reach the topic: the file reader dead-letters a malformed line itself.
            if (v[0] == WireFormat.MAGIC) {
                ids.add(WireFormat.schemaId(v));
            }
        });
        assertThat(ids).containsExactly(readingId);
    }

    private static int registerFile(String subject, String file) throws Exception {
        String body = new ObjectMapper()
                .createObjectNode()
                .put("schema", Files.readString(Path.of(file), StandardCharsets.UTF_8))
                .toString();
        HttpResponse<String> answer = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(REGISTRY.confluentUrl() + "/subjects/" + subject + "/versions"))
                                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return new ObjectMapper().readTree(answer.body()).get("id").asInt();
    }

    /** The command with the cluster, the registry and this test's topic names. */
    private String[] withCluster(String command, String... rest) {
        return at(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), command, rest);
    }

    /** The command with this cluster and registry and this test's topic names. */
    private String[] at(String bootstrapServers, String registryUrl, String command, String... rest) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(PipelineArguments.cluster(bootstrapServers, registryUrl));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static CommandRun execute(String... args) {
        return CommandRun.execute(args);
    }

    private static List<String> eventLines() {
        return List.of(
                "{\"eventId\":\"CIT-A-R\",\"patientId\":\"CIT-A\",\"type\":\"RANDOMIZED\","
                        + "\"at\":\"2020-02-02T09:00:00+08:00\",\"arm\":\"MSC\",\"strata\":{\"severity\":\"severe\"}}",
                "{\"eventId\":\"CIT-A-I\",\"patientId\":\"CIT-A\",\"type\":\"INFUSION\","
                        + "\"at\":\"2020-02-03T10:00:00+08:00\",\"dose\":\"2x10^6 cells/kg\",\"product\":\"UC-MSC\"}",
                "# the control arm is anchored on randomization",
                "{\"eventId\":\"CIT-B-R\",\"patientId\":\"CIT-B\",\"type\":\"RANDOMIZED\","
                        + "\"at\":\"2020-02-03T10:00:00+08:00\",\"arm\":\"CONTROL\"}",
                "{\"eventId\":\"CIT-B-E\",\"patientId\":\"CIT-B\",\"type\":\"ENROLLED\","
                        + "\"at\":\"2020-02-01T10:00:00+08:00\"}");
    }

    private static List<String> readingLines() {
        return List.of(
                reading("CIT-A-CRP-B", "CIT-A", "1988-5", "85", "mg/L", "2020-02-02T08:00:00+08:00"),
                reading("CIT-A-CRP-3", "CIT-A", "1988-5", "40", "mg/L", "2020-02-06T08:00:00+08:00"),
                reading("CIT-A-CRP-7", "CIT-A", "1988-5", "<0.5", "mg/dL", "2020-02-10T08:00:00+08:00"),
                reading("CIT-A-LY-B", "CIT-A", "731-0", "600", "cells/uL", "2020-02-02T08:00:00+08:00"),
                reading("CIT-A-LY-3", "CIT-A", "731-0", "1.5", "10^9/L", "2020-02-06T08:00:00+08:00"),
                reading("CIT-B-CRP-B", "CIT-B", "1988-5", "90", "mg/L", "2020-02-03T08:00:00+08:00"),
                "",
                reading("CIT-B-CRP-3", "CIT-B", "1988-5", "1.2", "mg/dL", "2020-02-06T08:00:00+08:00"),
                MALFORMED_LINE,
                reading("CIT-C-CRP-X", "CIT-C", "1988-5", "12", "furlongs", "2020-02-06T08:00:00+08:00"),
                reading("CIT-C-CRP-1", "CIT-C", "1988-5", "30", "mg/L", "2020-02-06T08:00:00+08:00"));
    }

    private static String reading(
            String readingId, String patientId, String loinc, String value, String unit, String observedAt) {
        return "{\"readingId\":\"" + readingId + "\",\"patientId\":\"" + patientId + "\",\"loinc\":\"" + loinc
                + "\",\"value\":\"" + value + "\",\"unit\":\"" + unit + "\",\"observedAt\":\"" + observedAt
                + "\",\"status\":\"FINAL\",\"revision\":0}";
    }

    private static List<Map<String, Object>> records(Path file) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                records.add(AvroJson.parse(line));
            }
        }
        return records;
    }

    /** The last record per patient and analyte: what a compacted topic keeps. */
    private static Map<String, Map<String, Object>> latestByPatientAnalyte(Path file) throws IOException {
        Map<String, Map<String, Object>> latest = new LinkedHashMap<>();
        for (Map<String, Object> r : records(file)) {
            latest.put(r.get("patientId") + "|" + r.get("analyte"), r);
        }
        return latest;
    }

    private static double number(Map<String, Object> record, String field) {
        assertThat(record).containsKey(field);
        return ((Number) record.get(field)).doubleValue();
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * Every value on the output topics is magic byte, schema id, Avro binary, and the id is the registered schema
     * of the topic's {@code <topic>-value} subject in the real registry.
     */
    private void assertWireFormatWithRegisteredSchemas() throws Exception {
        Map<String, Schema> expected = Map.of(
                readingsTopic, ContractSchema.of(LabReading.class),
                eventsTopic, ContractSchema.of(ClinicalEvent.class),
                trajectoryTopic, ContractSchema.of(TrajectoryPoint.class),
                summariesTopic, ContractSchema.of(BiomarkerSummary.class),
                ttnTopic, ContractSchema.of(TimeToNormalization.class),
                deadLetterTopic, ContractSchema.of(DeadLetter.class));
        assertThat(subjects())
                .containsAll(expected.keySet().stream().map(t -> t + "-value").toList());
        try (ConfluentRegistryClient registry =
                new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl()))) {
            for (String topic : List.of(trajectoryTopic, summariesTopic, ttnTopic, deadLetterTopic)) {
                List<byte[]> values = new ArrayList<>();
                TopicExport.read(Map.of(), KAFKA.bootstrapServers(), topic, new ByteArrayDeserializer(), (k, v) -> {
                    if (v != null) {
                        values.add(v);
                    }
                });
                assertThat(values).as(topic).isNotEmpty();
                for (byte[] value : values) {
                    assertThat(value[0]).as(topic + " magic byte").isEqualTo(WireFormat.MAGIC);
                    int id = ByteBuffer.wrap(value, 1, 4).getInt();
                    assertThat(registry.schemaById(id))
                            .as(topic + " schema " + id)
                            .isEqualTo(expected.get(topic));
                    assertThat(registry.lookup(topic + "-value", expected.get(topic)))
                            .as(topic + "-value")
                            .isEqualTo(id);
                }
            }
        }
    }

    private static Set<String> subjects() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(REGISTRY.confluentUrl() + "/subjects"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode list = new ObjectMapper().readTree(answer.body());
        Set<String> subjects = new HashSet<>();
        list.forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    /** The client ids of the Streams consumers in the application's group. */
    private static List<String> consumerClientIds(String applicationId) throws Exception {
        try (Admin admin = KAFKA.admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(applicationId);
            return group.members().stream().map(MemberDescription::clientId).toList();
        }
    }
}
