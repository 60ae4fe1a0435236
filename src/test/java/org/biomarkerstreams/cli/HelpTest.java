package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --help} and usage errors, as a user sees them: the CLI run in-process, its output and exit code checked. */
class HelpTest {

    @Test
    void shouldListEveryCommandWithAWholeFirstSentence() {
        CommandRun help = CommandRun.execute("--help");

        Map<String, String> summaries = commandList(help.out());
        assertThat(summaries).containsKeys("demo", "replay", "run", "export", "ingest-hl7", "api-token", "acls");
        summaries.forEach((command, summary) -> assertThat(summary).as(command).endsWith("."));
        // Each was cut at the end of its first source line before: "an in-memory", "one JSON object".
        assertThat(summaries.get("demo"))
                .isEqualTo("Runs everything in this process, with no external services: an embedded Kafka broker, an"
                        + " in-memory schema registry, and the topology.");
        assertThat(summaries.get("api-token")).isEqualTo("Makes an API token for a site without an OIDC provider.");
    }

    @Test
    void shouldWrapADescriptionAsParagraphsWhenItIsWrittenOverSeveralSourceLines() {
        CommandRun help = CommandRun.execute("--help");

        // Source lines "...judged by: per-patient biomarker" / "trajectories around ..." read as one paragraph.
        assertThat(help.out()).contains("per-patient biomarker trajectories around the infusion day");
    }

    @Test
    void shouldListOnlyTheOptionsACommandUses() {
        String export = CommandRun.execute("export", "--help").out();
        String acls = CommandRun.execute("acls", "--help").out();
        String ingest = CommandRun.execute("ingest-hl7", "--help").out();
        String replay = CommandRun.execute("replay", "--help").out();
        String run = CommandRun.execute("run", "--help").out();

        assertThat(export)
                .contains("--out", "--topics", "--summaries-topic", "--dead-letter-topic")
                .doesNotContain("--confirmations", "--protocol", "--pseudonym-key-file", "--readings-topic");
        assertThat(acls).contains("--readings-topic", "--alerts-topic").doesNotContain("--follow-up-days");
        assertThat(ingest)
                .contains("--protocol", "--time-zone", "--dead-letter-key-file", "--readings-topic")
                .doesNotContain("--confirmations", "--use-lab-ranges", "--trajectory-topic");
        // An embedded replay runs the whole topology, so its rules are replay's options too.
        assertThat(replay).contains("--confirmations", "--use-lab-ranges").doesNotContain("--orphan-after");
        assertThat(run).contains("--confirmations", "--orphan-after", "--trajectory-topic");
    }

    @Test
    void shouldStillAcceptAnOptionItsHelpDoesNotListWhenGiven(@TempDir Path dir) {
        // One environment or script for every command: --confirmations means nothing to export, but is no error.
        CommandRun export = CommandRun.execute(
                "export", "--confirmations", "2", "--out", dir.resolve("out").toString());

        assertThat(export.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(export.err()).doesNotContain("Unknown option").contains("--bootstrap-servers");
    }

    @Test
    void shouldPrintTheErrorAndAOneLineHintWhenAnOptionValueIsBad() {
        CommandRun replay = CommandRun.execute("replay", "--timeout", "half-an-hour");

        assertThat(replay.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(replay.out()).isEmpty();
        assertThat(replay.err().lines())
                .containsExactly(
                        "error: Invalid value for option '--timeout': 'half-an-hour' is not an ISO-8601 duration"
                                + " (e.g. PT30M for 30 minutes, PT2H, P1D)",
                        "Try 'biomarker-streams replay --help' for more information.");
    }

    @Test
    void shouldSuggestTheOptionAndNotPrintTheUsageWhenAnOptionIsUnknown(@TempDir Path dir) {
        CommandRun export = CommandRun.execute("export", "--out", dir.toString(), "--topic", "x");

        assertThat(export.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(export.err())
                .startsWith("error: Unknown option")
                .contains("--topics")
                .endsWith("Try 'biomarker-streams export --help' for more information." + System.lineSeparator())
                .doesNotContain("Usage:");
    }

    @Test
    void shouldRefuseACsvWithoutTheRequiredColumnsBeforeStartingAnything(@TempDir Path dir) throws Exception {
        Path readings = Files.writeString(
                dir.resolve("readings.csv"),
                "patient;analyte;value;unit;date\nP1;CRP;12;mg/L;2020-02-14T08:15:00+08:00\n");

        CommandRun replay = CommandRun.execute(
                "replay",
                "--readings",
                readings.toString(),
                "--out",
                dir.resolve("out").toString());

        assertThat(replay.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(replay.err())
                .contains("error: readings.csv line 1: the header lacks the required columns readingId, patientId,"
                        + " observedAt (read as ';'-separated)")
                .contains("Not known: patient, date");
        assertThat(replay.took()).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(dir.resolve("out")).doesNotExist();
    }

    /** Command name to its summary, continuation lines joined, from the "Commands:" section of a help text. */
    private static Map<String, String> commandList(String help) {
        Map<String, String> summaries = new LinkedHashMap<>();
        String current = null;
        boolean inList = false;
        for (String line : help.lines().toList()) {
            if (line.equals("Commands:")) {
                inList = true;
            } else if (inList && line.isBlank()) {
                break;
            } else if (inList && line.matches("  \\S.*")) {
                String[] parts = line.strip().split("\\s+", 2);
                current = parts[0];
                summaries.put(current, parts.length > 1 ? parts[1] : "");
            } else if (inList && current != null) {
                summaries.merge(current, line.strip(), (a, b) -> a + " " + b);
            }
        }
        return summaries;
    }
}
