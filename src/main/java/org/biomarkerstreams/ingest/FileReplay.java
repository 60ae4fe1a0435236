package org.biomarkerstreams.ingest;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
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

/**
 * Streams NDJSON, CSV and HL7 files of readings and events, record by record, into sinks. A line that cannot become a
 * record never reaches an input topic: it goes to the caller as a {@link LineRejection}, whose message names the file,
 * the line and the field, and says what was expected, and which keeps the line as read, for the dead-letter topic.
 */
public final class FileReplay {

    private static final Logger log = LoggerFactory.getLogger(FileReplay.class);

    /** How many record lines went where: to the sink, and refused as malformed or rejected. */
    public record Counts(long records, long malformed, long rejected) {}

    /**
     * A record line refused before Kafka, to be dead-lettered with its code: one that cannot be read ({@code
     * UNDESERIALIZABLE}: not JSON, not a row of the CSV's header, a field of the wrong type or format) or whose
     * patient identifier is not the one the rule selects ({@code NO_MATCHING_PATIENT_ID}).
     *
     * @param message starts with the file name and line number, e.g. {@code readings.ndjson line 3: field
     *     'observedAt' must be ...}; never quotes a value
     * @param line the line as read
     */
    public record LineRejection(ErrorCode code, String message, String line) {}

    private FileReplay() {}

    /** The readings of an NDJSON or CSV file, keyed by the bare patient id. */
    public static Counts readings(Path file, Clock clock, Consumer<RawReading> sink, Consumer<LineRejection> refused)
            throws IOException {
        return readings(file, clock, PatientIdRule.BARE, sink, refused, bytes -> {});
    }

    /**
     * The readings of an NDJSON or CSV file (by its name ending in {@code .csv}), keyed by {@code rule}.
     *
     * @param bytesRead told the bytes of the file read so far, for a progress line
     * @throws IllegalArgumentException when a CSV header lacks a required column ({@link #requireColumns})
     */
    public static Counts readings(
            Path file,
            Clock clock,
            PatientIdRule rule,
            Consumer<RawReading> sink,
            Consumer<LineRejection> refused,
            LongConsumer bytesRead)
            throws IOException {
        NdjsonReadings parser = new NdjsonReadings(clock, rule);
        return replay(file, CsvRecords.READINGS, parser::parse, sink, refused, bytesRead);
    }

    /** The events of an NDJSON or CSV file, keyed by the bare patient id. */
    public static Counts events(Path file, Consumer<RawClinicalEvent> sink, Consumer<LineRejection> refused)
            throws IOException {
        return events(file, PatientIdRule.BARE, sink, refused, bytes -> {});
    }

    /**
     * The events of an NDJSON or CSV file, keyed by {@code rule}.
     *
     * @throws IllegalArgumentException when a CSV header lacks a required column ({@link #requireColumns})
     */
    public static Counts events(
            Path file,
            PatientIdRule rule,
            Consumer<RawClinicalEvent> sink,
            Consumer<LineRejection> refused,
            LongConsumer bytesRead)
            throws IOException {
        return replay(file, CsvRecords.EVENTS, line -> NdjsonEvents.parse(line, rule), sink, refused, bytesRead);
    }

    /** Whether a file is read as CSV: its name ends in {@code .csv}; any other is NDJSON. */
    public static boolean isCsv(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    }

    /**
     * Checks, before anything is sent, that a CSV file's header row has the columns of its records: every row would
     * be dead-lettered otherwise. An NDJSON file passes.
     *
     * @throws IllegalArgumentException naming the file, the missing columns and the columns expected
     */
    public static void requireColumns(Path file, CsvRecords.Columns columns) throws IOException {
        if (!isCsv(file)) {
            return;
        }
        try (Stream<NdjsonFile.Line> lines = NdjsonFile.lines(file)) {
            Optional<NdjsonFile.Line> first = lines.findFirst();
            if (first.isPresent()) {
                header(file, first.get(), columns);
            }
        }
    }

    private static CsvRecords.Header header(Path file, NdjsonFile.Line line, CsvRecords.Columns columns) {
        try {
            CsvRecords.Header header = CsvRecords.header(line.text(), columns);
            columns.require(header);
            return header;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file.getFileName() + " line " + line.number() + ": " + e.getMessage());
        }
    }

    /**
     * Parses every record line (of NDJSON, or of CSV after its header row); a line that cannot become a record goes
     * to {@code refused} with its code, a message naming the file, line and field, and its text. The reason is logged
     * with the line number, never the content.
     */
    private static <T> Counts replay(
            Path file,
            CsvRecords.Columns columns,
            Function<NdjsonFile.Line, ParsedLine<T>> parser,
            Consumer<T> sink,
            Consumer<LineRejection> refused,
            LongConsumer bytesRead)
            throws IOException {
        boolean csv = isCsv(file);
        String name = file.getFileName().toString();
        CsvRecords.Header header = null;
        long ok = 0;
        long bad = 0;
        long rejected = 0;
        try (Stream<NdjsonFile.Line> lines = NdjsonFile.lines(file, bytesRead)) {
            for (NdjsonFile.Line line : (Iterable<NdjsonFile.Line>) lines::iterator) {
                if (csv && header == null) {
                    header = header(file, line, columns);
                    continue;
                }
                ParsedLine<T> parsed = csv ? parseCsv(header, line, parser) : parser.apply(line);
                if (parsed instanceof ParsedLine.Parsed<T> p) {
                    sink.accept(p.value());
                    ok++;
                } else if (parsed instanceof ParsedLine.Malformed<T> m) {
                    log.warn("{} {}; it goes to the dead-letter topic", name, m.reason());
                    refused.accept(new LineRejection(ErrorCode.UNDESERIALIZABLE, name + " " + m.reason(), line.text()));
                    bad++;
                } else if (parsed instanceof ParsedLine.Rejected<T> r) {
                    log.warn(
                            "{} {} ({}); it goes to the dead-letter topic",
                            name,
                            r.rejection().message(),
                            r.rejection().code());
                    refused.accept(new LineRejection(
                            r.rejection().code(), name + " " + r.rejection().message(), line.text()));
                    rejected++;
                }
            }
        }
        return new Counts(ok, bad, rejected);
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
            CsvRecords.Header header, NdjsonFile.Line line, Function<NdjsonFile.Line, ParsedLine<T>> parser) {
        try {
            return parser.apply(new NdjsonFile.Line(line.number(), CsvRecords.toJson(header, line.text())));
        } catch (IllegalArgumentException e) {
            return new ParsedLine.Malformed<>("line " + line.number() + ": " + e.getMessage());
        }
    }
}
