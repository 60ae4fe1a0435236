package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --instance-id} and {@code --group-membership-on-close}: what they accept, and from where. */
class RunMembershipOptionsTest {

    @TempDir
    Path dir;

    /** Everything else {@code run} needs to get as far as these options, without reaching a cluster. */
    private static CommandRun run(String... options) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--bootstrap-servers",
                "127.0.0.1:1",
                "--schema-registry-url",
                "mock://membership",
                "--identified-outputs",
                "--http-bind-address",
                "127.0.0.1"));
        args.addAll(List.of(options));
        return CommandRun.execute(args.toArray(String[]::new));
    }

    @Test
    void shouldRefuseAnInstanceIdKafkaWouldRefuseNamingTheOption() {
        CommandRun r = run("--instance-id", "pod 0");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--instance-id 'pod 0'").contains("letters, digits");
    }

    @Test
    void shouldRefuseToRemainInTheGroupOnCloseWhenThereIsNoInstanceId() {
        CommandRun r = run("--group-membership-on-close", "remain-in-group");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("remain-in-group needs --instance-id");
    }

    @Test
    void shouldRefuseAnUnknownMembershipOnCloseNamingTheChoices() {
        CommandRun r = run("--group-membership-on-close", "stay");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--group-membership-on-close").contains("leave-group or remain-in-group");
    }

    @Test
    void shouldRefuseAnInstanceIdThatContradictsTheGroupInstanceIdClientProperty() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "group.instance.id=pod-7\n");

        CommandRun r = run("--config", config.toString(), "--instance-id", "pod-0");

        assertThat(r.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(r.err()).contains("--instance-id pod-0").contains("group.instance.id=pod-7");
    }

    @Test
    void shouldTakeBothFromTheEnvironmentAsTheHelmChartSetsThem() {
        RunCommand command = new RunCommand();
        CommandLine cli = new CommandLine(command);
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of(
                "BIOMARKER_INSTANCE_ID", "trials-biomarker-streams-2",
                "BIOMARKER_GROUP_MEMBERSHIP_ON_CLOSE", "remain-in-group")));

        cli.parseArgs();

        assertThat(command.instanceId).isEqualTo("trials-biomarker-streams-2");
        assertThat(command.membershipOnClose).isEqualTo(GroupMembershipOperation.REMAIN_IN_GROUP);
    }

    @Test
    void shouldLeaveTheGroupOnCloseAsADynamicMemberByDefault() {
        RunCommand command = new RunCommand();
        new CommandLine(command)
                .setDefaultValueProvider(new EnvironmentDefaults(Map.of()))
                .parseArgs();

        assertThat(command.instanceId).isNull();
        assertThat(command.membershipOnClose).isEqualTo(GroupMembershipOperation.LEAVE_GROUP);
    }
}
