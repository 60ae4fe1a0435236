package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.ops.CatchUp;
import org.biomarkerstreams.ops.EmbeddedKafkaBroker;
import org.biomarkerstreams.ops.PipelineTopics;
import org.biomarkerstreams.ops.StreamsRuntime;
import org.biomarkerstreams.ops.TopicSetup;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * A running pipeline: the topology on a cluster (or on a fresh embedded broker with an in-process
 * registry), with an admin client to tell when it has processed its input.
 */
final class Pipeline implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final AvroSerdes serdes;
    private final TopologyConfig config;
    private final StreamsRuntime runtime;
    private final String applicationId;
    private final Admin admin;
    private final Path tempStateDir;
    private final String registryScope;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "pipeline-shutdown");

    private Pipeline(
            EmbeddedKafkaBroker broker,
            String bootstrapServers,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            StreamsRuntime runtime,
            String applicationId,
            Admin admin,
            Path tempStateDir,
            String registryScope) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.serdes = serdes;
        this.config = config;
        this.runtime = runtime;
        this.applicationId = applicationId;
        this.admin = admin;
        this.tempStateDir = tempStateDir;
        this.registryScope = registryScope;
        if (broker != null) {
            // SIGTERM / Ctrl-C: Streams first (commit, flush state), then the broker it runs on.
            broker.removeShutdownHook();
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** A fresh embedded broker, an in-process registry, the topics, and the topology running on them. */
    static Pipeline embedded(TopologyConfig config, int partitions, MeterRegistry meters) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults());
        String scope = "embedded-" + UUID.randomUUID();
        try {
            AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope(scope), true);
            Path stateDir = Files.createTempDirectory("biomarker-streams-state");
            StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                    broker.bootstrapServers(),
                    "biomarker-streams-local",
                    stateDir,
                    StreamsConfig.EXACTLY_ONCE_V2,
                    1,
                    Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
            return start(broker, settings, Map.of(), serdes, config, meters, Optional.of(partitions), stateDir, scope);
        } catch (IOException | RuntimeException e) {
            broker.close();
            InMemorySchemaRegistry.dropScope(scope);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** The topology on an existing cluster; missing topics are created with the broker's defaults. */
    static Pipeline onCluster(
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            MeterRegistry meters) {
        return start(null, settings, clientProperties, serdes, config, meters, Optional.empty(), null, null);
    }

    private static Pipeline start(
            EmbeddedKafkaBroker broker,
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            MeterRegistry meters,
            Optional<Integer> partitions,
            Path tempStateDir,
            String registryScope) {
        Admin admin = admin(settings.bootstrapServers(), clientProperties);
        try {
            TopicSetup.ensureTopics(
                    admin,
                    new PipelineTopics(config.topics(), partitions, Optional.empty()).all(),
                    Duration.ofSeconds(60));
            StreamsRuntime runtime = StreamsRuntime.start(
                    BiomarkerTopology.build(config, serdes, new PipelineCounters(meters)), settings);
            return new Pipeline(
                    broker,
                    settings.bootstrapServers(),
                    clientProperties,
                    serdes,
                    config,
                    runtime,
                    settings.applicationId(),
                    admin,
                    tempStateDir,
                    registryScope);
        } catch (RuntimeException e) {
            admin.close();
            throw e;
        }
    }

    static Admin admin(String bootstrapServers, Map<String, String> clientProperties) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Map<String, String> clientProperties() {
        return clientProperties;
    }

    AvroSerdes serdes() {
        return serdes;
    }

    TopologyConfig config() {
        return config;
    }

    StreamsRuntime runtime() {
        return runtime;
    }

    /** Blocks until everything now on the input topics has been processed and committed. */
    void awaitProcessed(Duration timeout) throws Exception {
        Map<TopicPartition, Long> ends =
                CatchUp.endOffsets(admin, config.topics().inputs());
        CatchUp.await(admin, applicationId, ends, timeout, () -> {
            KafkaStreams.State s = runtime.state();
            return s != KafkaStreams.State.ERROR
                    && s != KafkaStreams.State.NOT_RUNNING
                    && s != KafkaStreams.State.PENDING_SHUTDOWN
                    && s != KafkaStreams.State.PENDING_ERROR;
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (broker != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook finds the pipeline closed
            }
        }
        runtime.close(Duration.ofSeconds(30));
        admin.close(Duration.ofSeconds(5));
        if (broker != null) {
            broker.close();
        }
        if (registryScope != null) {
            InMemorySchemaRegistry.dropScope(registryScope);
        }
        if (tempStateDir != null) {
            try (Stream<Path> paths = Files.walk(tempStateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir; nothing more to do
            }
        }
    }
}
