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
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.CohortKey;
import org.biomarkerstreams.streams.Topics;

/**
 * The latest record per key of the two cohort outputs, read from a cluster's compacted topics or from the NDJSON
 * files {@code replay --out} and {@code export} write: both are change logs, so a key's last record is its value and
 * earlier ones are history.
 *
 * @param visits the latest cohort visit summary per key
 * @param curves the latest normalization curve per key
 */
public record CohortRecords(List<CohortVisitSummary> visits, List<NormalizationCurve> curves) {

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
     * Reads {@code DIR/<topic>.ndjson} of both cohort topics, one Avro-JSON record per line, keyed as the topics key
     * them.
     *
     * @throws IllegalArgumentException naming the file that is missing, or the file, line and field that cannot be
     *     read
     */
    public static CohortRecords fromFiles(Path dir, Topics topics) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory (give the DIR of 'replay --out DIR')");
        }
        Path visitsFile = file(dir, topics.cohortVisits());
        Path curvesFile = file(dir, topics.cohortCurves());
        return new CohortRecords(
                read(
                        visitsFile,
                        CohortVisitSummary.class,
                        CohortVisitSummary.getClassSchema(),
                        v -> CohortKey.visit(
                                v.getArm(), v.getStratumLabel(), v.getStratumValue(), v.getAnalyte(), v.getVisit())),
                read(
                        curvesFile,
                        NormalizationCurve.class,
                        NormalizationCurve.getClassSchema(),
                        c -> CohortKey.curve(c.getArm(), c.getStratumLabel(), c.getStratumValue(), c.getAnalyte())));
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

    private static Path file(Path dir, String topic) {
        Path file = dir.resolve(topic + ".ndjson");
        if (!Files.isRegularFile(file)) {
            String hint = Files.isRegularFile(dir.resolve(topic + ".csv"))
                    ? " (there is a " + topic + ".csv: write the files as NDJSON, the default format)"
                    : " (write it with 'replay --out DIR' or 'export --out DIR')";
            throw new IllegalArgumentException(dir + " has no " + topic + ".ndjson" + hint);
        }
        return file;
    }

    private static <T extends SpecificRecord> List<T> read(
            Path file, Class<T> type, org.apache.avro.Schema schema, Function<T, String> key) {
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
