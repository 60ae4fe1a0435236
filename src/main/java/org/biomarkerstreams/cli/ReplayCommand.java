package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.biomarkerstreams.app.DeadLetterReplay;
import org.biomarkerstreams.app.OutputFiles;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.ProgressLine;
import org.biomarkerstreams.app.output.OutputRequest;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.domain.DateShift;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.ingest.CsvRecords;
import org.biomarkerstreams.ingest.FileReplay;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Feeds NDJSON or CSV files of readings and clinical events through the pipeline.",
            "Without --bootstrap-servers: starts a fresh embedded broker and registry, runs the whole pipeline,",
            "writes all seven output topics to DIR (NDJSON in emit order; CSV or Dataset-JSON with --format, the",
            "latest per key with --latest), and exits 0 once all input is processed.",
            "A line that cannot be read is dead-lettered with its file, line and reason, never skipped; a CSV whose",
            "header lacks a required column is refused before anything is sent (README: When a file is refused).",
            "With --bootstrap-servers and --schema-registry-url: only writes the files to that cluster's input topics.",
            "With --from-dlq (and --bootstrap-servers, --schema-registry-url): after a fix, writes the dead letters of",
            "the dead-letter topic back to their input topics, key and value bytes unchanged; safe to repeat."
        })
final class ReplayCommand extends ClusterCommand implements Callable<Integer> {

    @Option(
            names = "--readings",
            paramLabel = "FILE",
            description = "Lab readings: NDJSON, or CSV when the name ends in .csv (header row with the NDJSON field"
                    + " names, ',' or ';' separated; see README).")
    Path readings;

    @Option(
            names = "--events",
            paramLabel = "FILE",
            description = "Clinical events: NDJSON, or CSV when the name ends in .csv (see README).")
    Path events;

    @Option(
            names = "--hl7",
            paramLabel = "FILE",
            description = "HL7 v2 messages (ORU^R01 results, RAS^O17 infusions, ADT^A01/A03/A04), MLLP-framed or"
                    + " separated by blank lines. A message that cannot be used is dead-lettered with its code.")
    Path hl7;

    @Option(
            names = "--from-dlq",
            description = "Replay the dead-letter topic (--dead-letter-topic) of the cluster instead of files: each"
                    + " selected dead letter's original key and value bytes go back, unchanged and with their"
                    + " timestamp, to the input topic they came from. Dead letters from elsewhere (hl7:<file>), with"
                    + " no value or with a truncated value are skipped and counted. Safe to run twice: what the"
                    + " topology already accepted is a duplicate there; what is still bad is dead-lettered again."
                    + " Sealed dead letters need --dead-letter-key-file; without it the replay stops at the first.")
    boolean fromDlq;

    @Option(
            names = "--error-code",
            paramLabel = "CODE",
            description = "With --from-dlq: replay only dead letters with this error code (repeatable; default: all),"
                    + " e.g. UNKNOWN_SCHEMA after registering the schema, OVERSIZED after raising --max-record-bytes.")
    List<String> errorCodes = new ArrayList<>();

    @Option(
            names = "--source-topic",
            paramLabel = "TOPIC",
            description = "With --from-dlq: replay only dead letters from this input topic (repeatable; default: all).")
    List<String> sourceTopics = new ArrayList<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Where to write the output topics (embedded mode; default: ./replay-out); checked"
                    + " writable before the pipeline starts.",
            defaultValue = "replay-out")
    Path out;

    @picocli.CommandLine.Mixin
    ResearchOutputOptions research;

    /** With --bootstrap-servers: the topics of the cluster; the embedded pipeline makes its own. */
    @picocli.CommandLine.Mixin
    TopicOptions topicOptions;

    @picocli.CommandLine.Mixin
    IngestOptions ingest;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT30M",
            description = "Give up if processing takes longer (ISO-8601, default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** Lines of the files the file reader dead-lettered itself: they never reach the topology's counters. */
    private long refusedLines;

    @Override
    public Integer call() throws Exception {
        if (fromDlq) {
            return replayDeadLetters();
        }
        if (!errorCodes.isEmpty() || !sourceTopics.isEmpty()) {
            throw new IllegalArgumentException(
                    "--error-code and --source-topic select dead letters: use them with" + " --from-dlq");
        }
        if (readings == null && events == null && hl7 == null) {
            throw new IllegalArgumentException("give --readings FILE and/or --events FILE and/or --hl7 FILE");
        }
        for (Path f : new Path[] {readings, events, hl7}) {
            if (f != null && !Files.isReadable(f)) {
                throw new IllegalArgumentException("cannot read " + f);
            }
        }
        // A CSV header without the columns of its records would dead-letter every row: refuse it before anything.
        if (readings != null) {
            FileReplay.requireColumns(readings, CsvRecords.READINGS);
        }
        if (events != null) {
            FileReplay.requireColumns(events, CsvRecords.EVENTS);
        }
        // Options first: a wrong rule or character set fails before a broker starts.
        ingest.patientIdRule();
        ingest.hl7DefaultCharset();
        PrintWriter report = out();
        DateShift shift = research.dateShift();
        if (kafka.hasCluster()) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--out")) {
                // Otherwise the files the user asked for are silently not written (BIOMARKER_BOOTSTRAP_SERVERS
                // in the environment is enough to turn an embedded replay into one to a cluster).
                throw new IllegalArgumentException("--out writes the outputs of an embedded replay; with"
                        + " --bootstrap-servers " + kafka.bootstrapServers + " (given, or from"
                        + " BIOMARKER_BOOTSTRAP_SERVERS) replay only writes the input topics: drop --out and use"
                        + " 'export' for the cluster's outputs, or unset BIOMARKER_BOOTSTRAP_SERVERS for an embedded"
                        + " replay");
            }
            if (shift.enabled()) {
                throw new IllegalArgumentException("--date-shift-key-file shifts the output files of an embedded replay"
                        + " (or of 'export'); with --bootstrap-servers, replay writes no output files");
            }
            for (String option : List.of("--format", "--latest")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option + " shapes the output files of an embedded replay (or"
                            + " of 'export'); with --bootstrap-servers, replay writes no output files");
                }
            }
            AvroSerdes serdes = kafka.serdes();
            serdes.requireWriterSchemas(pipeline.topics().ingest(serdes));
            DeadLetters letters = pipeline.deadLetters();
            prepareCluster(topicOptions, PipelineTopics::feeds);
            // Whole messages, lines that cannot be read, or that a selecting rule refuses, go to the dead-letter topic
            // from here.
            pipeline.warnIfDeadLettersInPlaintext();
            try (InputPublisher publisher = new InputPublisher(
                    kafka.clientProperties(), kafka.bootstrapServers, pipeline.topics(), serdes, letters)) {
                publish(publisher, report);
            }
            return 0;
        }
        // Before the pipeline runs: an unwritable --out found after processing loses every result.
        OutputRequest request = research.request(pipeline, Clock.systemUTC());
        OutputFiles.requireWritable("--out", out);
        // Read (site profile, protocol, pipeline options) before the broker starts: a mistake is the first thing said.
        TopologyConfig config = pipeline.topologyConfig(Clock.systemUTC());
        try (Pipeline p = Pipeline.embedded(
                EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults()), config, 1, Optional.empty())) {
            long started = System.nanoTime();
            long sent;
            try (InputPublisher publisher = new InputPublisher(
                    Map.of(),
                    p.bootstrapServers(),
                    p.config().topics(),
                    p.serdes(),
                    DeadLetters.forTopology(p.config()))) {
                publish(publisher, report);
                sent = publisher.sent();
            }
            p.awaitProcessed(timeout, ProgressLine.onStderr("replay: records processed", sent));
            double seconds = (System.nanoTime() - started) / 1e9;
            report.printf(
                    "Processed %d input records in %.1f s (%.0f records/s): %.0f accepted, %.0f dead-lettered, %.0f duplicates%s%n",
                    sent,
                    seconds,
                    sent / seconds,
                    PipelineCounters.total(p.meters(), PipelineCounters.ACCEPTED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DEAD_LETTERED),
                    PipelineCounters.total(p.meters(), PipelineCounters.DUPLICATES),
                    refusedLines == 0
                            ? ""
                            : "; and " + refusedLines + " file lines dead-lettered by the file reader ("
                                    + deadLetterTopic() + ")");
            report.println("Outputs:");
            report.flush();
            OutputFiles.write(
                    Map.of(), p.bootstrapServers(), p.serdes(), p.config().topics(), null, out, report, request);
        }
        return 0;
    }

    private int replayDeadLetters() throws InterruptedException {
        if (readings != null || events != null || hl7 != null) {
            throw new IllegalArgumentException(
                    "--from-dlq replays the dead-letter topic: give no --readings, --events" + " or --hl7 with it");
        }
        String bootstrap = kafka.requireBootstrapServers();
        Set<String> codes = new TreeSet<>();
        for (String code : errorCodes) {
            try {
                codes.add(
                        ErrorCode.valueOf(code.trim().toUpperCase(Locale.ROOT)).name());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--error-code " + code + ": not an error code; expected one of "
                        + Arrays.toString(ErrorCode.values()));
            }
        }
        Topics topics = pipeline.topics();
        for (String topic : sourceTopics) {
            if (!topics.inputs().contains(topic)) {
                throw new IllegalArgumentException("--source-topic " + topic + ": not an input topic of the pipeline "
                        + topics.inputs() + " (set --readings-topic / --events-topic as for run)");
            }
        }
        AvroSerdes serdes = new AvroSerdes(kafka.registry(), false);
        DeadLetterKeys keys = pipeline.deadLetterKeys();
        prepareCluster(topicOptions, PipelineTopics::feeds);
        DeadLetterReplay.Report r = DeadLetterReplay.replay(
                kafka.clientProperties(),
                bootstrap,
                topics,
                serdes.value(DeadLetter.class).deserializer(),
                new DeadLetterReplay.Selection(codes, new TreeSet<>(sourceTopics)),
                keys);
        PrintWriter report = out();
        report.printf(
                "Read %d dead letters from %s: %d replayed %s, %d not selected%n",
                r.read(),
                topics.deadLetters(),
                r.count(DeadLetterReplay.Outcome.REPLAYED),
                r.replayedByCode(),
                r.count(DeadLetterReplay.Outcome.NOT_SELECTED));
        report.printf(
                "Skipped: %d not from an input topic, %d without a payload, %d truncated, %d already replayed in this"
                        + " run, %d unreadable, %d sealed and not opened by the configured keys%n",
                r.count(DeadLetterReplay.Outcome.NOT_AN_INPUT_TOPIC),
                r.count(DeadLetterReplay.Outcome.NO_PAYLOAD),
                r.count(DeadLetterReplay.Outcome.TRUNCATED),
                r.count(DeadLetterReplay.Outcome.ALREADY_REPLAYED),
                r.count(DeadLetterReplay.Outcome.UNREADABLE),
                r.count(DeadLetterReplay.Outcome.CANNOT_OPEN));
        report.flush();
        return 0;
    }

    private void publish(InputPublisher publisher, PrintWriter report) throws Exception {
        Topics topics = pipeline.topics();
        PatientIdRule rule = ingest.patientIdRule();
        FileProgress progress = new FileProgress(events, readings);
        if (events != null) {
            FileReplay.Counts c =
                    FileReplay.events(events, rule, publisher::event, refused(publisher, events), progress.nextFile());
            refusedLines += c.malformed() + c.rejected();
            report.printf(
                    "Sent %d events (%d malformed lines) to %s%s%n",
                    c.records(), c.malformed(), topics.events(), refusedLines(c));
        }
        if (readings != null) {
            FileReplay.Counts c = FileReplay.readings(
                    readings,
                    Clock.systemUTC(),
                    rule,
                    publisher::reading,
                    refused(publisher, readings),
                    progress.nextFile());
            refusedLines += c.malformed() + c.rejected();
            report.printf(
                    "Sent %d readings (%d malformed lines) to %s%s%n",
                    c.records(), c.malformed(), topics.readings(), refusedLines(c));
        }
        progress.finish();
        if (hl7 != null) {
            FileReplay.Hl7Counts c = FileReplay.hl7(
                    hl7,
                    ingest.hl7DefaultCharset(),
                    new Hl7Mapper(Hl7Settings.defaults(Clock.systemUTC())
                            .withSiteZone(pipeline.zone())
                            .withFutureTolerance(pipeline.futureTolerance)
                            .withPatientIdRule(rule)),
                    publisher::reading,
                    publisher::event,
                    r -> publisher.deadLetter(
                            DeadLetters.Source.outsideKafka("hl7:" + hl7.getFileName()),
                            r.code(),
                            r.message(),
                            r.payload()));
            report.printf(
                    "Sent %d readings and %d events from %d HL7 messages (%d rejected and dead-lettered, %d results not done)%n",
                    c.readings(), c.events(), c.messages(), c.rejected(), c.notDone());
        }
        publisher.flush();
    }

    /**
     * A line that cannot be read, or whose patient identifier the rule does not select: dead-lettered from {@code
     * file} (as HL7 is) with the reader's message and the line as payload; it never reaches an input topic.
     */
    private static java.util.function.Consumer<FileReplay.LineRejection> refused(InputPublisher publisher, Path file) {
        return r -> publisher.deadLetter(
                DeadLetters.Source.outsideKafka("file:" + file.getFileName()),
                r.code(),
                r.message(),
                r.line().getBytes(StandardCharsets.UTF_8));
    }

    private String refusedLines(FileReplay.Counts c) {
        String malformed = c.malformed() == 0
                ? ""
                : "; " + c.malformed() + " malformed lines dead-lettered UNDESERIALIZABLE to " + deadLetterTopic()
                        + " (each logged with its file, line and reason)";
        return malformed
                + (c.rejected() == 0 ? "" : "; " + c.rejected() + " lines dead-lettered NO_MATCHING_PATIENT_ID");
    }

    private String deadLetterTopic() {
        return pipeline.topics().deadLetters();
    }

    /** One progress line on stderr for the bytes read of the NDJSON/CSV files, silent for a short replay. */
    private static final class FileProgress {
        private final ProgressLine line;
        private long done;

        FileProgress(Path... files) throws java.io.IOException {
            long total = 0;
            List<String> names = new ArrayList<>();
            for (Path f : files) {
                if (f != null) {
                    total += Files.size(f);
                    names.add(f.getFileName().toString());
                }
            }
            line = ProgressLine.onStderr("replay: KiB read of " + String.join(", ", names), total / 1024);
        }

        /** Told the bytes read so far of the next file, read after those before it. */
        java.util.function.LongConsumer nextFile() {
            long before = done;
            return bytes -> {
                long kib = (before + bytes) / 1024;
                if (kib > line.count()) {
                    line.advance(kib - line.count());
                }
                done = before + bytes;
            };
        }

        void finish() {
            line.finish();
        }
    }
}
