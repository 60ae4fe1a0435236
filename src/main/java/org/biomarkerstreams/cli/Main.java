package org.biomarkerstreams.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.biomarkerstreams.app.AccessDenied;
import org.biomarkerstreams.app.TopicsNotReadyException;
import org.biomarkerstreams.app.UnreachableException;
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
            ReportCommand.class,
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

    /** The cluster or the schema registry could not be reached (picocli has 1 for errors, 2 for usage). */
    static final int UNREACHABLE = 3;

    /** What each exit code means, shown by {@code --help} of the commands that talk to a cluster. */
    private static final Map<String, String> EXIT_CODES = exitCodes();

    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(EXIT_CODES);
        cli.getSubcommands().values().stream()
                .filter(sub -> sub.getCommand() instanceof ClusterCommand)
                .forEach(sub -> sub.getCommandSpec()
                        .usageMessage()
                        .exitCodeListHeading("%nExit codes:%n")
                        .exitCodeList(EXIT_CODES));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UnreachableException) {
                // One line per thing that cannot be reached: the cluster, the registry.
                e.getMessage().lines().forEach(line -> commandLine.getErr().println("error: " + line));
                return UNREACHABLE;
            }
            if (e instanceof TopicsNotReadyException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            Optional<String> denied = AccessDenied.explain(e, null);
            if (denied.isPresent()) {
                commandLine.getErr().println("error: " + denied.get());
                return CommandLine.ExitCode.SOFTWARE;
            }
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

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "done; or stopped cleanly (SIGTERM, Ctrl-C)");
        codes.put("1", "failed while working (a Kafka ACL missing, a stream thread's error, an I/O error)");
        codes.put(
                "2",
                "usage or configuration: a bad option or file, a topic missing (--no-create-topics) or not as"
                        + " configured");
        codes.put(
                "3",
                "the Kafka cluster or the schema registry cannot be reached: DNS, connection refused or dropped,"
                        + " TLS handshake or authentication failed");
        return codes;
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
