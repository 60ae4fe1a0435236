package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.biomarkerstreams.app.Hl7Ingest;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.app.report.CohortRecords;
import org.biomarkerstreams.app.report.CohortReport;
import org.biomarkerstreams.app.report.ReportLayout;
import org.biomarkerstreams.app.report.TextTable;
import org.biomarkerstreams.demo.CohortSpec;
import org.biomarkerstreams.demo.DemoShapes;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.demo.Hl7FeedWriter;
import org.biomarkerstreams.demo.MllpSender;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.PipelineCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs everything in this process, with no external services: an embedded Kafka broker, an in-memory",
            "schema registry, and the topology. A seeded synthetic cohort shaped like the UC-MSC trial of seed 000",
            "(12 MSC-infused patients, 29 controls) is streamed through it — its lab results as HL7 v2 ORU^R01 over MLLP",
            "to the built-in listener, in two LIS styles — and the trial table is printed: per arm",
            "and analyte, median [Q1-Q3] (n/N) at baseline, D3, D7, D14 and D28, time to normalization and log-rank p,",
            "rendered from the streaming cohort outputs as the 'report' command renders them.",
            "With --protocol seed-000..seed-003 the cohort and the table are shaped like that paper's (arms and sizes,",
            "infusion schedule, strata, visits, reference intervals; seed 003 blinded as Arm A / Arm B).",
            "The patients are synthetic, so outputs and the dashboard show their ids (SYN-0001) unless",
            "--pseudonym-key-file is given; the dashboard is asked by id either way.",
            "Keeps running until Ctrl-C, or exits 0 after printing with --exit-when-done."
        })
final class DemoCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    PipelineOptions pipeline;

    /** The report the demo printed last, for tests. */
    CohortReport lastReport;

    /** The pipeline while {@link #call()} runs, for an embedding caller (tests) to reach and stop it. */
    private volatile Pipeline running;

    private volatile boolean stopRequested;

    @Option(
            names = "--patients",
            defaultValue = "41",
            description = "Cohort size; the 12:29 MSC:control ratio of seed 000 is kept (default: ${DEFAULT-VALUE})."
                    + " A protocol with a demo cohort (seed-000..seed-003) brings its own sizes and ignores this.")
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

    @Option(
            names = "--mllp-port",
            defaultValue = "0",
            description = "Port of the HL7 MLLP listener the cohort's lab results are sent to; it keeps listening"
                    + " while the demo runs (default: ${DEFAULT-VALUE} = any free port).")
    int mllpPort;

    @Mixin
    Hl7Options hl7;

    @Option(names = "--exit-when-done", description = "Exit 0 once the table is printed instead of running on.")
    boolean exitWhenDone;

    @Mixin
    HttpOptions http;

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
        ProtocolFile.Loaded protocolFile = pipeline.protocolFile();
        SyntheticCohort cohort = protocolFile
                .demo()
                .map(demo -> SyntheticCohort.generate(DemoShapes.design(demo, protocolFile, seed)))
                .orElseGet(() -> SyntheticCohort.generate(CohortSpec.scaled(patients, seed)));
        if (!Protocol.DEFAULT_NAME.equals(protocolFile.protocol().name())) {
            out.printf("Protocol %s: %s%n", protocolFile.protocol().name(), protocolFile.title());
        }
        out.printf(
                "Synthetic cohort: %d patients, %d clinical events, %d lab readings (seed %d)%n",
                cohort.spec().totalPatients(),
                cohort.events().size(),
                cohort.readings().size(),
                seed);
        Pipeline p = Pipeline.embedded(
                EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults()),
                pipeline.topologyConfig(Clock.systemUTC()),
                partitions,
                Optional.of(
                        http.endpoint("localhost", HttpOptions.Defaults.DEMO).describing(protocolFile)));
        Hl7Ingest ingest = null;
        running = p;
        try {
            out.printf("Embedded Kafka broker at %s; pipeline running%n", p.bootstrapServers());
            p.dashboardUrl().ifPresent(url -> out.printf("Dashboard: %s (JSON API under %sapi/)%n", url, url));
            out.flush();
            ingest = Hl7Ingest.start(hl7.settings(pipeline.futureTolerance, "127.0.0.1"), mllpPort, p);
            out.printf("Listening for HL7 v2 over MLLP on port %d%n", ingest.port());
            out.flush();
            // Trial events (randomization, infusion, discharge) come from the trial's systems; the lab
            // results come as a lab system sends them: HL7 over MLLP, acknowledged one by one.
            try (InputPublisher publisher = new InputPublisher(
                    Map.of(), p.bootstrapServers(), p.config().topics(), p.serdes())) {
                for (RawClinicalEvent e : cohort.events()) {
                    publisher.event(e);
                }
                publisher.flush();
            }
            sendLabResults(cohort.readings(), p.config().protocol().zone(), ingest.port(), out);
            p.awaitProcessed(Duration.ofMinutes(10));
            // The table only renders what the streaming cohort outputs computed, as 'report' does.
            CohortRecords records = CohortRecords.fromCluster(
                            Map.of(),
                            p.bootstrapServers(),
                            p.serdes(),
                            p.config().topics())
                    .ofProtocol(p.config().protocol().name(), "the demo's cohort topics");
            CohortReport report = CohortReport.of(
                    ReportLayout.of(protocolFile, p.config().protocol()), records.visits(), records.curves());
            lastReport = report;
            out.println();
            out.print(TextTable.render(report));
            out.printf(
                    "%nRecords: %.0f in, %.0f accepted, %.0f dead-lettered, %.0f duplicates. Wall time %.1f s.%n",
                    PipelineCounters.total(p.meters(), PipelineCounters.IN),
                    PipelineCounters.total(p.meters(), PipelineCounters.ACCEPTED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DEAD_LETTERED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DUPLICATES),
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
            running = null;
            if (exitWhenDone || stopRequested) {
                if (ingest != null) {
                    ingest.close();
                }
                p.close();
                http.close();
            }
        }
    }

    /** The running pipeline, empty before it started and after {@link #call()} returned. */
    Optional<Pipeline> pipeline() {
        return Optional.ofNullable(running);
    }

    /** Stops a demo that keeps running, as Ctrl-C does but without exiting the JVM; {@link #call()} returns. */
    void stop() {
        stopRequested = true;
        Pipeline p = running;
        if (p != null) {
            p.runtime().close(Duration.ofSeconds(30));
        }
    }

    /** Sends the lab results as ORU^R01 messages, alternating two LIS styles by patient; all must be AA. */
    private static void sendLabResults(List<RawReading> readings, java.time.ZoneId zone, int port, PrintWriter out)
            throws Exception {
        List<String> messages = new Hl7FeedWriter(zone).oruMessages(readings, Hl7FeedWriter::alternatingStyle);
        long started = System.nanoTime();
        try (MllpSender sender = MllpSender.connect("127.0.0.1", port)) {
            for (String message : messages) {
                String code = sender.send(message);
                if (!"AA".equals(code)) {
                    throw new IllegalStateException(
                            "the HL7 listener answered " + code + " to a synthetic lab message");
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(
                "Sent %d lab results as %d HL7 ORU^R01 messages over MLLP (2 LIS styles), all acknowledged AA (%.0f messages/s)%n",
                readings.size(), messages.size(), messages.size() / seconds);
        out.flush();
    }
}
