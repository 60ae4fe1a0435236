package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.AccessDenied;
import org.biomarkerstreams.app.Hl7Ingest;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicPolicy;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.TopologyConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the topology against a Kafka cluster until stopped (SIGTERM / Ctrl-C closes it cleanly).",
            "Missing topics are created as --topic-* say (default: the broker's partitions and replication), existing",
            "ones checked; with --no-create-topics only checked."
        })
final class RunCommand extends ClusterCommand implements Callable<Integer> {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    @Option(
            names = "--application-id",
            defaultValue = "biomarker-streams",
            description =
                    "Kafka Streams application.id: consumer group and prefix of internal topics (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--state-dir",
            defaultValue = "state",
            paramLabel = "DIR",
            description = "Where RocksDB state lives; keep it on a persistent volume (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /** Kafka's rule for group.instance.id, less room for the "-<thread>" suffix Kafka Streams appends. */
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,240}");

    @Option(
            names = "--instance-id",
            paramLabel = "ID",
            description = "Static group membership (Kafka's group.instance.id): an instance restarted with the same id"
                    + " takes its partitions back at once, instead of after the killed member's session timeout."
                    + " Unique per instance and the same across its restarts, e.g. the StatefulSet pod name (the"
                    + " Helm chart sets it so). Letters, digits, '.', '_', '-'. Default: none (a dynamic member).")
    String instanceId;

    @Option(
            names = "--group-membership-on-close",
            defaultValue = "leave-group",
            paramLabel = "leave-group|remain-in-group",
            converter = MembershipConverter.class,
            description = "On a clean stop (SIGTERM): leave-group hands this instance's partitions to the others at"
                    + " once (a scale-down moves them within seconds); remain-in-group keeps them for its return"
                    + " with the same --instance-id within session.timeout.ms (a rolling restart that moves"
                    + " no partition; a scale-down then waits that long) (default: ${DEFAULT-VALUE}).")
    GroupMembershipOperation membershipOnClose;

    @Option(
            names = "--processing-guarantee",
            defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Mixin
    HttpOptions http;

    @Option(
            names = "--mllp-port",
            paramLabel = "PORT",
            description = "Also receive HL7 v2 over MLLP on this port, as 'ingest-hl7' does (default: no listener).")
    Integer mllpPort;

    @picocli.CommandLine.Mixin
    Hl7Options hl7;

    @Mixin
    TopicOptions topicOptions;

    @Option(
            names = "--identified-outputs",
            description = "Write real patient ids (and reading ids) to the per-patient output topics and API answers"
                    + " instead of pseudonyms; logs a warning. Without it, --pseudonym-key-file is required.")
    boolean identifiedOutputs;

    /** The topology while {@link #call()} runs, so that an embedding caller can stop it like SIGTERM does. */
    private volatile StreamsRuntime runtime;

    /** The pipeline and the MLLP listener while {@link #call()} runs, for an embedding caller (tests) to inspect. */
    private volatile Pipeline running;

    private volatile Hl7Ingest listener;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
                && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("--processing-guarantee must be exactly_once_v2 or at_least_once");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        pipeline.requireOutputIdentity(identifiedOutputs);
        TopologyConfig config = pipeline.topologyConfig(Clock.systemUTC()).toBuilder()
                .redeliverDuplicates(processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE))
                .build();
        TopicPolicy topicPolicy = topicOptions.policy();
        pipeline.warnIfDeadLettersInPlaintext();
        StreamsRuntime.Settings settings = staticMembership(new StreamsRuntime.Settings(
                bootstrap, applicationId, stateDir, processingGuarantee, threads, kafka.clientProperties()));
        try (Pipeline p = start(settings, config, topicPolicy);
                HttpOptions httpResources = http) {
            p.dashboardUrl().ifPresent(url -> out().printf("Dashboard and query API: %s%n", url));
            // SIGTERM / Ctrl-C: close Streams cleanly (commit, flush state) before the JVM exits.
            Thread closeOnShutdown =
                    new Thread(() -> p.runtime().close(CLOSE_TIMEOUT, membershipOnClose), "biomarker-streams-shutdown");
            Runtime.getRuntime().addShutdownHook(closeOnShutdown);
            runtime = p.runtime();
            running = p;
            try (Hl7Ingest ingest =
                    mllpPort == null ? null : Hl7Ingest.start(hl7.settings(pipeline.futureTolerance), mllpPort, p)) {
                listener = ingest;
                if (ingest != null) {
                    out().printf("Listening for HL7 v2 over MLLP on port %d%n", ingest.port());
                    out().flush();
                }
                p.runtime().awaitStopped();
            } finally {
                runtime = null;
                running = null;
                listener = null;
                removeShutdownHook(closeOnShutdown);
            }
            Throwable fatal = p.runtime().fatalError();
            if (fatal != null) {
                AccessDenied.explain(fatal, applicationId).ifPresent(this::printError);
                return CommandLine.ExitCode.SOFTWARE;
            }
            return 0;
        } catch (RuntimeException e) {
            // A missing ACL at start (creating a topic it cannot see): the sentence, not a stack trace.
            printError(AccessDenied.explain(e, applicationId).orElseThrow(() -> e));
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** Options first (usage errors, exit 2), then the cluster and registry (exit 3), then topics and Streams. */
    private Pipeline start(StreamsRuntime.Settings settings, TopologyConfig config, TopicPolicy topicPolicy) {
        Pipeline.Http endpoint =
                http.endpoint(null, HttpOptions.Defaults.CLUSTER).describing(pipeline.protocolFile());
        kafka.probe();
        AvroSerdes serdes = kafka.serdes();
        serdes.requireWriterSchemas(config.topics().outputs(serdes));
        if (mllpPort != null) {
            serdes.requireWriterSchemas(config.topics().ingest(serdes));
        }
        return Pipeline.onCluster(
                settings, kafka.clientProperties(), serdes, config, Optional.of(endpoint), topicPolicy);
    }

    /** With {@code --instance-id}, the settings of a static member; checks it against a group.instance.id property. */
    private StreamsRuntime.Settings staticMembership(StreamsRuntime.Settings settings) {
        String property = settings.clientProperties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (instanceId != null && property != null && !property.equals(instanceId)) {
            throw new IllegalArgumentException("--instance-id " + instanceId + " and the client property "
                    + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG + "=" + property + " disagree; set only --instance-id");
        }
        if (instanceId != null && !INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("--instance-id '" + instanceId
                    + "': use 1 to 240 letters, digits, '.', '_' or '-' (Kafka's rule for group.instance.id)");
        }
        if (instanceId == null && property == null && membershipOnClose == GroupMembershipOperation.REMAIN_IN_GROUP) {
            throw new IllegalArgumentException("--group-membership-on-close remain-in-group needs --instance-id: a"
                    + " restarted dynamic member joins as a new one, so its old partitions would only wait for the"
                    + " session timeout");
        }
        return instanceId == null ? settings : settings.asStaticMember(instanceId);
    }

    /** Kafka's LEAVE_GROUP / REMAIN_IN_GROUP, written as the other options' values are: leave-group. */
    static final class MembershipConverter implements CommandLine.ITypeConverter<GroupMembershipOperation> {
        @Override
        public GroupMembershipOperation convert(String value) {
            try {
                return GroupMembershipOperation.valueOf(
                        value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not leave-group or remain-in-group");
            }
        }
    }

    private void printError(String message) {
        spec.commandLine().getErr().println("error: " + message);
        spec.commandLine().getErr().flush();
    }

    /** The Streams state while running, empty before the topology started and after it stopped. */
    Optional<KafkaStreams.State> state() {
        StreamsRuntime current = runtime;
        return current == null ? Optional.empty() : Optional.of(current.state());
    }

    /** What Prometheus would scrape from this process while running (every meter of the pipeline). */
    Optional<String> scrape() {
        Pipeline current = running;
        return current == null ? Optional.empty() : Optional.of(current.meters().scrape());
    }

    /** The bound MLLP port while running with {@code --mllp-port}. */
    Optional<Integer> mllpPort() {
        Hl7Ingest current = listener;
        return current == null ? Optional.empty() : Optional.of(current.port());
    }

    /** Closes the running topology as SIGTERM does; {@link #call()} then returns. */
    void stop() {
        StreamsRuntime current = runtime;
        if (current != null) {
            current.close(CLOSE_TIMEOUT, membershipOnClose);
        }
    }

    // Stopped without the JVM exiting (embedded, tests): a hook left behind would keep the closed
    // topology reachable and close it again at exit.
    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped us
        }
    }
}
