package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.biomarkerstreams.app.OutputFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the output topics of a cluster (all of them by default) to DIR/<topic>.ndjson, one JSON object",
            "per record with the Avro fields under their schema names, as 'replay' writes them; stops at the end."
        })
final class ExportCommand extends ClusterCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the NDJSON files.")
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
        var shift = research.dateShift();
        List<String> read = OutputFiles.selected(pipeline.topics(), topics);
        prepareCluster(topicOptions, specs -> specs.named(read));
        OutputFiles.write(
                kafka.clientProperties(),
                bootstrap,
                new org.biomarkerstreams.streams.AvroSerdes(kafka.registry(), false),
                pipeline.topics(),
                topics,
                out,
                out(),
                shift);
        return 0;
    }
}
