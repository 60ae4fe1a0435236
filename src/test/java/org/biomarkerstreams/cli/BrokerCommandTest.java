package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BrokerCommandTest {

    @Test
    void shouldRefuseARegistryPortWithoutTheRegistry() {
        CommandRun broker = CommandRun.execute("broker", "--port", "0", "--registry-port", "8085");

        assertThat(broker.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(broker.err()).contains("--registry-port needs --with-registry");
    }

    @Test
    void shouldRefuseARegistryPortOutOfRange() {
        CommandRun broker = CommandRun.execute("broker", "--with-registry", "--registry-port", "70000");

        assertThat(broker.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(broker.err()).contains("--registry-port must be 0 (any free port) or 1-65535, got 70000");
    }

    @Test
    void shouldDescribeTheRegistryInItsHelp() {
        CommandRun help = CommandRun.execute("broker", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--with-registry", "--registry-port", "8085", "no authentication");
    }
}
