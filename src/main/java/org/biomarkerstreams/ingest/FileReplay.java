package org.biomarkerstreams.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.hl7.Hl7File;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Streams NDJSON files of readings and events, line by line, into sinks. */
public final class FileReplay {

    private static final Logger log = LoggerFactory.getLogger(FileReplay.class);

    /** How many lines went where. */
    public record Counts(long records, long malformed) {}

    private FileReplay() {}

    public static Counts readings(Path file, Clock clock, Consumer<RawReading> sink, Consumer<String> malformed)
            throws IOException {
        NdjsonReadings parser = new NdjsonReadings(clock);
        return replay(file, parser::parse, sink, malformed);
    }

    public static Counts events(Path file, Consumer<RawClinicalEvent> sink, Consumer<String> malformed)
            throws IOException {
        return replay(file, NdjsonEvents::parse, sink, malformed);
    }

    /**
     * Parses every record line (of NDJSON, or of CSV when the file name ends in {@code .csv}); a
     * malformed one goes to {@code malformed} as its raw text so the pipeline can dead-letter it (the
     * reason is logged with the line number, never the content).
     */
    private static <T> Counts replay(
            Path file, Function<NdjsonFile.Line, ParsedLine<T>> parser, Consumer<T> sink, Consumer<String> malformed)
            throws IOException {
        boolean csv =
                file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv");
        List<String> header = null;
        long ok = 0;
        long bad = 0;
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
                }
            }
        }
        return new Counts(ok, bad);
    }

    /** What an HL7 file replay did. */
    public record Hl7Counts(long messages, long readings, long events, long notDone, long rejected) {}

    /** A message the mapper refused: its code, readable reason and original text. */
    public record Hl7Rejection(ErrorCode code, String message, String er7) {}

    /**
     * Maps every message of an HL7 file (MLLP-framed, or separated by blank lines) to readings and
     * events; a message that cannot be used goes to {@code rejected}, to be dead-lettered.
     */
    public static Hl7Counts hl7(
            Path file,
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
        try (Stream<String> all = Hl7File.messages(file)) {
            for (String er7 : (Iterable<String>) all::iterator) {
                messages++;
                Hl7Outcome outcome = mapper.map(er7);
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
                    rejected.accept(new Hl7Rejection(r.errorCode(), r.message(), er7));
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
