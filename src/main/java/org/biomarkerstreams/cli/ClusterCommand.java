package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicPolicy;
import org.biomarkerstreams.app.TopicSetup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every command that works on a Kafka cluster takes: the cluster's client options and the pipeline's. */
abstract class ClusterCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    /** The command's standard output (picocli's, so tests can capture it). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * Before any work: fails fast when the cluster or the registry cannot be reached (exit 3), then makes sure the
     * topics {@code which} picks exist as {@code topics} configures them, or only checks them (exit 2 when not).
     */
    void prepareCluster(TopicOptions topics, Function<PipelineTopics, List<NewTopic>> which) {
        TopicPolicy policy = topics.policy();
        kafka.probe();
        TopicSetup.prepare(
                kafka.requireBootstrapServers(),
                kafka.clientProperties(),
                which.apply(policy.of(pipeline.topics())),
                policy.creation());
    }
}
