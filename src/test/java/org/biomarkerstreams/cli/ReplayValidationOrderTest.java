package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay} reads its site profile, protocol and pipeline options before it starts the embedded broker: a
 * mistake in them is the first (and only) thing it says, and no broker is left running. A broker started first would
 * leave its threads behind, since the failure came before the pipeline that closes it existed.
 */
class ReplayValidationOrderTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static Set<String> kafkaThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    return lower.contains("kafka") || lower.contains("broker") || lower.contains("raft");
                })
                .collect(Collectors.toSet());
    }

    @Test
    void shouldRefuseABadSiteProfileBeforeTheBrokerStarts() throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");
        Path site = Files.writeString(dir.resolve("site.yaml"), "analytes:\n  - paramcd: CRP\n    nmae: CRP\n");
        Set<String> before = kafkaThreads();

        assertThat(run(
                        "replay",
                        "--readings",
                        readings.toString(),
                        "--out",
                        dir.resolve("out").toString(),
                        "--site-profile",
                        site.toString()))
                .isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).startsWith("error: --site-profile " + site + ": site.yaml: analytes[0].nmae:");
        assertThat(kafkaThreads()).as("threads of a broker").isSubsetOf(before);
    }

    @Test
    void shouldRefuseABadPipelineOptionBeforeTheBrokerStarts() throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");
        Set<String> before = kafkaThreads();

        assertThat(run(
                        "replay",
                        "--readings",
                        readings.toString(),
                        "--out",
                        dir.resolve("out").toString(),
                        "--state-retention-days",
                        "-1"))
                .isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).startsWith("error: --state-retention-days must be >= 0, got -1");
        assertThat(kafkaThreads()).as("threads of a broker").isSubsetOf(before);
    }
}
