package org.biomarkerstreams.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.biomarkerstreams.app.AccessControlList;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The application on a KRaft broker that authorizes every request ({@code StandardAuthorizer}, nothing allowed
 * without an ACL), each part as its own SASL/PLAIN user with exactly the ACLs {@code biomarker-streams acls} prints
 * for its role: {@code run} as the application, {@code replay} as the lab feed, {@code export} as a reader. Then
 * {@code run} again with one of its ACLs left out: it must stop by itself, exit non-zero and name what is missing.
 *
 * <p>The schema registry (Apicurio) is open: its access control is not Kafka's. The broker's own listeners (controller, inter-broker) are plaintext and their anonymous principal a super user,
 * as is {@code admin}, the operator who creates the topics and the ACLs; only this test uses them.
 */
class KafkaAclIT {

    private static final Logger log = LoggerFactory.getLogger(KafkaAclIT.class);
    private static final String EXTERNAL_PASSWORD = "pw-" + UUID.randomUUID();
    private static final String APP = "biomarker-app";
    private static final String FEED = "lab-feed";
    private static final String READER = "reader";
    private static final String ADMIN = "admin";
    private static final String INTERNAL = "INTERNAL";
    private static final Duration PROCESSING_LIMIT = Duration.ofSeconds(180);
    /** The acceptance bound for "fails fast" without an ACL. */
    private static final Duration FAILURE_LIMIT = Duration.ofSeconds(90);

    /** run has a JVM of its own, so the registry is a real one that both JVMs reach. */
    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static KafkaClusterTestKit cluster;

    @TempDir
    Path dir;

    private String suffix;
    private Topics topics;
    private String applicationId;
    private Process run;

    @BeforeAll
    static void startAuthorizingCluster() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        String external = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(
                "listeners",
                String.join(
                        ",", external + "://localhost:0", controller + "://localhost:0", INTERNAL + "://localhost:0"));
        configs.put(
                "listener.security.protocol.map",
                String.join(",", external + ":SASL_PLAINTEXT", controller + ":PLAINTEXT", INTERNAL + ":PLAINTEXT"));
        configs.put("inter.broker.listener.name", INTERNAL);
        configs.put("sasl.enabled.mechanisms", "PLAIN");
        StringBuilder users = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        for (String user : List.of(ADMIN, APP, FEED, READER)) {
            users.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(EXTERNAL_PASSWORD)
                    .append('"');
        }
        configs.put(
                "listener.name." + external.toLowerCase(java.util.Locale.ROOT) + ".plain.sasl.jaas.config",
                users.append(';').toString());
        configs.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        configs.put("allow.everyone.if.no.acl.found", "false");
        configs.put("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        configs.put("offsets.topic.replication.factor", "1");
        configs.put("transaction.state.log.replication.factor", "1");
        configs.put("transaction.state.log.min.isr", "1");
        configs.put("share.coordinator.state.topic.replication.factor", "1");
        configs.put("share.coordinator.state.topic.min.isr", "1");
        configs.put("offsets.topic.num.partitions", "5");
        configs.put("transaction.state.log.num.partitions", "5");
        configs.put("num.partitions", "1");
        configs.put("auto.create.topics.enable", "false");
        configs.put("group.initial.rebalance.delay.ms", "0");
        configs.put("group.streams.initial.rebalance.delay.ms", "0");

        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
        configs.forEach(builder::setConfigProp);
        cluster = builder.build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void namesOfTheirOwn() {
        suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        topics = Topics.defaults().withSuffix(suffix);
        applicationId = "acl-it" + suffix;
        try (Admin admin = operator()) {
            List<org.apache.kafka.clients.admin.NewTopic> all =
                    new ArrayList<>(new PipelineTopics(topics, Optional.of(2), Optional.empty()).all());
            // The audit topic: run creates it only with the create-topics role; here the operator does.
            all.add(org.biomarkerstreams.app.KafkaAuditTrail.topic(auditTopic(), Optional.of(2), Optional.empty()));
            TopicSetup.ensureTopics(admin, all, Duration.ofSeconds(60));
        }
    }

    @AfterEach
    void stopRun() throws InterruptedException {
        if (run != null && run.isAlive()) {
            run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldProcessReadingsWhenEachPrincipalHasExactlyTheAclsOfItsRole() throws Exception {
        for (String[] grant : List.of(
                new String[] {APP, "run,audit"}, new String[] {FEED, "replay"}, new String[] {READER, "export"})) {
            CommandRun acls = execute(withTopics(
                    "acls",
                    "--principal",
                    "User:" + grant[0],
                    "--role",
                    grant[1],
                    "--application-id",
                    applicationId,
                    "--bootstrap-servers",
                    cluster.bootstrapServers(),
                    "--config",
                    clientConfig(ADMIN).toString(),
                    "--audit-topic",
                    auditTopic(),
                    "--apply"));
            assertThat(acls.exit()).as(acls.err()).isZero();
            assertThat(acls.out()).contains("Created ", "User:" + grant[0]);
        }

        run = startRun(clientConfig(APP));
        Path readings = Files.write(dir.resolve("readings.ndjson"), READINGS, StandardCharsets.UTF_8);
        Path events = Files.write(dir.resolve("events.ndjson"), EVENTS, StandardCharsets.UTF_8);
        CommandRun replay = execute(withTopics(
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--schema-registry-url",
                registry(),
                "--config",
                clientConfig(FEED).toString(),
                "--readings",
                readings.toString(),
                "--events",
                events.toString()));
        assertThat(replay.exit()).as(replay.err()).isZero();

        awaitExported("ACL-A-CRP-B", "ACL-A-CRP-3", "ACL-A-CRP-7");

        // A restart on an empty state directory: the internal topics exist now, and the state is restored from
        // the changelogs, which only the RUN grants allow.
        run.destroy();
        assertThat(run.waitFor(60, TimeUnit.SECONDS))
                .as("run stopped on SIGTERM")
                .isTrue();
        run = startRun(clientConfig(APP), "state-2");
        Path late = Files.write(
                dir.resolve("late.ndjson"),
                List.of(reading("ACL-A-CRP-14", "3", "2020-02-17T08:00:00Z")),
                StandardCharsets.UTF_8);
        CommandRun more = execute(withTopics(
                "replay",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--schema-registry-url",
                registry(),
                "--config",
                clientConfig(FEED).toString(),
                "--readings",
                late.toString()));
        assertThat(more.exit()).as(more.err()).isZero();
        awaitExported("ACL-A-CRP-B", "ACL-A-CRP-3", "ACL-A-CRP-7", "ACL-A-CRP-14");
        assertThat(log()).doesNotContain("AuthorizationException", "Not authorized", "denied");
    }

    /** Exported by the reader, with its own ACLs, while run stays up. */
    private void awaitExported(String... readingIds) {
        Path out = dir.resolve("export");
        await("the trajectory points of " + List.of(readingIds) + ", exported by the reader")
                .atMost(PROCESSING_LIMIT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    assertThat(run.isAlive())
                            .as("run alive; its log: %s", log())
                            .isTrue();
                    CommandRun export = execute(withTopics(
                            "export",
                            "--bootstrap-servers",
                            cluster.bootstrapServers(),
                            "--schema-registry-url",
                            registry(),
                            "--config",
                            clientConfig(READER).toString(),
                            "--out",
                            out.toString(),
                            "--topics",
                            topics.trajectory()));
                    assertThat(export.exit()).as(export.err()).isZero();
                    assertThat(readingIds(out.resolve(topics.trajectory() + ".ndjson")))
                            .containsExactlyInAnyOrder((Object[]) readingIds);
                });
    }

    /** One essential grant of the run role left out, and what the failure must name. */
    static Stream<Arguments> withoutOneGrant() {
        return Stream.of(
                Arguments.of(ResourceType.TOPIC, "internal", AclOperation.CREATE, "internal topics"),
                Arguments.of(ResourceType.TRANSACTIONAL_ID, "internal", AclOperation.WRITE, "transactional id"),
                Arguments.of(ResourceType.GROUP, "group", AclOperation.READ, "consumer group"),
                Arguments.of(ResourceType.TOPIC, "readings", AclOperation.READ, "topic"),
                Arguments.of(ResourceType.TOPIC, "cohort", AclOperation.READ, "topic(s)"));
    }

    @ParameterizedTest(name = "{2} on the {0} {1}")
    @MethodSource("withoutOneGrant")
    void shouldExitNamingTheMissingGrantWhenRunLacksOne(
            ResourceType type, String which, AclOperation operation, String named) throws Exception {
        AccessControlList all = AccessControlList.of(
                "User:" + APP,
                new AccessControlList.Names(topics, applicationId, auditTopic()),
                List.of(AccessControlList.Role.RUN, AccessControlList.Role.AUDIT));
        String name =
                switch (which) {
                    case "internal" -> applicationId + "-";
                    case "group" -> applicationId;
                    case "cohort" -> topics.cohortVisits();
                    default -> topics.readings();
                };
        PatternType pattern = which.equals("internal") ? PatternType.PREFIXED : PatternType.LITERAL;
        AccessControlList lacking = all.without(new ResourcePattern(type, name, pattern), operation);
        assertThat(lacking.bindings()).hasSize(all.bindings().size() - 1);
        try (Admin admin = operator()) {
            lacking.createOn(admin, Duration.ofSeconds(60));
        }

        long started = System.nanoTime();
        run = startRun(clientConfig(APP));
        boolean exited = run.waitFor(FAILURE_LIMIT.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(exited)
                .as("run stopped by itself within %s; its log: %s", FAILURE_LIMIT, log())
                .isTrue();
        assertThat(run.exitValue()).as(log()).isEqualTo(CommandLine.ExitCode.SOFTWARE);
        errorLines().forEach(line -> log.info("run without {} on {}: {}", operation, name, line));
        assertThat(errorLines())
                .as("the error line of run, after %s; its log: %s", took, log())
                .anySatisfy(line -> assertThat(line)
                        .contains(named, name, "biomarker-streams acls")
                        .contains("--application-id " + applicationId));
    }

    private Process startRun(Path config) throws IOException {
        return startRun(config, "state");
    }

    private Process startRun(Path config, String stateDir) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(withTopics(
                "run",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--schema-registry-url",
                registry(),
                "--config",
                config.toString(),
                "--application-id",
                applicationId,
                "--state-dir",
                dir.resolve(stateDir).toString(),
                "--http-port",
                "0",
                "--health-port",
                "0",
                "--http-bind-address",
                "127.0.0.1",
                "--audit-topic",
                auditTopic(),
                "--identified-outputs")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("run.log").toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        return builder.start();
    }

    private String log() throws IOException {
        Path file = dir.resolve("run.log");
        if (!Files.exists(file)) {
            return "";
        }
        String text = Files.readString(file);
        return text.length() <= 20_000 ? text : "..." + text.substring(text.length() - 20_000);
    }

    /** What run printed as its error (picocli's err), not the log lines of the clients. */
    private List<String> errorLines() throws IOException {
        return log().lines().filter(l -> l.startsWith("error: ")).toList();
    }

    /** A SASL/PLAIN client of {@code user}, as a --config file (the in-process registry needs no credentials). */
    private Path clientConfig(String user) throws IOException {
        Path file = dir.resolve(user + ".properties");
        if (!Files.exists(file)) {
            Files.write(
                    file,
                    List.of(
                            "security.protocol=SASL_PLAINTEXT",
                            "sasl.mechanism=PLAIN",
                            "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                                    + " username=\"" + user + "\" password=\"" + EXTERNAL_PASSWORD + "\";",
                            "commit.interval.ms=200"),
                    StandardCharsets.UTF_8);
        }
        return file;
    }

    private static String registry() {
        return REGISTRY.confluentUrl();
    }

    /** The test's own super-user admin client, on the plaintext listener. */
    private static Admin operator() {
        int port = cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(INTERNAL));
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port));
    }

    private String auditTopic() {
        return "patient-access-audit" + suffix;
    }

    private String[] withTopics(String command, String... rest) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private record CommandRun(int exit, String out, String err) {}

    private static CommandRun execute(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    private static Set<Object> readingIds(Path file) throws IOException {
        Set<Object> ids = new LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                ids.add(AvroJson.parse(line).get("readingId"));
            }
        }
        return ids;
    }

    private static final List<String> EVENTS = List.of(
            "{\"eventId\":\"ACL-A-R\",\"patientId\":\"ACL-A\",\"type\":\"RANDOMIZED\","
                    + "\"at\":\"2020-02-02T09:00:00Z\",\"arm\":\"MSC\"}",
            "{\"eventId\":\"ACL-A-I\",\"patientId\":\"ACL-A\",\"type\":\"INFUSION\","
                    + "\"at\":\"2020-02-03T10:00:00Z\",\"dose\":\"2x10^6 cells/kg\",\"product\":\"UC-MSC\"}");

    private static final List<String> READINGS = List.of(
            reading("ACL-A-CRP-B", "85", "2020-02-02T08:00:00Z"),
            reading("ACL-A-CRP-3", "40", "2020-02-06T08:00:00Z"),
            reading("ACL-A-CRP-7", "4", "2020-02-10T08:00:00Z"));

    private static String reading(String readingId, String value, String observedAt) {
        return "{\"readingId\":\"" + readingId + "\",\"patientId\":\"ACL-A\",\"loinc\":\"1988-5\",\"value\":\""
                + value + "\",\"unit\":\"mg/L\",\"observedAt\":\"" + observedAt + "\",\"status\":\"FINAL\","
                + "\"revision\":0}";
    }
}
