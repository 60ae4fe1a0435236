package org.biomarkerstreams.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;

/**
 * One scenario of the suite: its own input topics, and for each application instance role its own
 * application id, output topics, state directory and client properties; logs under {@code
 * target/reliability/<scenario>-<run id>/logs}, kept after the run.
 */
public final class ReliabilityRun implements AutoCloseable {

    private static final Duration CATCH_UP = Duration.ofMinutes(5);

    private final KafkaClusterExtension kafka;
    private final String id;
    private final String scenario;
    private final Path root;
    private final Topics inputs;
    private final int partitions;
    private final AvroSerdes serdes;
    private final String registryUrl;
    private final List<AppProcess> instances = new ArrayList<>();

    private ReliabilityRun(KafkaClusterExtension kafka, String registryUrl, String scenario, String id, int partitions)
            throws IOException {
        this.kafka = kafka;
        this.registryUrl = registryUrl;
        this.scenario = scenario;
        this.id = id;
        this.partitions = partitions;
        this.root = Path.of("target", "reliability", scenario + "-" + id).toAbsolutePath();
        Files.createDirectories(root.resolve("logs"));
        this.inputs = kafka.createPipelineTopics(Topics.defaults().withSuffix("-" + id), partitions);
        this.serdes = new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(registryUrl)), true);
    }

    public static ReliabilityRun create(
            KafkaClusterExtension kafka, ApicurioRegistryExtension registry, String scenario, int partitions)
            throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        return new ReliabilityRun(kafka, registry.confluentUrl(), scenario.replace('_', '-'), id, partitions);
    }

    public String id() {
        return id;
    }

    /** Where the instances' output goes (searched for canaries). */
    Path logs() {
        return root.resolve("logs");
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    AvroSerdes serdes() {
        return serdes;
    }

    public Topics inputs() {
        return inputs;
    }

    /**
     * An instance of role {@code role}: the run's inputs, outputs of its own ({@code <output>-<run>-<role>}),
     * application id {@code rel-<scenario>-<role>-<run>} and {@code properties} as Kafka client properties
     * (otherwise the product's defaults).
     */
    public AppProcess.Spec app(String role, String guarantee, Map<String, String> properties) throws IOException {
        Topics topics = outputsOf(role);
        kafka.createPipelineTopics(topics, partitions);
        Map<String, String> config = new LinkedHashMap<>(properties);
        Path file = root.resolve(role + ".properties");
        Properties p = new Properties();
        p.putAll(config);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "client properties of " + role);
        }
        return new AppProcess.Spec(
                kafka.bootstrapServers(),
                registryUrl,
                topics,
                "rel-" + scenario + "-" + role + "-" + id,
                root.resolve("state-" + role),
                guarantee,
                List.of("--config", file.toString()));
    }

    private Topics outputsOf(String role) {
        String s = "-" + role;
        return new Topics(
                inputs.readings(),
                inputs.events(),
                inputs.trajectory() + s,
                inputs.summaries() + s,
                inputs.timeToNormalization() + s,
                inputs.deadLetters() + s,
                inputs.cohortVisits() + s,
                inputs.cohortCurves() + s,
                inputs.alerts() + s);
    }

    /** Starts an instance of {@code spec}, output in {@link #logs()} as {@code name}; {@link #close()} stops it. */
    public AppProcess start(AppProcess.Spec spec, String name) throws IOException {
        AppProcess instance = AppProcess.start(spec, logs(), name);
        instances.add(instance);
        return instance;
    }

    /** Kills whatever instance is still running (a failed test's). */
    @Override
    public void close() throws InterruptedException {
        for (AppProcess instance : instances) {
            instance.close();
        }
    }

    public InputPublisher publisher() {
        return new InputPublisher(Map.of(), kafka.bootstrapServers(), inputs, serdes);
    }

    /** Waits until {@code spec}'s group has committed every input record written so far. */
    public void awaitCaughtUp(AppProcess.Spec spec, AppProcess instance) throws Exception {
        try (Admin admin = kafka.admin()) {
            CatchUp.await(
                    admin,
                    spec.applicationId(),
                    CatchUp.endOffsets(admin, inputs.inputs()),
                    CATCH_UP,
                    instance::isAlive);
        }
    }

    /** Per input partition, the offset group {@code groupId} committed (0 where it committed none). */
    public Map<TopicPartition, Long> committedInputs(Admin admin, String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : CatchUp.endOffsets(admin, inputs.inputs()).keySet()) {
            OffsetAndMetadata o = offsets.get(tp);
            out.put(tp, o == null ? 0L : o.offset());
        }
        return out;
    }

    /**
     * Waits (at most {@code atMost}) until group {@code groupId} committed beyond {@code before} on every input
     * partition that has records beyond it.
     */
    public void awaitEveryInputAdvanced(
            Admin admin, String groupId, Map<TopicPartition, Long> before, Duration atMost) {
        await("every input partition processed again")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<TopicPartition, Long> ends = CatchUp.endOffsets(admin, inputs.inputs());
                    Map<TopicPartition, Long> now = committedInputs(admin, groupId);
                    return before.entrySet().stream()
                            .allMatch(e -> ends.get(e.getKey()) <= e.getValue() || now.get(e.getKey()) > e.getValue());
                });
    }

    /** Waits until the outputs of every instance stopped changing (cohort views render once a second). */
    public void awaitSettled(List<AppProcess.Spec> specs, List<AppProcess> instances) throws Exception {
        List<String> outputs = new ArrayList<>();
        specs.forEach(s -> outputs.addAll(s.topics().outputs()));
        try (Admin admin = kafka.admin()) {
            CatchUp.awaitSettled(admin, outputs, Duration.ofSeconds(4), CATCH_UP, () -> instances.stream()
                    .allMatch(AppProcess::isAlive));
        }
    }

    public PipelineOutputs outputs(AppProcess.Spec spec) {
        return PipelineOutputs.read(kafka.bootstrapServers(), spec.topics(), serdes);
    }

    /**
     * Records a figure of the run (times, counts; never a patient id) in {@code
     * target/reliability/figures.txt}, which the README's reliability section quotes. Logging would not
     * do: the canary watch detaches the console while a scenario runs.
     */
    public void report(String format, Object... args) throws IOException {
        String line = LocalDateTime.now(ZoneOffset.UTC).withNano(0) + " " + scenario + " " + id + ": "
                + String.format(Locale.ROOT, format, args) + System.lineSeparator();
        Files.writeString(
                root.getParent().resolve("figures.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** A file for the details of a failed comparison (not a log: it may name patients). */
    Path details(String what) {
        return root.resolve("differences").resolve(what + ".txt");
    }
}
