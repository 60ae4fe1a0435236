package org.biomarkerstreams.testing;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real in-process KRaft Kafka cluster for integration tests, built with Kafka's own {@link
 * KafkaClusterTestKit}.
 *
 * <p>The cluster is started once per test JVM for each size and shared by every test class that uses
 * it; JUnit closes it when the whole run ends. Tests must therefore use their own topic names.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
 * ...
 * KAFKA.createTopics(new NewTopic("readings-" + id, 1, (short) 1));
 * props.put("bootstrap.servers", KAFKA.bootstrapServers());
 * }</pre>
 */
public final class KafkaClusterExtension implements BeforeAllCallback {
    private static final Logger log = LoggerFactory.getLogger(KafkaClusterExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final int brokers;
    private volatile SharedCluster cluster;

    /** One combined broker+controller node. */
    public KafkaClusterExtension() {
        this(1);
    }

    private KafkaClusterExtension(int brokers) {
        if (brokers < 1) {
            throw new IllegalArgumentException("brokers must be at least 1, got " + brokers);
        }
        this.brokers = brokers;
    }

    /**
     * A cluster of {@code brokers} brokers. With more than one, a separate KRaft controller node runs
     * beside them, so a reliability test can stop any broker; internal topics are then replicated to
     * min(brokers, 3) brokers and need all but one of those in sync; from three brokers on, every topic
     * is (replication 3, min.insync.replicas 2) and a stopped broker does no controlled shutdown.
     */
    public static KafkaClusterExtension configs(int brokers) {
        return new KafkaClusterExtension(brokers);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent("cluster-" + brokers, key -> SharedCluster.start(brokers), SharedCluster.class);
    }

    /** Where clients connect, for example {@code localhost:41235,localhost:38127}. */
    public String bootstrapServers() {
        return started().testKit.bootstrapServers();
    }

    /** Kafka's test kit, for tests that stop or restart nodes. */
    public KafkaClusterTestKit testKit() {
        return started().testKit;
    }

    /** An admin client for this cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Creates the pipeline's topics under names of their own (a random suffix) and returns them. */
    public Topics createPipelineTopics(int partitions) {
        return createPipelineTopics(
                Topics.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8)), partitions);
    }

    public Topics createPipelineTopics(Topics topics, int partitions) {
        createTopics(new PipelineTopics(topics, Optional.of(partitions), Optional.empty())
                .all()
                .toArray(NewTopic[]::new));
        return topics;
    }

    /** Creates the topics that do not exist yet, through the application's own {@link TopicSetup}. */
    public void createTopics(NewTopic... topics) {
        try (Admin admin = admin()) {
            TopicSetup.ensureTopics(admin, Arrays.asList(topics), ADMIN_TIMEOUT);
        }
    }

    private SharedCluster started() {
        SharedCluster current = cluster;
        if (current == null) {
            throw new IllegalStateException(
                    "The Kafka cluster is started in beforeAll: register KafkaClusterExtension as a static field");
        }
        return current;
    }

    /** The cluster as kept in JUnit's root store, which closes it at the end of the run. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable after.
    private static final class SharedCluster implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final KafkaClusterTestKit testKit;

        private SharedCluster(KafkaClusterTestKit testKit) {
            this.testKit = testKit;
        }

        static SharedCluster start(int brokers) {
            // One node is both broker and controller. Several brokers get one dedicated controller, so
            // any broker can be stopped without losing the quorum. A quorum of several controllers is
            // not offered: with the 4.3.1 test kit their followers' raft threads die on an
            // INVALID_REQUEST answer to UpdateVoter, with static and with dynamic voters alike.
            boolean combined = brokers == 1;
            short replication = (short) Math.min(brokers, 3);
            String minIsr = Integer.toString(Math.max(1, replication - 1));
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("offsets.topic.replication.factor", Short.toString(replication));
            configs.put("transaction.state.log.replication.factor", Short.toString(replication));
            configs.put("transaction.state.log.min.isr", minIsr);
            configs.put("share.coordinator.state.topic.replication.factor", Short.toString(replication));
            configs.put("share.coordinator.state.topic.min.isr", minIsr);
            configs.put("offsets.topic.num.partitions", "5");
            configs.put("transaction.state.log.num.partitions", "5");
            configs.put("num.partitions", "1");
            configs.put("auto.create.topics.enable", "false");
            configs.put("group.initial.rebalance.delay.ms", "0");
            configs.put("group.streams.initial.rebalance.delay.ms", "0");
            configs.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
            if (brokers >= 3) {
                // As a production cluster: every topic (inputs, outputs, Streams' internal ones) on three
                // brokers, writes acknowledged by two. A stopped broker hands nothing over (no
                // controlled shutdown): to its clients it is as gone as a crashed one.
                configs.put("default.replication.factor", "3");
                configs.put("min.insync.replicas", "2");
                configs.put("controlled.shutdown.enable", "false");
            }

            long startedAt = System.nanoTime();
            KafkaClusterTestKit testKit = null;
            try {
                TestKitNodes nodes = new TestKitNodes.Builder()
                        .setCombined(combined)
                        .setNumBrokerNodes(brokers)
                        .setNumControllerNodes(1)
                        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                        .build();
                KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
                configs.forEach(builder::setConfigProp);
                testKit = builder.build();
                testKit.format();
                testKit.startup();
                testKit.waitForReadyBrokers();
            } catch (Exception e) {
                closeQuietly(testKit);
                throw new IllegalStateException("Could not start a " + brokers + "-broker Kafka test cluster", e);
            }
            log.info(
                    "Kafka test cluster with {} broker(s) ready at {} in {} ms",
                    brokers,
                    testKit.bootstrapServers(),
                    Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
            return new SharedCluster(testKit);
        }

        @Override
        public void close() throws Exception {
            testKit.close();
        }

        private static void closeQuietly(KafkaClusterTestKit testKit) {
            if (testKit == null) {
                return;
            }
            try {
                testKit.close();
            } catch (Exception e) {
                log.warn("Could not stop a half-started Kafka test cluster", e);
            }
        }
    }

    @Override
    public String toString() {
        return "KafkaClusterExtension[brokers=" + brokers + ", started=" + Objects.nonNull(cluster) + "]";
    }
}
