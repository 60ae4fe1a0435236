package org.biomarkerstreams.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
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

    private static <T> ParsedLine<T> parseCsv(
            List<String> header, NdjsonFile.Line line, Function<NdjsonFile.Line, ParsedLine<T>> parser) {
        try {
            return parser.apply(new NdjsonFile.Line(line.number(), CsvRecords.toJson(header, line.text())));
        } catch (IllegalArgumentException e) {
            return new ParsedLine.Malformed<>("line " + line.number() + ": " + e.getMessage());
        }
    }
}
