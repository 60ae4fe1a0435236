package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.biomarkerstreams.domain.PatientIdRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --patient-id-rule} and {@code --hl7-default-charset} as the commands read them. */
class IngestOptionsTest {

    @TempDir
    Path dir;

    @Test
    void shouldFailWithAUsageErrorNamingTheOptionAndTheSyntaxWhenTheRuleIsWrong() throws Exception {
        Path readings = Files.writeString(dir.resolve("r.ndjson"), "");

        CommandRun replay =
                CommandRun.execute("replay", "--readings", readings.toString(), "--patient-id-rule", "first");

        assertThat(replay.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(replay.err()).contains("--patient-id-rule").contains(PatientIdRule.SYNTAX);
        assertThat(replay.out()).doesNotContain("Processed");
    }

    @Test
    void shouldFailWithAUsageErrorWhenTheDefaultCharsetCannotCarryHl7() throws Exception {
        Path hl7 = Files.writeString(dir.resolve("m.hl7"), "");

        CommandRun replay = CommandRun.execute("replay", "--hl7", hl7.toString(), "--hl7-default-charset", "UTF-16");
        CommandRun ingest = CommandRun.execute(
                "ingest-hl7",
                "--port",
                "0",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--schema-registry-url",
                "mock://ingest-options",
                "--hl7-default-charset",
                "KLINGON-8");

        assertThat(replay.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(replay.err()).contains("--hl7-default-charset").contains("does not write ASCII as ASCII");
        assertThat(ingest.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(ingest.err()).contains("--hl7-default-charset").contains("'KLINGON-8' is not a character set");
    }

    @Test
    void shouldReadTheRuleAndCharsetFromTheEnvironmentAndDefaultToBareAndLatin1() {
        ReplayCommand replay = new ReplayCommand();
        CommandLine cli = new CommandLine(replay);
        cli.parseArgs("--readings", "r.ndjson");
        assertThat(replay.ingest.patientIdRule()).isEqualTo(PatientIdRule.BARE);
        assertThat(replay.ingest.hl7DefaultCharset()).isEqualTo(Charset.forName("ISO-8859-1"));

        cli.setDefaultValueProvider(new EnvironmentDefaults(
                Map.of("BIOMARKER_PATIENT_ID_RULE", "type:MR@HOSP", "BIOMARKER_HL7_DEFAULT_CHARSET", "windows-1252")));
        cli.parseArgs("--readings", "r.ndjson");

        assertThat(replay.ingest.patientIdRule()).isEqualTo(PatientIdRule.select("MR", "HOSP"));
        assertThat(replay.ingest.hl7DefaultCharset()).isEqualTo(Charset.forName("windows-1252"));
    }
}
