package org.biomarkerstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the runnable jar: {@code java -jar biomarker-streams.jar <command> [options]}. */
@Command(
        name = "biomarker-streams",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Turns hospital lab feeds into the numbers cell-therapy trials are judged by: per-patient biomarker",
            "trajectories around the infusion day, visit values (baseline, D3, D7, D14, D28), time to",
            "normalization, and dead letters for anything unusable. Inputs and outputs are Kafka topics in the",
            "Confluent Schema Registry Avro format.",
            ""
        },
        subcommands = {
            DemoCommand.class,
            ReplayCommand.class,
            RunCommand.class,
            ExportCommand.class,
            GenerateCommand.class,
            IngestHl7Command.class,
            BrokerCommand.class,
            ApiTokenCommand.class,
            AclsCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Start here:  java -jar target/biomarker-streams.jar demo --exit-when-done",
            "Every option can also be set by environment variable: --bootstrap-servers is BIOMARKER_BOOTSTRAP_SERVERS.",
            "Run '<command> --help' for the options of a command."
        })
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                commandLine
                        .getErr()
                        .println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
                return CommandLine.ExitCode.USAGE;
            }
            commandLine.getErr().println("error: " + e);
            e.printStackTrace(commandLine.getErr());
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli;
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"biomarker-streams " + (v == null ? "development" : v)};
        }
    }
}
