package org.biomarkerstreams.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
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

    public static Counts readings(
            Path file, NdjsonReadings parser, Consumer<RawReading> sink, Consumer<String> malformed)
            throws IOException {
        long ok = 0;
        long bad = 0;
        try (Stream<NdjsonFile.Line> lines = NdjsonFile.lines(file)) {
            for (NdjsonFile.Line line : (Iterable<NdjsonFile.Line>) lines::iterator) {
                ParsedLine<RawReading> parsed = parser.parse(line);
                if (parsed instanceof ParsedLine.Parsed<RawReading> p) {
                    sink.accept(p.value());
                    ok++;
                } else if (parsed instanceof ParsedLine.Malformed<RawReading> m) {
                    log.warn("{}: {}; it goes to the dead-letter topic", file.getFileName(), m.reason());
                    malformed.accept(line.text());
                    bad++;
                }
            }
        }
        return new Counts(ok, bad);
    }

    public static Counts events(Path file, Consumer<RawClinicalEvent> sink, Consumer<String> malformed)
            throws IOException {
        long ok = 0;
        long bad = 0;
        try (Stream<NdjsonFile.Line> lines = NdjsonFile.lines(file)) {
            for (NdjsonFile.Line line : (Iterable<NdjsonFile.Line>) lines::iterator) {
                ParsedLine<RawClinicalEvent> parsed = NdjsonEvents.parse(line);
                if (parsed instanceof ParsedLine.Parsed<RawClinicalEvent> p) {
                    sink.accept(p.value());
                    ok++;
                } else if (parsed instanceof ParsedLine.Malformed<RawClinicalEvent> m) {
                    log.warn("{}: {}; it goes to the dead-letter topic", file.getFileName(), m.reason());
                    malformed.accept(line.text());
                    bad++;
                }
            }
        }
        return new Counts(ok, bad);
    }
}
