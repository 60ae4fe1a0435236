package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.CohortSpec;
import org.biomarkerstreams.ingest.SyntheticCohort;
import org.biomarkerstreams.ops.TopicExport;
import org.biomarkerstreams.streams.CohortTable;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs everything in this process, with no external services: an embedded Kafka broker, an in-memory",
            "schema registry, and the topology. A seeded synthetic cohort shaped like the UC-MSC trial of seed 000",
            "(12 MSC-infused patients, 29 controls) is streamed through it, and the trial table is printed: per arm",
            "and analyte, median [Q1-Q3] (n) at baseline, D3, D7, D14 and D28, and time to normalization.",
            "Keeps running until Ctrl-C, or exits 0 after printing with --exit-when-done."
        })
final class DemoCommand implements Callable<Integer> {

    private static final List<String> ANALYTES = List.of("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO");

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PipelineOptions pipeline;

    /** The table the demo printed last, for tests. */
    CohortTable lastTable;

    @Option(
            names = "--patients",
            defaultValue = "41",
            description = "Cohort size; the 12:29 MSC:control ratio of seed 000 is kept (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(
            names = "--seed",
            defaultValue = "20200214",
            description = "Random seed of the cohort (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--exit-when-done", description = "Exit 0 once the table is printed instead of running on.")
    boolean exitWhenDone;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "Port for health, metrics, queries and the dashboard (reserved; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        if (patients < 2) {
            throw new IllegalArgumentException("--patients must be >= 2 (one per arm), got " + patients);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, got " + partitions);
        }
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(patients, seed));
        out.printf(
                "Synthetic cohort: %d patients, %d clinical events, %d lab readings (seed %d)%n",
                patients, cohort.events().size(), cohort.readings().size(), seed);
        Pipeline p = Pipeline.embedded(pipeline.topologyConfig(Clock.systemUTC()), partitions, meters);
        try {
            out.printf("Embedded Kafka broker at %s; pipeline running%n", p.bootstrapServers());
            out.flush();
            try (InputPublisher publisher = new InputPublisher(
                    Map.of(), p.bootstrapServers(), p.config().topics(), p.serdes())) {
                for (RawClinicalEvent e : cohort.events()) {
                    publisher.event(e);
                }
                for (RawReading r : cohort.readings()) {
                    publisher.reading(r);
                }
                publisher.flush();
            }
            p.awaitProcessed(Duration.ofMinutes(10));
            CohortTable table = table(p);
            lastTable = table;
            out.println();
            out.println(table.render());
            out.printf(
                    "%nRecords: %.0f in, %.0f accepted, %.0f dead-lettered, %.0f duplicates. Wall time %.1f s.%n",
                    PipelineCounters.total(meters, PipelineCounters.IN),
                    PipelineCounters.total(meters, PipelineCounters.ACCEPTED),
                    PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED),
                    PipelineCounters.total(meters, PipelineCounters.DUPLICATES),
                    (System.nanoTime() - started) / 1e9);
            out.flush();
            if (exitWhenDone) {
                return 0;
            }
            out.printf(
                    "The pipeline keeps running on %s (topics: %s). Press Ctrl-C to stop.%n",
                    p.bootstrapServers(), String.join(", ", p.config().topics().outputs()));
            out.flush();
            // Ctrl-C / SIGTERM: the pipeline's shutdown hook closes Streams, then the broker.
            p.runtime().awaitStopped();
            return 0;
        } finally {
            if (exitWhenDone) {
                p.close();
            }
        }
    }

    private static CohortTable table(Pipeline p) {
        Topics topics = p.config().topics();
        Map<String, BiomarkerSummary> summaries = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                p.bootstrapServers(),
                topics.summaries(),
                p.serdes().value(BiomarkerSummary.class).deserializer(),
                summaries::put);
        Map<String, TimeToNormalization> ttn = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                p.bootstrapServers(),
                topics.timeToNormalization(),
                p.serdes().value(TimeToNormalization.class).deserializer(),
                ttn::put);
        List<String> visits = new ArrayList<>(p.config().protocol().visitNames());
        visits.remove(Protocol.BASELINE);
        visits.add(0, Protocol.BASELINE);
        return CohortTable.from(summaries.values(), ttn.values(), ANALYTES, visits);
    }
}
