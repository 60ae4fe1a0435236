package org.biomarkerstreams.app.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.app.output.CsvFile;
import org.biomarkerstreams.app.output.FlatRecord;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.CohortKey;
import org.biomarkerstreams.streams.Topics;

/**
 * The latest record per key of the two cohort outputs, read from a cluster's compacted topics or from the NDJSON or
 * CSV files {@code replay --out} and {@code export} write: both are change logs, so a key's last record is its value and
 * earlier ones are history.
 *
 * @param visits the latest cohort visit summary per key
 * @param curves the latest normalization curve per key
 */
public record CohortRecords(List<CohortVisitSummary> visits, List<NormalizationCurve> curves) {

    /** The array field of a curve whose elements {@code --format csv} writes to a file of their own. */
    static final String STEPS = "steps";

    public CohortRecords {
        visits = List.copyOf(visits);
        curves = List.copyOf(curves);
    }

    /**
     * Reads both topics of a cluster from the beginning to their end offsets at the start (read_committed); a
     * tombstone removes its key.
     */
    public static CohortRecords fromCluster(
            Map<String, String> clientProperties, String bootstrapServers, AvroSerdes serdes, Topics topics) {
        try {
            return readCluster(clientProperties, bootstrapServers, serdes, topics);
        } catch (IllegalStateException e) {
            // TopicExport's "topic ... does not exist": a usage error (wrong cluster or topic names), not a crash.
            throw new IllegalArgumentException(
                    e.getMessage() + " on " + bootstrapServers
                            + " (has 'run' processed there, with these --cohort-visits-topic and --cohort-curves-topic?)",
                    e);
        }
    }

    private static CohortRecords readCluster(
            Map<String, String> clientProperties, String bootstrapServers, AvroSerdes serdes, Topics topics) {
        Map<String, CohortVisitSummary> visits = new LinkedHashMap<>();
        TopicExport.read(
                clientProperties,
                bootstrapServers,
                topics.cohortVisits(),
                serdes.value(CohortVisitSummary.class).deserializer(),
                (key, value) -> latest(visits, key, value));
        Map<String, NormalizationCurve> curves = new LinkedHashMap<>();
        TopicExport.read(
                clientProperties,
                bootstrapServers,
                topics.cohortCurves(),
                serdes.value(NormalizationCurve.class).deserializer(),
                (key, value) -> latest(curves, key, value));
        return new CohortRecords(List.copyOf(visits.values()), List.copyOf(curves.values()));
    }

    /**
     * Reads both cohort topics from the files {@code replay --out DIR} and {@code export --out DIR} write: {@code
     * DIR/<topic>.ndjson} (the default format, and what {@code --format dataset-json} writes for them), one Avro-JSON
     * record per line; else, when there are none, {@code DIR/<topic>.csv} of {@code --format csv}, with a curve's
     * steps from {@code cohort-normalization-curves-steps.csv} when that file is there (the table does not need them).
     * Records are keyed as the topics key them.
     *
     * @throws IllegalArgumentException naming the files that are missing, or the file, line and field (or column)
     *     that cannot be read
     */
    public static CohortRecords fromFiles(Path dir, Topics topics) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory (give the DIR of 'replay --out DIR')");
        }
        String visits = topics.cohortVisits();
        String curves = topics.cohortCurves();
        List<Path> ndjson = List.of(dir.resolve(visits + ".ndjson"), dir.resolve(curves + ".ndjson"));
        List<Path> csv = List.of(CsvFile.fileOf(dir, visits), CsvFile.fileOf(dir, curves));
        if (ndjson.stream().allMatch(Files::isRegularFile)) {
            return fromNdjson(ndjson.get(0), ndjson.get(1));
        }
        if (csv.stream().allMatch(Files::isRegularFile)) {
            return fromCsv(csv.get(0), csv.get(1), CsvFile.fileOf(dir, curves, STEPS));
        }
        // One file of a format is there: name the other one, the likely mistake.
        for (List<Path> pair : List.of(ndjson, csv)) {
            if (pair.stream().anyMatch(Files::isRegularFile)) {
                Path missing = pair.stream()
                        .filter(f -> !Files.isRegularFile(f))
                        .findFirst()
                        .orElseThrow();
                throw new IllegalArgumentException(dir + " has no " + missing.getFileName()
                        + " (write both cohort topics with 'replay --out DIR' or 'export --out DIR')");
            }
        }
        throw new IllegalArgumentException(dir + " has no " + ndjson.get(0).getFileName() + " and "
                + ndjson.get(1).getFileName() + ", nor " + csv.get(0).getFileName() + " and "
                + csv.get(1).getFileName() + " (write them with 'replay --out DIR' or 'export --out DIR')");
    }

    private static CohortRecords fromNdjson(Path visitsFile, Path curvesFile) {
        return new CohortRecords(
                read(visitsFile, CohortVisitSummary.class, CohortVisitSummary.getClassSchema(), CohortRecords::key),
                read(curvesFile, NormalizationCurve.class, NormalizationCurve.getClassSchema(), CohortRecords::key));
    }

    private static CohortRecords fromCsv(Path visitsFile, Path curvesFile, Path stepsFile) {
        Map<String, CohortVisitSummary> visits = new LinkedHashMap<>();
        for (CsvRows.Row row : CsvRows.read(visitsFile)) {
            CohortVisitSummary v =
                    fromRow(visitsFile, row, CohortVisitSummary.class, CohortVisitSummary.getClassSchema());
            latest(visits, key(v), v);
        }
        CurveSteps steps = Files.isRegularFile(stepsFile) ? CurveSteps.read(stepsFile) : null;
        Map<String, NormalizationCurve> curves = new LinkedHashMap<>();
        for (CsvRows.Row row : CsvRows.read(curvesFile)) {
            NormalizationCurve c =
                    fromRow(curvesFile, row, NormalizationCurve.class, NormalizationCurve.getClassSchema());
            if (steps != null) {
                c.setSteps(steps.next(curvesFile, row, c));
            }
            latest(curves, key(c), c);
        }
        if (steps != null) {
            steps.requireAllTaken();
        }
        return new CohortRecords(List.copyOf(visits.values()), List.copyOf(curves.values()));
    }

    /** The record of a CSV row, the file's columns named as {@link FlatRecord} names them. */
    static <T extends SpecificRecord> T fromRow(Path file, CsvRows.Row row, Class<T> type, Schema schema) {
        try {
            return type.cast(FlatRecord.toRecord(schema, SpecificData.getForClass(type), row.cells()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    file + ", line " + row.line() + ": " + e.getMessage() + " (a " + type.getSimpleName()
                            + " as 'replay --out DIR --format csv' writes it)",
                    e);
        }
    }

    private static String key(CohortVisitSummary v) {
        return CohortKey.visit(v.getArm(), v.getStratumLabel(), v.getStratumValue(), v.getAnalyte(), v.getVisit());
    }

    private static String key(NormalizationCurve c) {
        return CohortKey.curve(c.getArm(), c.getStratumLabel(), c.getStratumValue(), c.getAnalyte());
    }

    /**
     * The records of one protocol. Outputs of another protocol's run are no table of this one.
     *
     * @param source where the records came from, for the message
     * @throws IllegalArgumentException when there are records but none of this protocol, naming the ones found
     */
    public CohortRecords ofProtocol(String protocol, String source) {
        List<CohortVisitSummary> v =
                visits.stream().filter(r -> protocol.equals(r.getProtocol())).toList();
        List<NormalizationCurve> c =
                curves.stream().filter(r -> protocol.equals(r.getProtocol())).toList();
        if (v.isEmpty() && c.isEmpty() && !(visits.isEmpty() && curves.isEmpty())) {
            Set<String> found = new TreeSet<>();
            visits.forEach(r -> found.add(r.getProtocol()));
            curves.forEach(r -> found.add(r.getProtocol()));
            throw new IllegalArgumentException(source + " holds the cohort outputs of protocol "
                    + String.join(", ", found) + ", not of " + protocol + ": give --protocol as the pipeline ran");
        }
        return new CohortRecords(v, c);
    }

    /** Records of another protocol than {@code protocol}, left out of its table. */
    public int otherThan(String protocol) {
        return (int) (visits.stream()
                        .filter(r -> !protocol.equals(r.getProtocol()))
                        .count()
                + curves.stream().filter(r -> !protocol.equals(r.getProtocol())).count());
    }

    private static <V> void latest(Map<String, V> map, String key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.remove(key); // a key's position is that of its latest record, as in a compacted topic
            map.put(key, value);
        }
    }

    private static <T extends SpecificRecord> List<T> read(
            Path file, Class<T> type, Schema schema, Function<T, String> key) {
        JsonRecordReader<T> reader = new JsonRecordReader<>(type, schema);
        Map<String, T> latest = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                T record;
                try {
                    record = reader.read(line);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ", line " + number + ": " + e.getMessage() + " (a " + type.getSimpleName()
                                    + " as 'replay --out' writes it)",
                            e);
                }
                latest(latest, key.apply(record), record);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return new ArrayList<>(latest.values());
    }
}
