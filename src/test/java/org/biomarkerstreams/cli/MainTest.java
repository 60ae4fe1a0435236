package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldListEveryCommandWithAStartHereLineInHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString())
                .contains("demo", "replay", "run", "export", "broker")
                .contains("Start here:")
                .contains("BIOMARKER_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldExplainEveryReplayOptionInItsHelp() {
        assertThat(run("replay", "--help")).isZero();
        assertThat(out.toString()).contains("--readings", "--events", "--out", "--bootstrap-servers", "dead-letter");
    }

    @Test
    void shouldNameTheMissingInputWhenReplayHasNoFiles() {
        assertThat(run("replay")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--readings FILE and/or --events FILE");
    }

    @Test
    void shouldRefuseOutWithUsageErrorWhenReplayWritesToACluster(@TempDir Path dir) throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");

        assertThat(run(
                        "replay",
                        "--readings",
                        readings.toString(),
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--out",
                        dir.resolve("out").toString()))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("--out writes the outputs of an embedded replay")
                .contains("export");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void shouldRequireBootstrapServersForRun() {
        assertThat(run("run", "--schema-registry-url", "mock://x")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--bootstrap-servers is required");
    }

    @Test
    void shouldRefuseToRunWithUsageErrorWhenNeitherAPseudonymKeyNorIdentifiedOutputsIsGiven() {
        assertThat(run("run", "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "mock://x"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("pseudonymous by default")
                .contains("--pseudonym-key-file FILE")
                .contains("--identified-outputs");
    }

    @Test
    void shouldRefuseToRunWhenBothAPseudonymKeyAndIdentifiedOutputsAreGiven() {
        assertThat(run(
                        "run",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--identified-outputs",
                        "--pseudonym-key-file",
                        "/nonexistent"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("contradict");
    }

    @Test
    void shouldRefuseToServePatientDataOffLoopbackWithoutAuthenticationOrTls() {
        assertThat(run(
                        "run",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--identified-outputs"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("would serve patient data to anyone on 0.0.0.0")
                .contains("--oidc-issuer")
                .contains("--api-tokens-file");
    }

    @Test
    void shouldRefusePlaintextOffLoopbackWithoutHttpInsecure(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path tokens = dir.resolve("tokens");
        java.nio.file.Files.writeString(
                tokens,
                org.biomarkerstreams.api.auth.ApiTokens.fileLine(
                        "ward",
                        org.biomarkerstreams.api.auth.ApiTokens.generate(new java.security.SecureRandom()),
                        java.util.Set.of(org.biomarkerstreams.api.auth.Role.CLINICIAN)));
        assertThat(run(
                        "run",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--identified-outputs",
                        "--api-tokens-file",
                        tokens.toString()))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString())
                .contains("unencrypted")
                .contains("--http-tls-cert")
                .contains("--http-insecure");
    }

    @Test
    void shouldRejectInvalidTimeZoneNamingTheOption() {
        assertThat(run(
                        "run",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--identified-outputs",
                        "--time-zone",
                        "Mars/Olympus"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--time-zone Mars/Olympus");
    }

    @Test
    void shouldListTheExitCodesInTheHelpOfEveryClusterCommand() {
        for (String command : new String[] {"run", "ingest-hl7", "replay", "export"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString())
                    .as(command)
                    .contains("Exit codes:")
                    .contains("3   the Kafka cluster or the schema registry cannot be reached")
                    .contains("--no-create-topics", "--topic-partitions", "--topic-replication-factor");
        }
    }

    @Test
    void shouldNameTheOptionWhenABootstrapAddressHasNoPort() {
        assertThat(run(
                        "export",
                        "--bootstrap-servers",
                        "kafka-0.kafka",
                        "--schema-registry-url",
                        "mock://x",
                        "--out",
                        "never-written"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--bootstrap-servers: 'kafka-0.kafka' is not HOST:PORT");
    }

    @Test
    void shouldRefuseMoreInsyncReplicasThanReplicasBeforeTryingTheCluster() {
        assertThat(run(
                        "ingest-hl7",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--topic-replication-factor",
                        "2",
                        "--topic-min-insync-replicas",
                        "3"))
                .isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--topic-min-insync-replicas 3 exceeds --topic-replication-factor 2");
    }

    @Test
    void shouldExitThreeNamingTheAddressWhenAclsCannotReachTheClusterToApplyThem() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        assertThat(run("acls", "--principal", "User:app", "--apply", "--bootstrap-servers", "127.0.0.1:" + closed))
                .isEqualTo(Main.UNREACHABLE);
        assertThat(err.toString())
                .contains("cannot reach the Kafka cluster at --bootstrap-servers 127.0.0.1:" + closed)
                .contains("connection refused");
    }

    @Test
    void shouldReadOptionDefaultsFromBiomarkerEnvironmentVariables() {
        ReplayCommand replay = new ReplayCommand();
        CommandLine cli = new CommandLine(replay);
        cli.setDefaultValueProvider(new EnvironmentDefaults(
                Map.of("BIOMARKER_FOLLOW_UP_DAYS", "14", "BIOMARKER_BOOTSTRAP_SERVERS", "broker:9092")));
        cli.parseArgs("--readings", "r.ndjson");
        assertThat(replay.pipeline.followUpDays).isEqualTo(14);
        assertThat(replay.kafka.bootstrapServers).isEqualTo("broker:9092");

        cli.parseArgs("--readings", "r.ndjson", "--follow-up-days", "21");
        assertThat(replay.pipeline.followUpDays).isEqualTo(21);
    }

    @Test
    void shouldMapLongOptionNamesToEnvironmentVariables() {
        assertThat(EnvironmentDefaults.variableFor("--schema-registry-url")).isEqualTo("BIOMARKER_SCHEMA_REGISTRY_URL");
    }
}
