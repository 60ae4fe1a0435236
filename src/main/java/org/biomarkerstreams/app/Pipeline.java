package org.biomarkerstreams.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.api.HttpSettings;
import org.biomarkerstreams.api.MetricsEndpoint;
import org.biomarkerstreams.api.QueryServer;
import org.biomarkerstreams.api.Study;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.streams.patient.PatientViews;

/**
 * A running pipeline: the topology on a cluster (or on a fresh embedded broker with an in-process
 * registry), with an admin client to tell when it has processed its input.
 */
public final class Pipeline implements AutoCloseable {

    /**
     * The HTTP query server to run beside the topology.
     *
     * @param settings its listeners, TLS, authentication and limits
     * @param auditTopic where each access to patient data is recorded
     * @param study how the dashboard describes the study ({@code /api/protocol}); empty: by the protocol's rules alone
     */
    public record Http(HttpSettings settings, String auditTopic, Optional<Study> study) {

        public Http(HttpSettings settings, String auditTopic) {
            this(settings, auditTopic, Optional.empty());
        }

        /** Open, plaintext, on loopback, any free port, the default audit topic: the demo and tests. */
        public static Http loopback() {
            return new Http(HttpSettings.loopback(0), KafkaAuditTrail.DEFAULT_TOPIC);
        }

        /** The dashboard describes the study as this protocol file does (title, citation, arms, day numbers). */
        public Http describing(ProtocolFile.Loaded file) {
            return new Http(
                    settings,
                    auditTopic,
                    Optional.of(new Study(
                            file.title(),
                            file.citation(),
                            Study.DayNumbers.valueOf(file.dayConvention().name()),
                            file.arms())));
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Pipeline.class);

    private final OwnedCluster broker;
    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final AvroSerdes serdes;
    private final TopologyConfig config;
    private final StreamsRuntime runtime;
    private final String applicationId;
    private final Admin admin;
    private final Path tempStateDir;
    private final String registryScope;
    private final QueryServer http;
    private final HostInfo self;
    private final PrometheusMeterRegistry meters;
    private final KafkaStreamsMetrics streamsMetrics;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "pipeline-shutdown");

    private Pipeline(
            OwnedCluster broker,
            String bootstrapServers,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            StreamsRuntime runtime,
            String applicationId,
            Admin admin,
            Path tempStateDir,
            String registryScope,
            QueryServer http,
            HostInfo self,
            PrometheusMeterRegistry meters,
            KafkaStreamsMetrics streamsMetrics) {
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
        this.http = http;
        this.self = self;
        this.meters = meters;
        this.streamsMetrics = streamsMetrics;
        if (broker != null) {
            // SIGTERM / Ctrl-C: Streams first (commit, flush state), then the broker it runs on.
            broker.removeShutdownHook();
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /**
     * The topology on a fresh cluster it owns (closed with the pipeline), with an in-process registry and the
     * topics; with the HTTP query server, dashboard and {@code /metrics} when {@code http} is present.
     */
    public static Pipeline embedded(OwnedCluster broker, TopologyConfig config, int partitions, Optional<Http> http) {
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
            TopicPolicy topics = new TopicPolicy(
                    TopicSetup.Creation.CREATE_MISSING, Optional.of(partitions), Optional.empty(), Optional.empty());
            return start(broker, settings, Map.of(), serdes, config, topics, stateDir, scope, http);
        } catch (IOException | RuntimeException e) {
            broker.close();
            InMemorySchemaRegistry.dropScope(scope);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * The topology on an existing cluster; missing topics are created with the broker's defaults, existing ones
     * checked ({@link TopicSetup#prepare}).
     */
    public static Pipeline onCluster(
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config) {
        return onCluster(settings, clientProperties, serdes, config, Optional.empty());
    }

    /** As above, with the HTTP query server; its address becomes the instance's {@code application.server}. */
    public static Pipeline onCluster(
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            Optional<Http> http) {
        return onCluster(settings, clientProperties, serdes, config, http, TopicPolicy.brokerDefaults());
    }

    /**
     * As above, with the pipeline's topics (and the audit topic) created or checked as {@code topics} says.
     *
     * @throws TopicsNotReadyException when a topic is missing or not as configured, naming each and its fix
     */
    public static Pipeline onCluster(
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            Optional<Http> http,
            TopicPolicy topics) {
        return start(null, settings, clientProperties, serdes, config, topics, null, null, http);
    }

    private static Pipeline start(
            OwnedCluster broker,
            StreamsRuntime.Settings settings,
            Map<String, String> clientProperties,
            AvroSerdes serdes,
            TopologyConfig config,
            TopicPolicy topicPolicy,
            Path tempStateDir,
            String registryScope,
            Optional<Http> http) {
        Admin admin = admin(settings.bootstrapServers(), clientProperties);
        // One registry for the topology's meters, the MLLP listener's and the Kafka Streams client's.
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        QueryServer server = null;
        try {
            PipelineTopics specs = topicPolicy.of(config.topics());
            List<NewTopic> topics = new ArrayList<>(specs.all());
            http.ifPresent(h -> topics.add(specs.audit(h.auditTopic())));
            TopicSetup.prepare(admin, settings.bootstrapServers(), topics, topicPolicy.creation());
            HostInfo self = null;
            if (http.isPresent()) {
                // Bound before Streams starts: the bound port is part of application.server.
                server = QueryServer.start(
                        http.get().settings(),
                        new QueryServer.Content(
                                config.profile(),
                                config.protocol().blinding(),
                                new MetricsEndpoint(meters),
                                auditPseudonym(config.pseudonym()),
                                new KafkaAuditTrail(
                                        http.get().auditTopic(), settings.bootstrapServers(), clientProperties, serdes),
                                config.protocol(),
                                http.get().study().orElseGet(() -> Study.of(config.protocol()))));
                self = new HostInfo(http.get().settings().advertisedHost(), server.port());
                settings = withApplicationServer(settings, self);
            }
            StreamsRuntime runtime = StreamsRuntime.start(
                    BiomarkerTopology.build(config, serdes, new PipelineCounters(meters)), settings);
            KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(runtime.streams());
            streamsMetrics.bindTo(meters);
            if (server != null) {
                server.attach(runtime.streams(), new PatientViews(config), self);
            }
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
                    registryScope,
                    server,
                    self,
                    meters,
                    streamsMetrics);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            admin.close();
            meters.close();
            throw e;
        }
    }

    /**
     * The pseudonym audit records name patients by: the outputs' own when a pseudonym key is set; otherwise
     * (identified outputs, the demo) one under a key made for this run, so that audit records still carry no id.
     */
    private static Pseudonym auditPseudonym(Pseudonym outputs) {
        if (outputs.enabled()) {
            return outputs;
        }
        byte[] key = new byte[Pseudonym.MIN_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        log.info("No pseudonym key: audit records name patients by a pseudonym under a key made for this run,"
                + " which other instances and later runs do not share");
        return Pseudonym.withKey(key);
    }

    private static StreamsRuntime.Settings withApplicationServer(StreamsRuntime.Settings settings, HostInfo self) {
        Map<String, String> properties = new java.util.HashMap<>(settings.clientProperties());
        properties.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        return new StreamsRuntime.Settings(
                settings.bootstrapServers(),
                settings.applicationId(),
                settings.stateDir(),
                settings.processingGuarantee(),
                settings.threads(),
                properties);
    }

    /** The registry of every meter of this pipeline, scraped at {@code /metrics}. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** The HTTP server's bound port, when it runs. */
    public Optional<Integer> httpPort() {
        return http == null ? Optional.empty() : Optional.of(http.port());
    }

    /** Where the dashboard is, when the HTTP server runs. */
    public Optional<String> dashboardUrl() {
        return http == null
                ? Optional.empty()
                : Optional.of((http.secure() ? "https://" : "http://") + self.host() + ":" + self.port() + "/");
    }

    private static Admin admin(String bootstrapServers, Map<String, String> clientProperties) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(p);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    public AvroSerdes serdes() {
        return serdes;
    }

    public TopologyConfig config() {
        return config;
    }

    public StreamsRuntime runtime() {
        return runtime;
    }

    /** Blocks until everything now on the input topics has been processed and committed. */
    public void awaitProcessed(Duration timeout) throws Exception {
        java.util.function.BooleanSupplier alive = () -> {
            KafkaStreams.State s = runtime.state();
            return s != KafkaStreams.State.ERROR
                    && s != KafkaStreams.State.NOT_RUNNING
                    && s != KafkaStreams.State.PENDING_SHUTDOWN
                    && s != KafkaStreams.State.PENDING_ERROR;
        };
        CatchUp.await(
                admin, applicationId, CatchUp.endOffsets(admin, config.topics().inputs()), timeout, alive);
        // Then what the patient processor handed to the cohort stage through repartition topics.
        List<String> repartitions = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition"))
                .toList();
        if (!repartitions.isEmpty()) {
            CatchUp.await(admin, applicationId, CatchUp.endOffsets(admin, repartitions), timeout, alive);
        }
        // Cohort records are emitted on a wall-clock schedule, then committed.
        Duration quiet = config.cohortEmitInterval().plusSeconds(1);
        CatchUp.awaitSettled(admin, config.topics().outputs(), quiet, timeout, alive);
    }

    /**
     * As {@link #awaitProcessed(Duration)}, counting on {@code progress} the input records the topology has read
     * (its total: the records sent), polled once a second; then its final line.
     */
    public void awaitProcessed(Duration timeout, ProgressLine progress) throws Exception {
        java.util.concurrent.ScheduledExecutorService poll =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread t = new Thread(task, "replay-progress");
                    t.setDaemon(true);
                    return t;
                });
        poll.scheduleAtFixedRate(
                () -> {
                    long read = (long) PipelineCounters.total(meters, PipelineCounters.IN);
                    if (read > progress.count()) {
                        progress.advance(read - progress.count());
                    }
                },
                1,
                1,
                java.util.concurrent.TimeUnit.SECONDS);
        try {
            awaitProcessed(timeout);
        } finally {
            poll.shutdownNow();
            poll.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        long read = (long) PipelineCounters.total(meters, PipelineCounters.IN);
        progress.advance(Math.max(0, read - progress.count()));
        progress.finish();
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
        if (http != null) {
            http.close();
        }
        runtime.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        meters.close();
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
