package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.streams.TopologyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --protocol and the options that override it: command line, then environment, then file, then default. */
class PipelineOptionsTest {

    private static ReplayCommand parse(Map<String, String> env, String... args) {
        ReplayCommand replay = new ReplayCommand();
        CommandLine cli = new CommandLine(replay);
        cli.setDefaultValueProvider(new EnvironmentDefaults(env));
        cli.parseArgs(args);
        replay.pipeline.env = env;
        return replay;
    }

    @Test
    void shouldRunWithTheBuiltInRulesWhenNoProtocolIsGiven() {
        TopologyConfig config =
                parse(Map.of(), "--readings", "r.ndjson").pipeline.topologyConfig(Clock.systemUTC());

        assertThat(config.protocol()).isEqualTo(Protocol.defaults());
    }

    @Test
    void shouldTakeTheProtocolsRulesWhenProtocolIsGiven() {
        Protocol protocol = parse(Map.of(), "--readings", "r.ndjson", "--protocol", "seed-002")
                .pipeline
                .protocol();

        assertThat(protocol.name()).isEqualTo("seed-002");
        assertThat(protocol.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(protocol.visits().get(0).targetDay()).isEqualTo(6);
    }

    @Test
    void shouldReadTheProtocolFromTheEnvironmentWhenNotOnTheCommandLine() {
        Protocol protocol = parse(Map.of("BIOMARKER_PROTOCOL", "seed-003"), "--readings", "r.ndjson")
                .pipeline
                .protocol();

        assertThat(protocol.blinding().blinded()).isTrue();
    }

    @Test
    void shouldLetExplicitOptionsOverrideTheProtocolFile() {
        Protocol protocol = parse(
                        Map.of("BIOMARKER_FOLLOW_UP_DAYS", "14"),
                        "--readings",
                        "r.ndjson",
                        "--protocol",
                        "seed-002",
                        "--time-zone",
                        "UTC",
                        "--confirmations",
                        "2")
                .pipeline
                .protocol();

        assertThat(protocol.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(protocol.confirmation()).isEqualTo(Confirmation.consecutive(2));
        assertThat(protocol.followUp()).isEqualTo(Duration.ofDays(14));
        assertThat(protocol.visits().get(0).targetDay()).isEqualTo(6);
    }

    @Test
    void shouldNameTheOptionWhenTheProtocolCannotBeLoaded() {
        ReplayCommand replay = parse(Map.of(), "--readings", "r.ndjson", "--protocol", "no-such-protocol");

        assertThatThrownBy(() -> replay.pipeline.protocol()).hasMessageStartingWith("--protocol no-such-protocol: ");
    }

    @TempDir
    Path dir;

    private static final String SITE =
            """
            analytes:
              - paramcd: CRP
                name: C-reactive protein
                unit: mg/L
                referenceInterval: "<10"
                plausible: {min: 0.01, max: 1000, lowerLimit: detection-limit}
              - paramcd: FERRITIN
                name: Ferritin
                unit: ng/mL
                referenceInterval: "<300"
                plausible: {min: 1, max: 100000}
            """;

    @Test
    void shouldUseTheBundledSiteProfileWhenNoneIsGiven() {
        TopologyConfig config =
                parse(Map.of(), "--readings", "r.ndjson").pipeline.topologyConfig(Clock.systemUTC());

        assertThat(config.profile()).isEqualTo(SiteProfile.defaults());
    }

    @Test
    void shouldApplyTheProtocolsIntervalsToTheSiteProfileNamedByTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("site.yaml"), SITE, StandardCharsets.UTF_8);
        // The default protocol sets no intervals: the site's own FERRITIN interval stands, and IL6 is not defined.
        TopologyConfig config = parse(Map.of("BIOMARKER_SITE_PROFILE", file.toString()), "--readings", "r.ndjson")
                .pipeline
                .topologyConfig(Clock.systemUTC());

        assertThat(config.profile().analyte("FERRITIN").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.below(300));
        assertThat(config.profile().analyte("IL6")).isEmpty();
    }

    @Test
    void shouldNameTheOptionAndTheLineWhenTheSiteProfileHasAMistake() throws Exception {
        Path file = Files.writeString(
                dir.resolve("site.yaml"), SITE.replace("unit: ng/mL", "unit: furlongs"), StandardCharsets.UTF_8);
        ReplayCommand replay = parse(Map.of(), "--readings", "r.ndjson", "--site-profile", file.toString());

        assertThatThrownBy(() -> replay.pipeline.topologyConfig(Clock.systemUTC()))
                .hasMessageStartingWith("--site-profile " + file + ": site.yaml: analytes[1].unit: 'furlongs' is not")
                .hasMessageEndingWith("(line 9, column 5)");
    }

    @Test
    void shouldNameTheProtocolsLineWhenItSetsAnIntervalOfAnAnalyteTheSiteLacks() throws Exception {
        Path file = Files.writeString(dir.resolve("site.yaml"), SITE, StandardCharsets.UTF_8);
        ReplayCommand replay =
                parse(Map.of(), "--readings", "r.ndjson", "--site-profile", file.toString(), "--protocol", "seed-001");

        assertThatThrownBy(() -> replay.pipeline.protocol())
                .hasMessageStartingWith("--protocol seed-001: seed-001.yaml: referenceIntervals.")
                .hasMessageContaining("unknown analyte (known: CRP, FERRITIN)");
    }

    private static final String KEY = "0123456789abcdef0123456789abcdef-secret";

    @Test
    void shouldPseudonymizeWithTheKeyInTheFileNamedByTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("key"), KEY);

        TopologyConfig config = parse(Map.of("BIOMARKER_PSEUDONYM_KEY_FILE", file.toString()), "--readings", "r.ndjson")
                .pipeline
                .topologyConfig(Clock.systemUTC());

        assertThat(config.pseudonym().of("P-1"))
                .isEqualTo(Pseudonym.withKey(KEY.getBytes(StandardCharsets.US_ASCII))
                        .of("P-1"));
    }

    @Test
    void shouldIgnoreOneTrailingLineBreakOfTheKeyFile() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), KEY);
        Path echoed = Files.writeString(dir.resolve("echoed"), KEY + "\n");
        Path windows = Files.writeString(dir.resolve("windows"), KEY + "\r\n");

        String expected = pseudonymWith(plain).of("P-1");

        assertThat(pseudonymWith(echoed).of("P-1")).isEqualTo(expected);
        assertThat(pseudonymWith(windows).of("P-1")).isEqualTo(expected);
    }

    @Test
    void shouldKeepPatientIdsWhenNoKeyFileIsGiven() {
        assertThat(parse(Map.of(), "--readings", "r.ndjson")
                        .pipeline
                        .pseudonym()
                        .enabled())
                .isFalse();
    }

    @Test
    void shouldNameTheOptionWhenTheKeyFileCannotBeRead() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> pseudonymWith(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--pseudonym-key-file " + missing + ": cannot read");
    }

    @Test
    void shouldNameTheOptionAndNotShowTheKeyWhenTheKeyIsTooShort() throws Exception {
        Path file = Files.writeString(dir.resolve("short"), "too-short-secret\n");

        assertThatThrownBy(() -> pseudonymWith(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--pseudonym-key-file " + file + ":")
                .hasMessageContaining("at least 32 bytes, got 16")
                .hasMessageNotContaining("too-short-secret");
    }

    @Test
    void shouldSealDeadLettersWithTheKeysOfTheFileNamedByTheEnvironment() throws Exception {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Path file =
                Files.writeString(dir.resolve("dlq.key"), "# rotated\nnew:" + key + "\nold:" + key.replace('A', 'B'));

        TopologyConfig config = parse(Map.of("BIOMARKER_DEAD_LETTER_KEY_FILE", file.toString()), "--readings", "r")
                .pipeline
                .topologyConfig(Clock.systemUTC());

        assertThat(config.deadLetterKeys().keyIds()).containsExactly("new", "old");
        assertThat(config.deadLetterKeys().sealingKeyId()).isEqualTo("new");
    }

    @Test
    void shouldNameTheOptionAndTheLineButNotTheKeyWhenADeadLetterKeyIsBad() throws Exception {
        String shortKey = java.util.Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
        Path file = Files.writeString(dir.resolve("bad.key"), shortKey + "\n");

        assertThatThrownBy(() -> parse(Map.of(), "--readings", "r", "--dead-letter-key-file", file.toString())
                        .pipeline
                        .deadLetterKeys())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--dead-letter-key-file " + file + ": line 1")
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void shouldDateShiftWithTheKeyFileAndBoundGiven() throws Exception {
        Path file = Files.writeString(dir.resolve("shift.key"), KEY + "\n");

        ReplayCommand replay = parse(
                Map.of(), "--readings", "r", "--date-shift-key-file", file.toString(), "--date-shift-max-days", "30");

        assertThat(replay.research.dateShift().maxDays()).isEqualTo(30);
        assertThat(replay.research.dateShift().days("P-1"))
                .isEqualTo(org.biomarkerstreams.domain.DateShift.withKey(KEY.getBytes(StandardCharsets.US_ASCII), 30)
                        .days("P-1"));
        assertThat(parse(Map.of(), "--readings", "r").research.dateShift().enabled())
                .isFalse();
        assertThatThrownBy(() -> parse(
                                Map.of(),
                                "--readings",
                                "r",
                                "--date-shift-key-file",
                                file.toString(),
                                "--date-shift-max-days",
                                "0")
                        .research
                        .dateShift())
                .hasMessageStartingWith("--date-shift-key-file " + file);
    }

    private static Pseudonym pseudonymWith(Path file) {
        return parse(Map.of(), "--readings", "r.ndjson", "--pseudonym-key-file", file.toString())
                .pipeline
                .pseudonym();
    }
}
