package org.biomarkerstreams.cli;

import java.util.Optional;
import org.biomarkerstreams.app.TopicPolicy;
import org.biomarkerstreams.app.TopicSetup;
import picocli.CommandLine.Option;

/** How the topics a command uses should be, and whether it may create the missing ones. */
final class TopicOptions {

    @Option(
            names = "--no-create-topics",
            description = "Create no topic (a cluster where the application may not): only check that the topics this"
                    + " command uses exist as configured, and fail within 10 s naming each missing or different one"
                    + " with the command that fixes it. Env: BIOMARKER_NO_CREATE_TOPICS=true.")
    boolean noCreateTopics;

    @Option(
            names = "--topic-partitions",
            paramLabel = "N",
            description = "Partitions of the topics created when missing, checked on existing ones (default: the"
                    + " broker's num.partitions, not checked). Both input topics need the same count.")
    Integer partitions;

    @Option(
            names = "--topic-replication-factor",
            paramLabel = "N",
            description = "Replication factor of the topics created when missing, checked on existing ones (default:"
                    + " the broker's default.replication.factor, not checked).")
    Short replicationFactor;

    @Option(
            names = "--topic-min-insync-replicas",
            paramLabel = "N",
            description = "min.insync.replicas of the topics created when missing, checked on existing ones (default:"
                    + " the broker's, not checked). With acks=all, a write needs this many replicas.")
    Integer minInsyncReplicas;

    /** @throws IllegalArgumentException naming the option whose value cannot be right */
    TopicPolicy policy() {
        positive("--topic-partitions", partitions);
        positive("--topic-replication-factor", replicationFactor == null ? null : replicationFactor.intValue());
        positive("--topic-min-insync-replicas", minInsyncReplicas);
        if (minInsyncReplicas != null && replicationFactor != null && minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("--topic-min-insync-replicas " + minInsyncReplicas
                    + " exceeds --topic-replication-factor " + replicationFactor + ": no write could succeed");
        }
        return new TopicPolicy(
                noCreateTopics ? TopicSetup.Creation.CHECK_ONLY : TopicSetup.Creation.CREATE_MISSING,
                Optional.ofNullable(partitions),
                Optional.ofNullable(replicationFactor),
                Optional.ofNullable(minInsyncReplicas));
    }

    private static void positive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        }
    }
}
