package org.biomarkerstreams.testing;

import java.util.List;
import org.biomarkerstreams.streams.Topics;

/** The command-line options that point a command at a cluster, a registry and a pipeline's topics. */
public final class PipelineArguments {

    private PipelineArguments() {}

    /** {@code --bootstrap-servers} and {@code --schema-registry-url}. */
    public static List<String> cluster(String bootstrapServers, String registryUrl) {
        return List.of("--bootstrap-servers", bootstrapServers, "--schema-registry-url", registryUrl);
    }

    /** An option for each of the pipeline's topics, as {@code run}, {@code replay} and {@code export} take them. */
    public static List<String> topics(Topics topics) {
        return List.of(
                "--readings-topic",
                topics.readings(),
                "--events-topic",
                topics.events(),
                "--trajectory-topic",
                topics.trajectory(),
                "--summaries-topic",
                topics.summaries(),
                "--time-to-normalization-topic",
                topics.timeToNormalization(),
                "--dead-letter-topic",
                topics.deadLetters(),
                "--cohort-visits-topic",
                topics.cohortVisits(),
                "--cohort-curves-topic",
                topics.cohortCurves(),
                "--alerts-topic",
                topics.alerts());
    }

    /** The topics {@code ingest-hl7} writes (readings, events and dead letters), with the cluster and registry. */
    public static List<String> ingest(String bootstrapServers, String registryUrl, Topics topics) {
        return List.of(
                "--bootstrap-servers",
                bootstrapServers,
                "--schema-registry-url",
                registryUrl,
                "--readings-topic",
                topics.readings(),
                "--events-topic",
                topics.events(),
                "--dead-letter-topic",
                topics.deadLetters());
    }
}
