package org.biomarkerstreams.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
        List<String> selected = selected(topics, only);
        boolean dirExisted = Files.isDirectory(dir);
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            for (String topic : selected) {
                boolean named = only != null && only.contains(topic);
                if (shift.enabled() && topic.equals(topics.deadLetters()) && !named) {
                    report.printf(
                            "  %-32s not written: dead letters keep their original dates (name it in --topics to"
                                    + " write it unshifted)%n",
                            topic);
                    continue;
                }
                Path file = dir.resolve(topic + ".ndjson");
                long n = toNdjson(clientProperties, bootstrap, topic, outputs.get(topic), shift, file);
                counts.put(topic, n);
                report.printf("  %-32s %8d records -> %s%n", topic, n, file);
            }
        } catch (Exception e) {
            if (!dirExisted) {
                // Nothing half-done left behind: a directory this call made and could not fill goes again.
                try (var left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                } catch (IOException ignored) {
                    // not there, or not ours to judge: the exception says what went wrong
                }
            }
            throw e;
        }
        return counts;
    }

    /**
     * The output topics written to files, in file order: those of {@code only}, or all when it is null or empty.
     *
     * @throws IllegalArgumentException naming {@code --topics} when a name is not an output topic; checked before
     *     reading anything, so that a typo does not leave some files rewritten and others not
     */
    public static List<String> selected(Topics topics, List<String> only) {
        List<String> all = AccessControlList.exportedTopics(topics);
        if (only == null || only.isEmpty()) {
            return all;
        }
        for (String t : only) {
            if (!all.contains(t)) {
                throw new IllegalArgumentException("--topics: " + t + " is not an output topic (" + all + ")");
            }
        }
        return all.stream().filter(only::contains).toList();
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
