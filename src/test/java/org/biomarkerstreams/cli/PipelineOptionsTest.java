package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.streams.TopologyConfig;
import org.junit.jupiter.api.Test;
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
}
