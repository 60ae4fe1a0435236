package org.biomarkerstreams.app;

import java.util.Objects;
import java.util.Optional;
import org.biomarkerstreams.streams.Topics;

/**
 * What a command does about the topics it uses at start ({@link TopicSetup#prepare}), and how they should be.
 *
 * @param creation create missing topics, or only check (a cluster where the application may not create topics)
 * @param partitions partitions per topic, or empty for the broker default
 * @param replicationFactor replication factor, or empty for the broker default
 * @param minInsyncReplicas {@code min.insync.replicas} per topic, or empty for the broker's
 */
public record TopicPolicy(
        TopicSetup.Creation creation,
        Optional<Integer> partitions,
        Optional<Short> replicationFactor,
        Optional<Integer> minInsyncReplicas) {

    public TopicPolicy {
        Objects.requireNonNull(creation, "creation");
        Objects.requireNonNull(partitions, "partitions");
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        Objects.requireNonNull(minInsyncReplicas, "minInsyncReplicas");
    }

    /** Missing topics created with the broker's defaults; existing ones checked only for their cleanup policy. */
    public static TopicPolicy brokerDefaults() {
        return new TopicPolicy(
                TopicSetup.Creation.CREATE_MISSING, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The pipeline's topics under {@code names}, as this policy wants them. */
    public PipelineTopics of(Topics names) {
        return new PipelineTopics(names, partitions, replicationFactor, minInsyncReplicas);
    }
}
