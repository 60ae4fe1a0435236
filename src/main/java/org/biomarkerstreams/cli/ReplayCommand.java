package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.biomarkerstreams.ingest.FileReplay;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Feeds NDJSON files of readings and clinical events through the pipeline.",
            "Without --bootstrap-servers: starts a fresh embedded broker and registry, runs the whole pipeline,",
            "writes every output topic to DIR/<topic>.ndjson in emit order, and exits 0 once all input is processed.",
            "A malformed line is dead-lettered like any bad input (see lab-readings-dlq.ndjson), never skipped.",
            "With --bootstrap-servers and --schema-registry-url: only writes the files to that cluster's input topics."
        })
final class ReplayCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--readings", paramLabel = "FILE", description = "NDJSON lab readings (see README).")
    Path readings;

    @Option(names = "--events", paramLabel = "FILE", description = "NDJSON clinical events (see README).")
    Path events;

    @Option(
            names = "--hl7",
            paramLabel = "FILE",
            description = "HL7 v2 messages (ORU^R01 results, RAS^O17 infusions, ADT^A01/A03/A04), MLLP-framed or"
                    + " separated by blank lines. A message that cannot be used is dead-lettered with its code.")
    Path hl7;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where to write the output topics (embedded mode; default: ./replay-out).",
            defaultValue = "replay-out")
    Path out;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT30M",
            description = "Give up if processing takes longer (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (readings == null && events == null && hl7 == null) {
            throw new IllegalArgumentException("give --readings FILE and/or --events FILE and/or --hl7 FILE");
        }
        for (Path f : new Path[] {readings, events, hl7}) {
            if (f != null && !Files.isReadable(f)) {
                throw new IllegalArgumentException("cannot read " + f);
            }
        }
        PrintWriter report = spec.commandLine().getOut();
        if (kafka.hasCluster()) {
            AvroSerdes serdes = new AvroSerdes(kafka.registry(), true);
            try (InputPublisher publisher =
                    new InputPublisher(kafka.clientProperties(), kafka.bootstrapServers, pipeline.topics(), serdes)) {
                publish(publisher, report);
            }
            return 0;
        }
        try (Pipeline p = Pipeline.embedded(pipeline.topologyConfig(Clock.systemUTC()), 1)) {
            long started = System.nanoTime();
            long sent;
            try (InputPublisher publisher = new InputPublisher(
                    Map.of(), p.bootstrapServers(), p.config().topics(), p.serdes())) {
                publish(publisher, report);
                sent = publisher.sent();
            }
            p.awaitProcessed(timeout);
            double seconds = (System.nanoTime() - started) / 1e9;
            report.printf(
                    "Processed %d input records in %.1f s (%.0f records/s): %.0f accepted, %.0f dead-lettered, %.0f duplicates%n",
                    sent,
                    seconds,
                    sent / seconds,
                    PipelineCounters.total(p.meters(), PipelineCounters.ACCEPTED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DEAD_LETTERED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DUPLICATES));
            report.println("Outputs:");
            report.flush();
            OutputFiles.write(
                    Map.of(), p.bootstrapServers(), p.serdes(), p.config().topics(), null, out, report);
        }
        return 0;
    }

    private void publish(InputPublisher publisher, PrintWriter report) throws Exception {
        Topics topics = pipeline.topics();
        if (events != null) {
            FileReplay.Counts c = FileReplay.events(events, publisher::event, publisher::malformedEvent);
            report.printf("Sent %d events (%d malformed lines) to %s%n", c.records(), c.malformed(), topics.events());
        }
        if (readings != null) {
            FileReplay.Counts c =
                    FileReplay.readings(readings, Clock.systemUTC(), publisher::reading, publisher::malformedReading);
            report.printf(
                    "Sent %d readings (%d malformed lines) to %s%n", c.records(), c.malformed(), topics.readings());
        }
        if (hl7 != null) {
            FileReplay.Hl7Counts c = FileReplay.hl7(
                    hl7,
                    new Hl7Mapper(Hl7Settings.defaults(Clock.systemUTC()).withSiteZone(pipeline.zone())),
                    publisher::reading,
                    publisher::event,
                    r -> publisher.deadLetter(
                            "hl7:" + hl7.getFileName(),
                            r.code(),
                            r.message(),
                            r.er7().getBytes(StandardCharsets.UTF_8)));
            report.printf(
                    "Sent %d readings and %d events from %d HL7 messages (%d rejected and dead-lettered, %d results not done)%n",
                    c.readings(), c.events(), c.messages(), c.rejected(), c.notDone());
        }
        publisher.flush();
    }
}
