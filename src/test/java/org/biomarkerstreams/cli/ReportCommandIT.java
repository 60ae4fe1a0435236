package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.kafka.streams.KafkaStreams;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code report} as an analyst runs it: on the files of an embedded {@code replay --out} (NDJSON, then CSV with
 * {@code --latest}), then on the topics of a real cluster (KRaft broker, Apicurio registry) that {@code run} filled
 * from the same input. All must print the same table, since all only render the pipeline's cohort outputs.
 */
class ReportCommandIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Duration PROCESSING_LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final Topics topics =
            Topics.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
    private RunCommand run;
    private CompletableFuture<Integer> runExit;

    @AfterEach
    void stopRun() throws Exception {
        if (run != null && !runExit.isDone()) {
            run.stop();
            runExit.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldPrintTheSameTableFromReplayFilesAndFromTheClustersTopics() throws Exception {
        Path input = dir.resolve("input");
        CommandRun generated =
                CommandRun.execute("generate", "--patients", "10", "--seed", "23", "--out", input.toString());
        assertThat(generated.exit()).as(generated.err()).isZero();
        String readings = input.resolve("readings.ndjson").toString();
        String events = input.resolve("events.ndjson").toString();

        Path files = dir.resolve("replay-out");
        CommandRun replay =
                CommandRun.execute("replay", "--readings", readings, "--events", events, "--out", files.toString());
        assertThat(replay.exit()).as(replay.err()).isZero();

        Path csv = dir.resolve("table/report.csv");
        Path html = dir.resolve("table/report.html");
        CommandRun fromFiles = CommandRun.execute(
                "report", "--from", files.toString(), "--csv", csv.toString(), "--html", html.toString());
        assertThat(fromFiles.exit()).as(fromFiles.err()).isZero();
        String table = fromFiles.out().substring(0, fromFiles.out().indexOf("CSV: "));
        assertThat(table)
                .contains("CONTROL (N=", "MSC (N=", "CRP (mg/L)", "LYMPH (10*9/L)")
                .contains("  BASELINE", "  D7", "  Time to normalization", "  log-rank")
                .contains("Hyndman-Fan type 7")
                .containsPattern("\\d+\\.\\d+ \\[\\d+\\.\\d+-\\d+\\.\\d+\\] \\(\\d+/\\d+\\)");
        assertThat(Files.readString(csv, StandardCharsets.UTF_8)).startsWith("analyte,unit,row,CONTROL (N=");
        // Well-formed: the JDK's XML parser reads it.
        assertThat(DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(html.toFile())
                        .getElementsByTagName("table")
                        .getLength())
                .isEqualTo(1);

        // The same cohort written as CSV (latest records only): the same table.
        Path csvFiles = dir.resolve("replay-csv");
        CommandRun replayCsv = CommandRun.execute(
                "replay",
                "--readings",
                readings,
                "--events",
                events,
                "--out",
                csvFiles.toString(),
                "--format",
                "csv",
                "--latest");
        assertThat(replayCsv.exit()).as(replayCsv.err()).isZero();
        assertThat(csvFiles.resolve("cohort-visit-summaries.ndjson")).doesNotExist();
        CommandRun fromCsv = CommandRun.execute("report", "--from", csvFiles.toString());
        assertThat(fromCsv.exit()).as(fromCsv.err()).isZero();
        assertThat(fromCsv.out()).isEqualTo(table);

        CommandRun sent = CommandRun.execute(withCluster("replay", "--readings", readings, "--events", events));
        assertThat(sent.exit()).as(sent.err()).isZero();
        startRun();
        await("the cluster's cohort topics to give the table the replay files gave")
                .atMost(PROCESSING_LIMIT)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    CommandRun fromCluster = CommandRun.execute(withCluster("report"));
                    assertThat(fromCluster.exit()).as(fromCluster.err()).isZero();
                    assertThat(fromCluster.out()).isEqualTo(table);
                });
    }

    @Test
    void shouldNameTheMissingFileWhenTheDirectoryHasNoCohortOutputs() throws Exception {
        Files.createDirectories(dir.resolve("empty"));

        CommandRun report =
                CommandRun.execute("report", "--from", dir.resolve("empty").toString());

        assertThat(report.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(report.err())
                .contains("has no cohort-visit-summaries.ndjson and cohort-normalization-curves.ndjson, nor"
                        + " cohort-visit-summaries.csv and cohort-normalization-curves.csv")
                .doesNotContain("\tat ");
    }

    private void startRun() {
        CommandLine cli = Main.commandLine();
        run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        String[] args = withCluster(
                "run",
                "--identified-outputs",
                "--http-port",
                "0",
                "--http-bind-address",
                "127.0.0.1",
                "--health-port",
                "0",
                "--audit-topic",
                "patient-access-audit-" + topics.readings(),
                "--application-id",
                "report-it-" + topics.readings(),
                "--state-dir",
                dir.resolve("state").toString());
        runExit = CompletableFuture.supplyAsync(() -> cli.execute(args));
        await("run to reach RUNNING").atMost(PROCESSING_LIMIT).until(() -> {
            if (runExit.isDone()) {
                throw new AssertionError("run exited early with code " + runExit.get());
            }
            return run.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
        });
    }

    /** The command with the cluster, the registry and this test's topic names. */
    private String[] withCluster(String command, String... rest) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(PipelineArguments.cluster(KAFKA.bootstrapServers(), REGISTRY.confluentUrl()));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }
}
