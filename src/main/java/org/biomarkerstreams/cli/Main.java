package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
            BackfillCommand.class,
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

    /**
     * The options of the shared mixins ({@link PipelineOptions}) a command takes but does not use, by command: hidden
     * from its help ({@link HelpText#hide}), still accepted. A command not named here lists them all.
     */
    private static final Map<String, Set<String>> UNUSED_OPTIONS = unusedOptions();

    /** The configured command line, for embedding and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.registerConverter(Duration.class, Main::duration);
        UNUSED_OPTIONS.forEach((name, unused) -> {
            CommandLine command = cli.getSubcommands().get(name);
            if (command != null) {
                HelpText.hide(command, unused);
            }
        });
        HelpText.apply(cli);
        // A bad option value: the error and where to read more, not the whole usage (the error scrolled away above
        // two screens of options).
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine command = e.getCommandLine();
            PrintWriter err = command.getErr();
            err.println("error: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
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

    /** An ISO-8601 duration, with an example when it is not one (picocli's message names a Java class). */
    private static Duration duration(String text) {
        try {
            return Duration.parse(text.strip());
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not an ISO-8601 duration (e.g. PT30M for 30 minutes, PT2H, P1D)");
        }
    }

    private static Map<String, Set<String>> unusedOptions() {
        // What only the topology uses: the protocol's rules, the limits of its state and input, its keys.
        Set<String> topology = Set.of(
                "--confirmations",
                "--follow-up-days",
                "--state-retention-days",
                "--orphan-after",
                "--max-record-bytes",
                "--use-lab-ranges");
        Set<String> outputTopics = Set.of(
                "--trajectory-topic",
                "--summaries-topic",
                "--time-to-normalization-topic",
                "--cohort-visits-topic",
                "--cohort-curves-topic",
                "--alerts-topic");
        Set<String> protocolAndKeys = Set.of(
                "--protocol", "--time-zone", "--future-tolerance", "--pseudonym-key-file", "--dead-letter-key-file");
        Map<String, Set<String>> unused = new LinkedHashMap<>();
        // export reads topics: their names are all it takes from the pipeline.
        unused.put("export", union(topology, protocolAndKeys, Set.of("--readings-topic", "--events-topic")));
        // acls names topics and the application: no rule of the topology.
        unused.put("acls", union(topology, protocolAndKeys));
        // ingest-hl7 writes the inputs and dead letters, in the site's zone: no topology rule, no output topic.
        unused.put("ingest-hl7", union(topology, outputTopics));
        // An embedded replay runs the whole topology, but only for minutes: the orphan alarm is measured in hours.
        unused.put("replay", Set.of("--orphan-after"));
        // A backfill does not tally orphans (a gauge of the live instance): run does, from the restored state.
        unused.put("backfill", Set.of("--orphan-after"));
        return Map.copyOf(unused);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
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
