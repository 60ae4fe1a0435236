package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnOutputThatIsADirectoryBeforeReadingAnything() throws Exception {
        Path taken = Files.createDirectories(dir.resolve("table.html"));

        // --from names a directory that does not exist: the output is checked first.
        CommandRun report =
                CommandRun.execute("report", "--from", dir.resolve("nowhere").toString(), "--html", taken.toString());

        assertThat(report.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(report.err())
                .contains("--html " + taken + ": is a directory")
                .doesNotContain("nowhere");
    }

    @Test
    void shouldSayWhichDirectoryWhenFromIsNotOne() {
        CommandRun report =
                CommandRun.execute("report", "--from", dir.resolve("nowhere").toString());

        assertThat(report.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(report.err()).contains(dir.resolve("nowhere") + " is not a directory");
    }

    @Test
    void shouldAskForTheClusterWhenNeitherFromNorBootstrapServersIsGiven() {
        CommandRun report = CommandRun.execute("report");

        assertThat(report.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(report.err()).contains("--bootstrap-servers is required");
    }
}
