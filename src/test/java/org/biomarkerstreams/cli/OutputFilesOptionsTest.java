package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The output options of {@code replay} and {@code export} fail before any work: no broker is started and no cluster
 * contacted (127.0.0.1:1 answers nothing), so these tests end in well under a second when the checks hold.
 */
class OutputFilesOptionsTest {

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

    @Test
    void shouldExitWithUsageErrorNamingTheDirectoryWhenReplayOutCannotBeWritten() throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");
        Path aFile = Files.writeString(dir.resolve("not-a-dir"), "");
        Path out = aFile.resolve("out");

        assertThat(run("replay", "--readings", readings.toString(), "--out", out.toString()))
                .isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).startsWith("error: --out " + out + ": cannot be created");
        assertThat(err.toString().lines().filter(l -> l.contains("\tat ")).count())
                .as("no stack trace")
                .isZero();
    }

    @Test
    void shouldExitWithUsageErrorWhenExportOutIsAFile() throws Exception {
        Path aFile = Files.writeString(dir.resolve("not-a-dir"), "");

        assertThat(run(
                        "export",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--schema-registry-url",
                        "mock://x",
                        "--out",
                        aFile.toString()))
                .isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).startsWith("error: --out " + aFile + ": is a file, not a directory");
    }

    @Test
    void shouldNameTheFormatsWhenFormatIsUnknown() throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");

        assertThat(run("replay", "--readings", readings.toString(), "--out", dir.toString(), "--format", "xlsx"))
                .isEqualTo(CommandLine.ExitCode.USAGE);

        assertThat(err.toString()).contains("--format xlsx: expected one of [ndjson, csv, dataset-json]");
    }

    @Test
    void shouldAcceptACohortTopicInExportTopicsWhenChecked() {
        // 'export --topics cohort-visit-summaries' answered "is not an output topic" before issue 18.
        assertThat(org.biomarkerstreams.app.OutputFiles.selected(
                        org.biomarkerstreams.streams.Topics.defaults(),
                        java.util.List.of("cohort-visit-summaries", "biomarker-alerts")))
                .containsExactly("cohort-visit-summaries", "biomarker-alerts");
    }
}
