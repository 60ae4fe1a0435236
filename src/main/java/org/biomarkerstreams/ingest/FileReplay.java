package org.biomarkerstreams.ingest;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.hl7.Hl7Charset;
import org.biomarkerstreams.ingest.hl7.Hl7File;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams NDJSON, CSV and HL7 files of readings and events, record by record, into sinks. */
public final class FileReplay {

    private static final Logger log = LoggerFactory.getLogger(FileReplay.class);

    /** How many lines went where. */
    public record Counts(long records, long malformed, long rejected) {}

    /** A line read but refused before Kafka (its patient identifier is not the one the rule selects). */
    public record LineRejection(ErrorCode code, String message, String line) {}

    private FileReplay() {}

    public static Counts readings(Path file, Clock clock, Consumer<RawReading> sink, Consumer<String> malformed)
            throws IOException {
        return readings(file, clock, PatientIdRule.BARE, sink, malformed, FileReplay::neverRejected);
    }

    /** The readings of an NDJSON or CSV file, keyed by {@code rule}. */
    public static Counts readings(
            Path file,
            Clock clock,
            PatientIdRule rule,
            Consumer<RawReading> sink,
            Consumer<String> malformed,
            Consumer<LineRejection> rejected)
            throws IOException {
        NdjsonReadings parser = new NdjsonReadings(clock, rule);
        return replay(file, parser::parse, sink, malformed, rejected);
    }

    public static Counts events(Path file, Consumer<RawClinicalEvent> sink, Consumer<String> malformed)
            throws IOException {
        return events(file, PatientIdRule.BARE, sink, malformed, FileReplay::neverRejected);
    }

    /** The events of an NDJSON or CSV file, keyed by {@code rule}. */
    public static Counts events(
            Path file,
            PatientIdRule rule,
            Consumer<RawClinicalEvent> sink,
            Consumer<String> malformed,
            Consumer<LineRejection> rejected)
            throws IOException {
        return replay(file, line -> NdjsonEvents.parse(line, rule), sink, malformed, rejected);
    }

    /** The bare rule keys every identifier it is given. */
    private static void neverRejected(LineRejection r) {
        throw new IllegalStateException("rejected by the bare patient id rule: " + r.code());
    }

    /**
     * Parses every record line (of NDJSON, or of CSV when the file name ends in {@code .csv}); a
     * malformed one goes to {@code malformed} as its raw text so the pipeline can dead-letter it, a rejected one to
     * {@code rejected} with its code (the reason is logged with the line number, never the content).
     */
    private static <T> Counts replay(
            Path file,
            Function<NdjsonFile.Line, ParsedLine<T>> parser,
            Consumer<T> sink,
            Consumer<String> malformed,
            Consumer<LineRejection> rejected)
            throws IOException {
        boolean csv =
                file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        List<String> header = null;
        long ok = 0;
        long bad = 0;
        long refused = 0;
        try (Stream<NdjsonFile.Line> lines = NdjsonFile.lines(file)) {
            for (NdjsonFile.Line line : (Iterable<NdjsonFile.Line>) lines::iterator) {
                if (csv && header == null) {
                    header = CsvRecords.header(line.text());
                    continue;
                }
                ParsedLine<T> parsed = csv ? parseCsv(header, line, parser) : parser.apply(line);
                if (parsed instanceof ParsedLine.Parsed<T> p) {
                    sink.accept(p.value());
                    ok++;
                } else if (parsed instanceof ParsedLine.Malformed<T> m) {
                    log.warn("{}: {}; it goes to the dead-letter topic", file.getFileName(), m.reason());
                    malformed.accept(line.text());
                    bad++;
                } else if (parsed instanceof ParsedLine.Rejected<T> r) {
                    log.warn(
                            "{}: {} ({}); it goes to the dead-letter topic",
                            file.getFileName(),
                            r.rejection().code(),
                            r.rejection().message());
                    rejected.accept(new LineRejection(
                            r.rejection().code(), r.rejection().message(), line.text()));
                    refused++;
                }
            }
        }
        return new Counts(ok, bad, refused);
    }

    /** What an HL7 file replay did. */
    public record Hl7Counts(long messages, long readings, long events, long notDone, long rejected) {}

    /**
     * A message that cannot be used: its code, readable reason and bytes to dead-letter (the text as UTF-8, as the
     * MLLP listener keeps it; the bytes as read when they could not be decoded).
     */
    public record Hl7Rejection(ErrorCode code, String message, byte[] payload) {}

    /**
     * Maps every message of an HL7 file (MLLP-framed, or separated by blank lines) to readings and events, each
     * decoded as the MLLP listener decodes a frame ({@link Hl7Charset}); a message that cannot be used goes to
     * {@code rejected}, to be dead-lettered.
     *
     * @param defaultCharset the character set of a message without MSH-18 whose bytes are not valid UTF-8
     */
    public static Hl7Counts hl7(
            Path file,
            Charset defaultCharset,
            Hl7Mapper mapper,
            Consumer<RawReading> readings,
            Consumer<RawClinicalEvent> events,
            Consumer<Hl7Rejection> rejected)
            throws IOException {
        long messages = 0;
        long readingCount = 0;
        long eventCount = 0;
        long notDone = 0;
        long bad = 0;
        try (Stream<byte[]> all = Hl7File.messages(file)) {
            for (byte[] bytes : (Iterable<byte[]>) all::iterator) {
                messages++;
                Hl7Charset.Decoded decoded = Hl7Charset.decode(bytes, defaultCharset);
                Hl7Outcome outcome;
                byte[] payload;
                if (decoded instanceof Hl7Charset.Text text) {
                    outcome = mapper.map(text.er7());
                    payload = text.er7().getBytes(StandardCharsets.UTF_8);
                } else {
                    String name = ((Hl7Charset.Unsupported) decoded).name();
                    outcome = new Hl7Outcome.Rejected(
                            ErrorCode.UNDESERIALIZABLE,
                            "character set '" + name + "' in MSH-18 is not supported",
                            "MSH^1^18");
                    payload = bytes;
                }
                if (outcome instanceof Hl7Outcome.Accepted a) {
                    a.readings().forEach(readings);
                    a.events().forEach(events);
                    readingCount += a.readings().size();
                    eventCount += a.events().size();
                    notDone += a.notDone();
                } else if (outcome instanceof Hl7Outcome.Rejected r) {
                    log.warn(
                            "{}: message {} rejected: {} ({})",
                            file.getFileName(),
                            messages,
                            r.errorCode(),
                            r.message());
                    rejected.accept(new Hl7Rejection(r.errorCode(), r.message(), payload));
                    bad++;
                }
            }
        }
        return new Hl7Counts(messages, readingCount, eventCount, notDone, bad);
    }

    private static <T> ParsedLine<T> parseCsv(
            List<String> header, NdjsonFile.Line line, Function<NdjsonFile.Line, ParsedLine<T>> parser) {
        try {
            return parser.apply(new NdjsonFile.Line(line.number(), CsvRecords.toJson(header, line.text())));
        } catch (IllegalArgumentException e) {
            return new ParsedLine.Malformed<>("line " + line.number() + ": " + e.getMessage());
        }
    }
}
