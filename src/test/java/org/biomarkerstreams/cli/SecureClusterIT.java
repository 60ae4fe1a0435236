package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.streams.KafkaStreams;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.testing.LogCapture;
import org.biomarkerstreams.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The pipeline against a real in-process KRaft broker that only lets authenticated clients in: a SASL_SSL listener
 * with SCRAM-SHA-512 and an SSL listener that requires a client certificate (mTLS). Certificates come from a CA made
 * by the test; the SCRAM user is created through a plaintext listener that only the broker itself and this test use.
 * The application gets its passwords the way a Kubernetes pod would: from files in a mounted secret directory,
 * through Kafka's {@code directory} config provider. Every logger runs at DEBUG while the commands run, and no log
 * line may contain a password.
 */
class SecureClusterIT {

    private static final String USER = "biomarker-app";
    private static final String SCRAM_PASSWORD = "scram-canary-" + UUID.randomUUID();
    private static final String STORE_PASSWORD = "store-canary-" + UUID.randomUUID();
    private static final String INTERNAL = "INTERNAL";
    private static final String MTLS = "MTLS";
    private static final Duration PROCESSING_LIMIT = Duration.ofSeconds(180);
    /** The broker's own loggers: at DEBUG they log every request; the clients' stay at DEBUG. */
    private static final Map<String, Level> BROKER_LOGGERS_AT_INFO = Map.of(
            "kafka", Level.INFO,
            "state.change.logger", Level.INFO,
            "org.apache.kafka.controller", Level.INFO,
            "org.apache.kafka.raft", Level.INFO,
            "org.apache.kafka.metadata", Level.INFO,
            "org.apache.kafka.image", Level.INFO,
            "org.apache.kafka.server", Level.INFO,
            "org.apache.kafka.storage", Level.INFO,
            "org.apache.kafka.coordinator", Level.INFO);

    @TempDir
    static Path pki;

    private static KafkaClusterTestKit cluster;
    private static Path trustStore;
    private static Path clientKeyStore;

    @TempDir
    Path dir;

    private String suffix;
    private Path secrets;
    private RunCommand run;
    private CompletableFuture<Integer> runExit;

    @BeforeAll
    static void startSecureCluster() throws Exception {
        TestCertificates ca = TestCertificates.authority("biomarker-streams test CA");
        trustStore = ca.writeTrustStore(pki.resolve("truststore.p12"), STORE_PASSWORD);
        Path brokerKeyStore = ca.writeServerKeyStore(pki.resolve("broker.p12"), "localhost", STORE_PASSWORD);
        clientKeyStore = ca.writeClientKeyStore(pki.resolve("client.p12"), USER, STORE_PASSWORD);

        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build();
        String external = nodes.brokerListenerName().value();
        String controller = nodes.controllerListenerName().value();
        Map<String, String> configs = new LinkedHashMap<>();
        // The test kit binds the client and controller listeners; the other two take any free port.
        configs.put(
                "listeners",
                String.join(
                        ",",
                        external + "://localhost:0",
                        controller + "://localhost:0",
                        INTERNAL + "://localhost:0",
                        MTLS + "://localhost:0"));
        configs.put(
                "listener.security.protocol.map",
                String.join(
                        ",",
                        external + ":SASL_SSL",
                        controller + ":PLAINTEXT",
                        INTERNAL + ":PLAINTEXT",
                        MTLS + ":SSL"));
        configs.put("inter.broker.listener.name", INTERNAL);
        configs.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        String externalPrefix = "listener.name." + external.toLowerCase(java.util.Locale.ROOT) + ".";
        configs.put(
                externalPrefix + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        configs.put("listener.name." + MTLS.toLowerCase(java.util.Locale.ROOT) + ".ssl.client.auth", "required");
        configs.put("ssl.keystore.location", brokerKeyStore.toString());
        configs.put("ssl.keystore.type", "PKCS12");
        configs.put("ssl.keystore.password", STORE_PASSWORD);
        configs.put("ssl.key.password", STORE_PASSWORD);
        configs.put("ssl.truststore.location", trustStore.toString());
        configs.put("ssl.truststore.type", "PKCS12");
        configs.put("ssl.truststore.password", STORE_PASSWORD);
        // One node, as KafkaClusterExtension's.
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

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(INTERNAL)))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), SCRAM_PASSWORD)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        // The credential reaches the broker's cache through the metadata log, a moment after the controller took it.
        Map<String, Object> sasl = new LinkedHashMap<>(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                jaas(SCRAM_PASSWORD),
                "ssl.truststore.location",
                trustStore.toString(),
                "ssl.truststore.type",
                "PKCS12",
                "ssl.truststore.password",
                STORE_PASSWORD));
        await("the SCRAM user to be known to the broker")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = Admin.create(sasl)) {
                        admin.listTopics().names().get(10, TimeUnit.SECONDS);
                        return true;
                    }
                });
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void secretsAndNames() throws IOException {
        suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        // As Kubernetes mounts a Secret: one file per key, the value without a trailing newline.
        secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("kafka-password"), SCRAM_PASSWORD);
        Files.writeString(secrets.resolve("store-password"), STORE_PASSWORD);
    }

    @AfterEach
    void stopRunIfStillRunning() throws Exception {
        if (run != null && !runExit.isDone()) {
            run.stop();
            runExit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldProcessReadingsOverSaslSslWithScramWhenThePasswordComesFromASecretFile() throws Exception {
        Path config = writeConfig(
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"${directory:" + secrets + ":kafka-password}\";",
                trustStoreLines());

        try (LogCapture logs = LogCapture.atLevel(Level.DEBUG, BROKER_LOGGERS_AT_INFO)) {
            assertReadingsFlow(cluster.bootstrapServers(), config);

            assertThat(logs.linesContaining("Kafka client properties (secrets hidden)"))
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains("sasl.jaas.config=[hidden]"));
            assertThat(logs.linesContaining("SCRAM-SHA-512")).isNotEmpty();
            assertThat(logs.linesContaining(SCRAM_PASSWORD))
                    .as("log lines with the password")
                    .isEmpty();
            assertThat(logs.linesContaining(STORE_PASSWORD))
                    .as("log lines with the store password")
                    .isEmpty();
        }
    }

    @Test
    void shouldProcessReadingsOverMutualTlsWhenTheClientPresentsACertificate() throws Exception {
        Path config = writeConfig(
                "security.protocol=SSL",
                "ssl.keystore.location=" + clientKeyStore,
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.password=${directory:" + secrets + ":store-password}",
                trustStoreLines());

        try (LogCapture logs = LogCapture.atLevel(Level.DEBUG, BROKER_LOGGERS_AT_INFO)) {
            assertReadingsFlow(bootstrap(MTLS), config);

            assertThat(logs.linesContaining(STORE_PASSWORD))
                    .as("log lines with the store password")
                    .isEmpty();
        }
    }

    @Test
    void shouldFailFastNamingTheAuthenticationFailureWhenThePasswordIsWrong() throws Exception {
        String wrong = "wrong-canary-" + UUID.randomUUID();
        Files.writeString(secrets.resolve("kafka-password"), wrong);
        Path config = writeConfig(
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"${directory:" + secrets + ":kafka-password}\";",
                trustStoreLines());

        try (LogCapture logs = LogCapture.atLevel(Level.DEBUG, BROKER_LOGGERS_AT_INFO)) {
            long started = System.nanoTime();
            CommandRun result = CompletableFuture.supplyAsync(() -> execute(withCluster(
                            "run",
                            cluster.bootstrapServers(),
                            "--identified-outputs",
                            "--config",
                            config.toString(),
                            "--application-id",
                            "secure-it-wrong" + suffix,
                            "--state-dir",
                            dir.resolve("state").toString(),
                            "--http-port",
                            "0",
                            "--http-bind-address",
                            "127.0.0.1",
                            "--health-port",
                            "0")))
                    .get(90, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(result.exit()).as(result.out()).isEqualTo(Main.UNREACHABLE);
            assertThat(result.err())
                    .contains("cannot reach the Kafka cluster at --bootstrap-servers " + cluster.bootstrapServers())
                    .contains("authentication failed")
                    .contains("SCRAM-SHA-512")
                    .doesNotContain(wrong);
            assertThat(took).as("time to fail").isLessThanOrEqualTo(Duration.ofSeconds(15));
            assertThat(logs.linesContaining(wrong))
                    .as("log lines with the password")
                    .isEmpty();
        }
    }

    @Test
    void shouldSayTheListenerSpeaksTlsWhenTheClientIsConfiguredForPlaintext() throws Exception {
        Path out = dir.resolve("export");

        CommandRun result = CommandRun.executeWithin(
                Duration.ofSeconds(60), withCluster("export", cluster.bootstrapServers(), "--out", out.toString()));

        assertThat(result.exit()).as(result.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(result.err())
                .contains("cannot reach the Kafka cluster at --bootstrap-servers " + cluster.bootstrapServers())
                .contains("the listener speaks TLS, but security.protocol=PLAINTEXT")
                .contains("security.protocol=SSL");
        assertThat(result.took()).isLessThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(out).doesNotExist();
    }

    @Test
    void shouldNameTheTlsHandshakeWhenTheListenerWantsAClientCertificateAndGetsNone() throws Exception {
        Path config = writeConfig("security.protocol=SSL", trustStoreLines());

        CommandRun result = CommandRun.executeWithin(
                Duration.ofSeconds(60),
                withCluster(
                        "export",
                        bootstrap(MTLS),
                        "--config",
                        config.toString(),
                        "--out",
                        dir.resolve("x").toString()));

        assertThat(result.exit()).as(result.err()).isEqualTo(Main.UNREACHABLE);
        assertThat(result.err()).contains(bootstrap(MTLS)).contains("TLS handshake failed");
        assertThat(result.took()).isLessThanOrEqualTo(Duration.ofSeconds(15));
    }

    /** run on a background thread, replay into it, then export until the output topic shows the readings. */
    private void assertReadingsFlow(String bootstrap, Path config) throws Exception {
        CommandLine cli = Main.commandLine();
        run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        String[] runArgs = withCluster(
                "run",
                bootstrap,
                "--identified-outputs",
                "--config",
                config.toString(),
                "--application-id",
                "secure-it" + suffix,
                "--state-dir",
                dir.resolve("state").toString(),
                "--http-port",
                "0",
                "--http-bind-address",
                "127.0.0.1",
                "--health-port",
                "0");
        runExit = CompletableFuture.supplyAsync(() -> cli.execute(runArgs));
        await("run to reach RUNNING").atMost(PROCESSING_LIMIT).until(() -> {
            if (runExit.isDone()) {
                throw new AssertionError("run exited early with code " + runExit.get());
            }
            return run.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
        });

        Path readings = Files.write(dir.resolve("readings.ndjson"), READINGS, StandardCharsets.UTF_8);
        Path events = Files.write(dir.resolve("events.ndjson"), EVENTS, StandardCharsets.UTF_8);
        CommandRun replay = execute(withCluster(
                "replay",
                bootstrap,
                "--config",
                config.toString(),
                "--readings",
                readings.toString(),
                "--events",
                events.toString()));
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("Sent 3 readings (0 malformed lines) to lab-readings" + suffix);

        Path out = dir.resolve("export");
        String trajectory = "biomarker-trajectory-points" + suffix;
        await("the trajectory points of all three readings to be exported")
                .atMost(PROCESSING_LIMIT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    CommandRun export = execute(withCluster(
                            "export",
                            bootstrap,
                            "--config",
                            config.toString(),
                            "--out",
                            out.toString(),
                            "--topics",
                            trajectory));
                    assertThat(export.exit()).as(export.err()).isZero();
                    assertThat(readingIds(out.resolve(trajectory + ".ndjson")))
                            .containsExactlyInAnyOrder("SEC-A-CRP-B", "SEC-A-CRP-3", "SEC-A-CRP-7");
                });

        run.stop();
        assertThat(runExit.get(60, TimeUnit.SECONDS)).isZero();
    }

    private Path writeConfig(String... lines) throws IOException {
        List<String> all = new ArrayList<>(List.of(
                "# the passwords are read from the mounted secret directory, never written here",
                "config.providers=directory",
                "config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "commit.interval.ms=200"));
        for (String line : lines) {
            all.addAll(List.of(line.split("\n")));
        }
        return Files.write(dir.resolve("client-" + UUID.randomUUID() + ".properties"), all, StandardCharsets.UTF_8);
    }

    private String trustStoreLines() {
        return String.join(
                "\n",
                "ssl.truststore.location=" + trustStore,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=${directory:" + secrets + ":store-password}");
    }

    private String[] withCluster(String command, String bootstrap, String... rest) {
        List<String> args = new ArrayList<>(List.of(
                command,
                "--bootstrap-servers",
                bootstrap,
                "--schema-registry-url",
                "mock://secure-it" + suffix,
                "--readings-topic",
                "lab-readings" + suffix,
                "--events-topic",
                "clinical-events" + suffix,
                "--trajectory-topic",
                "biomarker-trajectory-points" + suffix,
                "--summaries-topic",
                "biomarker-summaries" + suffix,
                "--time-to-normalization-topic",
                "time-to-normalization" + suffix,
                "--dead-letter-topic",
                "lab-readings-dlq" + suffix,
                "--cohort-visits-topic",
                "cohort-visit-summaries" + suffix,
                "--cohort-curves-topic",
                "cohort-normalization-curves" + suffix,
                "--alerts-topic",
                "biomarker-alerts" + suffix));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    private static String bootstrap(String listener) {
        int port = cluster.brokers().values().iterator().next().boundPort(ListenerName.normalised(listener));
        return "localhost:" + port;
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\""
                + password + "\";";
    }

    private static CommandRun execute(String... args) {
        return CommandRun.execute(args);
    }

    /**
     * The reading ids of the exported points, each once: a point is re-emitted when what it derives from changes
     * (anchor, baseline, arm), and how often depends on whether the events or the readings reached the processor
     * first — the topic keeps every emission until it is compacted.
     */
    private static Set<Object> readingIds(Path file) throws IOException {
        Set<Object> ids = new java.util.LinkedHashSet<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                ids.add(AvroJson.parse(line).get("readingId"));
            }
        }
        return ids;
    }

    private static final List<String> EVENTS = List.of(
            "{\"eventId\":\"SEC-A-R\",\"patientId\":\"SEC-A\",\"type\":\"RANDOMIZED\","
                    + "\"at\":\"2020-02-02T09:00:00Z\",\"arm\":\"MSC\"}",
            "{\"eventId\":\"SEC-A-I\",\"patientId\":\"SEC-A\",\"type\":\"INFUSION\","
                    + "\"at\":\"2020-02-03T10:00:00Z\",\"dose\":\"2x10^6 cells/kg\",\"product\":\"UC-MSC\"}");

    private static final List<String> READINGS = List.of(
            reading("SEC-A-CRP-B", "85", "2020-02-02T08:00:00Z"),
            reading("SEC-A-CRP-3", "40", "2020-02-06T08:00:00Z"),
            reading("SEC-A-CRP-7", "4", "2020-02-10T08:00:00Z"));

    private static String reading(String readingId, String value, String observedAt) {
        return "{\"readingId\":\"" + readingId + "\",\"patientId\":\"SEC-A\",\"loinc\":\"1988-5\",\"value\":\""
                + value + "\",\"unit\":\"mg/L\",\"observedAt\":\"" + observedAt + "\",\"status\":\"FINAL\","
                + "\"revision\":0}";
    }
}
