package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.Backfill;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.ProgressLine;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.PatientSubtopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Processes what is on the input topics now (e.g. files sent with 'replay --bootstrap-servers') with the",
            "topology's own processors, group of patients by group from spill files (--spill-dir), writing no",
            "intermediate state, and hands over to 'run': each output is",
            "written once (the latest per key; every dead letter and alert), the state stores to their changelogs",
            "and the input offsets committed for --application-id, so 'run' with the same --application-id restores",
            "and goes on with new readings, corrections and late data without reprocessing history.",
            "Stop every 'run' instance of the application first. One transaction per input partition; a backfill",
            "stopped half-way is run again to finish (partitions already committed are skipped). Start it on",
            "several machines to share the partitions: the instances form the consumer group <application-id>-backfill."
        })
final class BackfillCommand extends ClusterCommand implements Callable<Integer> {

    @Option(
            names = "--application-id",
            defaultValue = "biomarker-streams",
            description = "The application id of the 'run' that continues (its consumer group and internal topics)"
                    + " (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Input partitions processed at once (default: the available processors).")
    Integer threads;

    @Option(
            names = "--processing-guarantee",
            defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "That of the 'run' that continues (default: ${DEFAULT-VALUE}); at_least_once re-sends"
                    + " duplicates' outputs, as 'run' does.")
    String processingGuarantee;

    @Option(
            names = "--identified-outputs",
            description = "As for 'run': real patient ids in the per-patient outputs instead of pseudonyms.")
    boolean identifiedOutputs;

    @Option(
            names = "--spill-dir",
            paramLabel = "DIR",
            description = "Where each task's input waits, by group of patients, to be folded group by group"
                    + " (default: <java.io.tmpdir>/biomarker-streams-backfill). Needs about the input's size.")
    Path spillDirectory;

    @Option(
            names = "--records-per-group",
            paramLabel = "N",
            defaultValue = "5000",
            description = "Input records folded in memory at a time per thread (about 1 KB each); a task is folded in"
                    + " groups of patients of about that many records, at most 512 groups (default: ${DEFAULT-VALUE}).")
    int recordsPerGroup;

    @Mixin
    TopicOptions topicOptions;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
                && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("--processing-guarantee must be exactly_once_v2 or at_least_once");
        }
        pipeline.requireOutputIdentity(identifiedOutputs);
        // The configuration 'run' builds, so that the state and outputs are what it would have made.
        TopologyConfig config = pipeline.topologyConfig(Clock.systemUTC()).toBuilder()
                .redeliverDuplicates(processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE))
                .build();
        prepareCluster(topicOptions, PipelineTopics::all);
        AvroSerdes serdes = kafka.serdes();
        serdes.requireWriterSchemas(config.topics().outputs(serdes));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        PipelineCounters counters = new PipelineCounters(meters);
        Backfill backfill = new Backfill(
                new Backfill.Settings(
                        bootstrap,
                        applicationId,
                        kafka.clientProperties(),
                        n,
                        spillDirectory == null
                                ? Path.of(System.getProperty("java.io.tmpdir"), "biomarker-streams-backfill")
                                : spillDirectory,
                        recordsPerGroup),
                config,
                serdes,
                new PatientSubtopology(config, counters));
        // The total is not known: the instances of the backfill's group share the partitions as they go.
        ProgressLine progress = ProgressLine.onStderr("backfill: input records read", -1);
        Backfill.Report r = backfill.run(read -> {
            if (read > progress.count()) {
                progress.advance(read - progress.count());
            }
        });
        progress.finish();
        PrintWriter out = out();
        out.printf(
                "Backfilled %d input records, %d of %d input partitions written here (%d already committed, skipped;"
                        + " the rest by other backfill instances) in %.1f s (%.0f records/s): %.0f accepted, %.0f"
                        + " dead-lettered, %.0f duplicates; %d records written%n",
                r.inputRecords(),
                r.tasksWritten(),
                r.partitions(),
                r.tasksSkipped(),
                r.seconds(),
                r.inputRecords() / Math.max(r.seconds(), 1e-9),
                PipelineCounters.total(meters, PipelineCounters.ACCEPTED),
                PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED),
                PipelineCounters.total(meters, PipelineCounters.DUPLICATES),
                r.recordsWritten());
        out.printf(
                "Input offsets committed for %s: start 'run --application-id %s' to continue%n",
                applicationId, applicationId);
        out.flush();
        return 0;
    }
}
