package org.biomarkerstreams.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.biomarkerstreams.streams.Topics;

/**
 * The topics the pipeline reads and writes, as they should be created when missing: per-patient
 * outputs and cohort views compacted (they are latest-state changelogs keyed per reading, per patient
 * and analyte, or per cohort cell), alerts kept as events with the broker's default retention, dead
 * letters kept for 30 days.
 *
 * @param partitions partitions per topic, or empty for the broker default
 * @param replicationFactor replication factor, or empty for the broker default
 */
public record PipelineTopics(Topics names, Optional<Integer> partitions, Optional<Short> replicationFactor) {

    private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 60 * 60 * 1000);

    public List<NewTopic> all() {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : names.inputs()) {
            topics.add(new NewTopic(input, partitions, replicationFactor));
        }
        for (String output : names.compactedOutputs()) {
            topics.add(new NewTopic(output, partitions, replicationFactor)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        topics.add(new NewTopic(names.alerts(), partitions, replicationFactor));
        topics.add(new NewTopic(names.deadLetters(), partitions, replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, THIRTY_DAYS_MS)));
        return topics;
    }
}
