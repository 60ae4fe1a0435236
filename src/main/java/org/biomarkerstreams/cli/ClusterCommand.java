package org.biomarkerstreams.cli;

import java.io.PrintWriter;
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
}
