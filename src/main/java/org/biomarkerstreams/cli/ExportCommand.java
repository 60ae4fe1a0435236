package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.biomarkerstreams.app.OutputFiles;
import org.biomarkerstreams.app.output.OutputRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the output topics of a cluster (all seven by default) to files in DIR, as 'replay' writes them:",
            "DIR/<topic>.ndjson (one JSON object per record, Avro fields under their schema names), or CSV or CDISC",
            "Dataset-JSON with --format; every change in emit order, or the latest per key with --latest. Stops at",
            "the end offsets taken at start."
        })
final class ExportCommand extends ClusterCommand implements Callable<Integer> {

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory for the files, checked writable before anything is read.")
    Path out;

    @Option(
            names = "--topics",
            split = ",",
            paramLabel = "TOPIC",
            description = "Only these output topics (default: all outputs).")
    List<String> topics;

    @picocli.CommandLine.Mixin
    ResearchOutputOptions research;

    @picocli.CommandLine.Mixin
    TopicOptions topicOptions;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        OutputRequest request = research.request(pipeline, Clock.systemUTC());
        List<String> read = OutputFiles.selected(pipeline.topics(), topics);
        OutputFiles.requireWritable("--out", out);
        prepareCluster(topicOptions, specs -> specs.named(read));
        OutputFiles.write(
                kafka.clientProperties(),
                bootstrap,
                new org.biomarkerstreams.streams.AvroSerdes(kafka.registry(), false),
                pipeline.topics(),
                topics,
                out,
                out(),
                request);
        return 0;
    }
}
