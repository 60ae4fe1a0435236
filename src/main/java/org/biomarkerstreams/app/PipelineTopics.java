package org.biomarkerstreams.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.biomarkerstreams.streams.Topics;

/**
 * The topics the pipeline reads and writes, as they should be: per-patient outputs and cohort views compacted (they
 * are latest-state changelogs keyed per reading, per patient and analyte, or per cohort cell); inputs, alerts and
 * dead letters deleted by retention (compacting an input keyed by patient id would keep one reading per patient),
 * alerts and inputs with the broker's default retention, dead letters kept for 30 days. {@link TopicSetup} creates
 * them so, or checks that existing ones are so.
 *
 * @param partitions partitions per topic, or empty for the broker default (then not checked on existing topics)
 * @param replicationFactor replication factor, or empty for the broker default (then not checked)
 * @param minInsyncReplicas {@code min.insync.replicas} of each topic, or empty for the broker's (then not checked)
 */
public record PipelineTopics(
        Topics names,
        Optional<Integer> partitions,
        Optional<Short> replicationFactor,
        Optional<Integer> minInsyncReplicas) {

    private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 60 * 60 * 1000);

    /** With the broker's {@code min.insync.replicas}. */
    public PipelineTopics(Topics names, Optional<Integer> partitions, Optional<Short> replicationFactor) {
        this(names, partitions, replicationFactor, Optional.empty());
    }

    public List<NewTopic> all() {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : names.inputs()) {
            topics.add(topic(input, TopicConfig.CLEANUP_POLICY_DELETE));
        }
        for (String output : names.compactedOutputs()) {
            topics.add(topic(output, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        topics.add(topic(names.alerts(), TopicConfig.CLEANUP_POLICY_DELETE));
        topics.add(topic(
                names.deadLetters(),
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG,
                THIRTY_DAYS_MS));
        return topics;
    }

    /**
     * What the feeds write ({@code ingest-hl7}, {@code replay} to a cluster) and {@code replay --from-dlq} reads and
     * writes: both inputs and the dead letters.
     */
    public List<NewTopic> feeds() {
        List<String> wanted = new ArrayList<>(names.inputs());
        wanted.add(names.deadLetters());
        return named(wanted);
    }

    /**
     * The topics of {@link #all()} with these names, in the order given.
     *
     * @throws IllegalArgumentException for a name that is not one of the pipeline's topics
     */
    public List<NewTopic> named(Collection<String> wanted) {
        Map<String, NewTopic> byName = new HashMap<>();
        all().forEach(t -> byName.put(t.name(), t));
        List<NewTopic> topics = new ArrayList<>();
        for (String name : wanted) {
            NewTopic topic = byName.get(name);
            if (topic == null) {
                throw new IllegalArgumentException(name + " is not a topic of the pipeline " + byName.keySet());
            }
            topics.add(topic);
        }
        return topics;
    }

    /** The audit topic, with these partitions and replication: see {@link KafkaAuditTrail#topic}. */
    public NewTopic audit(String name) {
        NewTopic audit = KafkaAuditTrail.topic(name, partitions, replicationFactor);
        Map<String, String> configs = new HashMap<>(audit.configs());
        minInsyncReplicas.ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return audit.configs(configs);
    }

    private NewTopic topic(String name, String cleanupPolicy, String... moreConfigs) {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
        for (int i = 0; i < moreConfigs.length; i += 2) {
            configs.put(moreConfigs[i], moreConfigs[i + 1]);
        }
        minInsyncReplicas.ifPresent(n -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(n)));
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
