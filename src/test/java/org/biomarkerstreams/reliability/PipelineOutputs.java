package org.biomarkerstreams.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.Topics;

/**
 * What one run of the pipeline committed to its output topics (read_committed, from the beginning),
 * per output and key in offset order, values as Avro JSON text. Comparing two of these is how the
 * suite decides that a faulted run equals an uninterrupted one.
 */
public final class PipelineOutputs {

    /** Latest-state outputs (compacted): their final value per key is the result. */
    static final List<String> STATES =
            List.of("trajectory", "summaries", "timeToNormalization", "cohortVisits", "cohortCurves");

    private final Map<String, Map<String, List<String>>> byOutput;

    private PipelineOutputs(Map<String, Map<String, List<String>>> byOutput) {
        this.byOutput = byOutput;
    }

    static PipelineOutputs read(String bootstrapServers, Topics topics, AvroSerdes serdes) {
        Map<String, Map<String, List<String>>> byOutput = new LinkedHashMap<>();
        byOutput.put("trajectory", read(bootstrapServers, topics.trajectory(), serdes, TrajectoryPoint.class));
        byOutput.put("summaries", read(bootstrapServers, topics.summaries(), serdes, BiomarkerSummary.class));
        byOutput.put(
                "timeToNormalization",
                read(bootstrapServers, topics.timeToNormalization(), serdes, TimeToNormalization.class));
        byOutput.put("alerts", read(bootstrapServers, topics.alerts(), serdes, BiomarkerAlert.class));
        byOutput.put("cohortVisits", read(bootstrapServers, topics.cohortVisits(), serdes, CohortVisitSummary.class));
        byOutput.put("cohortCurves", read(bootstrapServers, topics.cohortCurves(), serdes, NormalizationCurve.class));
        byOutput.put("deadLetters", read(bootstrapServers, topics.deadLetters(), serdes, DeadLetter.class));
        return new PipelineOutputs(byOutput);
    }

    private static <V extends SpecificRecord> Map<String, List<String>> read(
            String bootstrapServers, String topic, AvroSerdes serdes, Class<V> type) {
        Map<String, List<String>> byKey = new TreeMap<>();
        TopicExport.read(
                Map.of(), bootstrapServers, topic, serdes.value(type).deserializer(), (k, v) -> byKey.computeIfAbsent(
                                String.valueOf(k), x -> new ArrayList<>())
                        .add(Objects.toString(v)));
        return byKey;
    }

    /** Every record of {@code output}, per key in offset order. */
    Map<String, List<String>> sequences(String output) {
        return byOutput.get(output);
    }

    /** The last value of every key of {@code output}. */
    Map<String, String> finalStates(String output) {
        Map<String, String> last = new TreeMap<>();
        byOutput.get(output).forEach((k, values) -> last.put(k, values.get(values.size() - 1)));
        return last;
    }

    public long records(String output) {
        return byOutput.get(output).values().stream().mapToLong(List::size).sum();
    }

    public long records() {
        return byOutput.keySet().stream().mapToLong(this::records).sum();
    }

    /**
     * Null when {@code actual} equals {@code expected}; otherwise how many keys differ. The message
     * carries no key (keys are patient ids): the differences are written to {@code details}, for a
     * person to read after a failure.
     */
    static <V> String difference(String what, Map<String, V> expected, Map<String, V> actual, Path details)
            throws IOException {
        if (expected.equals(actual)) {
            return null;
        }
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        List<String> lines = new ArrayList<>();
        for (String key : keys) {
            V e = expected.get(key);
            V a = actual.get(key);
            if (!Objects.equals(e, a)) {
                lines.add("key " + key + "\n  expected: " + e + "\n  actual:   " + a);
            }
        }
        Files.createDirectories(details.getParent());
        Files.writeString(details, String.join("\n", lines));
        return what + ": " + lines.size() + " of " + keys.size() + " keys differ (expected " + expected.size()
                + " keys, actual " + actual.size() + "); details in " + details.toAbsolutePath();
    }
}
