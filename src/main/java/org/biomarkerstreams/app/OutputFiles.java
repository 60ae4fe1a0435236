package org.biomarkerstreams.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.domain.DateShift;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DateShiftedRecords;
import org.biomarkerstreams.streams.TopicSpec;
import org.biomarkerstreams.streams.Topics;

/**
 * Writes output topics to DIR/<topic>.ndjson, optionally with every patient's times shifted ({@link DateShift}; what
 * that preserves: docs/semantics.md, "Date shifting"). A dead letter's times cannot be shifted (its payload holds the
 * original bytes), so with a shift the dead-letter topic is written only when asked for by name, and then unshifted.
 */
public final class OutputFiles {

    private OutputFiles() {}

    /** The output topics written to files, by name. */
    static Map<String, Deserializer<? extends SpecificRecord>> outputs(Topics topics, AvroSerdes serdes) {
        Map<String, Deserializer<? extends SpecificRecord>> out = new LinkedHashMap<>();
        for (TopicSpec<? extends SpecificRecord> topic : List.of(
                topics.trajectory(serdes),
                topics.summaries(serdes),
                topics.timeToNormalization(serdes),
                topics.deadLetters(serdes))) {
            out.put(topic.name(), topic.valueSerde().deserializer());
        }
        return out;
    }

    public static Map<String, Long> write(
            Map<String, String> clientProperties,
            String bootstrap,
            AvroSerdes serdes,
            Topics topics,
            List<String> only,
            Path dir,
            PrintWriter report)
            throws Exception {
        return write(clientProperties, bootstrap, serdes, topics, only, dir, report, DateShift.none());
    }

    /** As above, with each patient's times shifted by {@code shift}. */
    public static Map<String, Long> write(
            Map<String, String> clientProperties,
            String bootstrap,
            AvroSerdes serdes,
            Topics topics,
            List<String> only,
            Path dir,
            PrintWriter report,
            DateShift shift)
            throws Exception {
        Map<String, Deserializer<? extends SpecificRecord>> outputs = outputs(topics, serdes);
        // Checked before reading anything, so that a typo does not leave some files rewritten and others not.
        if (only != null) {
            for (String t : only) {
                if (!outputs.containsKey(t)) {
                    throw new IllegalArgumentException(
                            "--topics: " + t + " is not an output topic (" + outputs.keySet() + ")");
                }
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<String, Deserializer<? extends SpecificRecord>> e : outputs.entrySet()) {
            if (only != null && !only.isEmpty() && !only.contains(e.getKey())) {
                continue;
            }
            boolean named = only != null && only.contains(e.getKey());
            if (shift.enabled() && e.getKey().equals(topics.deadLetters()) && !named) {
                report.printf(
                        "  %-32s not written: dead letters keep their original dates (name it in --topics to write"
                                + " it unshifted)%n",
                        e.getKey());
                continue;
            }
            Path file = dir.resolve(e.getKey() + ".ndjson");
            long n = toNdjson(clientProperties, bootstrap, e.getKey(), e.getValue(), shift, file);
            counts.put(e.getKey(), n);
            report.printf("  %-32s %8d records -> %s%n", e.getKey(), n, file);
        }
        return counts;
    }

    private static <V extends SpecificRecord> long toNdjson(
            Map<String, String> clientProperties,
            String bootstrap,
            String topic,
            Deserializer<V> values,
            DateShift shift,
            Path file)
            throws java.io.IOException {
        return TopicExport.toNdjson(
                clientProperties, bootstrap, topic, values, v -> DateShiftedRecords.shift(v, shift), file);
    }
}
