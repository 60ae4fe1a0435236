package org.biomarkerstreams.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.app.output.CsvFile;
import org.biomarkerstreams.app.output.DatasetJsonFile;
import org.biomarkerstreams.app.output.LatestByKey;
import org.biomarkerstreams.app.output.NdjsonFile;
import org.biomarkerstreams.app.output.OutputFormat;
import org.biomarkerstreams.app.output.OutputRequest;
import org.biomarkerstreams.app.output.RecordSelection;
import org.biomarkerstreams.app.output.TopicFile;
import org.biomarkerstreams.domain.DateShift;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DateShiftedRecords;
import org.biomarkerstreams.streams.TopicSpec;
import org.biomarkerstreams.streams.Topics;

/**
 * Writes the seven output topics to files in DIR: as NDJSON ({@code <topic>.ndjson}), CSV ({@code <topic>.csv}, the
 * curve steps in {@code cohort-normalization-curves-steps.csv}) or CDISC Dataset-JSON ({@code adlb.json}, {@code
 * adtte.json}, the other five topics as NDJSON); every record in emit order or, with {@link
 * RecordSelection#LATEST_PER_KEY}, the final state of each latest-state topic. Layouts and column names:
 * docs/architecture.md, "Output files".
 *
 * <p>Optionally every patient's times are shifted ({@link DateShift}; what that preserves: docs/semantics.md, "Date
 * shifting"). Records that cannot be shifted are then written only when asked for by name in {@code --topics}, and
 * unshifted: a dead letter (its payload holds the original bytes), and the cohort records, which name no patient but
 * carry {@code updatedAt}, the stream time of their group's last change: the real time of some patient's input, which
 * set beside that patient's shifted times would give the patient's shift away.
 */
public final class OutputFiles {

    private OutputFiles() {}

    /** The output topics written to files, by name, in file order. */
    static Map<String, TopicSpec<? extends SpecificRecord>> outputs(Topics topics, AvroSerdes serdes) {
        Map<String, TopicSpec<? extends SpecificRecord>> out = new LinkedHashMap<>();
        for (TopicSpec<? extends SpecificRecord> topic : topics.outputs(serdes)) {
            out.put(topic.name(), topic);
        }
        return out;
    }

    /**
     * Checks that {@code dir} can be written (it, or the nearest existing directory above it, takes a new file),
     * before any work whose results would have nowhere to go.
     *
     * @throws IllegalArgumentException one line naming {@code option} and the directory
     */
    public static void requireWritable(String option, Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException(option + " " + dir + ": is a file, not a directory");
        }
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IllegalArgumentException(
                    option + " " + dir + ": cannot be created (" + existing + " is not a directory)");
        }
        try {
            // A real write: isWritable answers from permission bits, which a read-only mount or an ACL contradicts.
            Path probe = Files.createTempFile(existing, ".biomarker-streams-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            String where = existing.equals(target) ? "" : " (in " + existing + ")";
            throw new IllegalArgumentException(option + " " + dir + ": cannot write there" + where + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** Writes every selected output topic to {@code dir}; returns the records read per topic. */
    public static Map<String, Long> write(
            Map<String, String> clientProperties,
            String bootstrap,
            AvroSerdes serdes,
            Topics topics,
            List<String> only,
            Path dir,
            PrintWriter report,
            OutputRequest request)
            throws Exception {
        Map<String, TopicSpec<? extends SpecificRecord>> outputs = outputs(topics, serdes);
        List<String> selected = selected(topics, only);
        boolean dirExisted = Files.isDirectory(dir);
        Map<String, Long> counts = new LinkedHashMap<>();
        try {
            for (String topic : selected) {
                boolean named = only != null && only.contains(topic);
                if (request.shift().enabled() && topic.equals(topics.deadLetters()) && !named) {
                    report.printf(
                            "  %-32s not written: dead letters keep their original dates (name it in --topics to"
                                    + " write it unshifted)%n",
                            topic);
                    continue;
                }
                if (request.shift().enabled() && cohort(topics, topic) && !named) {
                    report.printf(
                            "  %-32s not written: its updatedAt is a real input time, which next to a patient's"
                                    + " shifted times would give the shift away (name it in --topics to write it"
                                    + " unshifted)%n",
                            topic);
                    continue;
                }
                TopicSpec<? extends SpecificRecord> spec = outputs.get(topic);
                TopicFile file = fileFor(topics, spec, dir, request);
                boolean latest = topics.compactedOutputs().contains(topic)
                        && (request.selection() == RecordSelection.LATEST_PER_KEY || file instanceof DatasetJsonFile);
                long n = copy(clientProperties, bootstrap, spec, request.shift(), latest, file);
                counts.put(topic, n);
                report.println(describe(topic, n, latest, file.commit()));
                report.flush();
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

    private static TopicFile fileFor(
            Topics topics, TopicSpec<? extends SpecificRecord> spec, Path dir, OutputRequest request)
            throws IOException {
        String topic = spec.name();
        OutputFormat format = request.format();
        if (format == OutputFormat.DATASET_JSON && topic.equals(topics.trajectory())) {
            return DatasetJsonFile.adlb(dir, request.study());
        }
        if (format == OutputFormat.DATASET_JSON && topic.equals(topics.timeToNormalization())) {
            return DatasetJsonFile.adtte(dir, request.study());
        }
        if (format == OutputFormat.CSV) {
            Schema schema = SpecificData.get().getSchema(spec.valueType());
            return new CsvFile(dir, topic, schema);
        }
        return new NdjsonFile(dir.resolve(topic + ".ndjson"));
    }

    private static <V extends SpecificRecord> long copy(
            Map<String, String> clientProperties,
            String bootstrap,
            TopicSpec<V> spec,
            DateShift shift,
            boolean latest,
            TopicFile file)
            throws IOException {
        Deserializer<V> values = spec.valueSerde().deserializer();
        LatestByKey<V> reducer = new LatestByKey<>(OutputFiles::retracted);
        try {
            long n;
            try {
                n = TopicExport.read(
                        clientProperties,
                        bootstrap,
                        spec.name(),
                        values,
                        (key, value) -> {
                            V shifted = DateShiftedRecords.shift(value, shift);
                            if (latest) {
                                reducer.accept(key, shifted);
                            } else if (shifted != null) {
                                add(file, shifted);
                            }
                        },
                        "writing " + spec.name());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (latest) {
                for (V value : reducer.values()) {
                    file.add(value);
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            file.abandon();
            throw e;
        }
    }

    private static void add(TopicFile file, IndexedRecord record) {
        try {
            file.add(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean cohort(Topics topics, String topic) {
        return topic.equals(topics.cohortVisits()) || topic.equals(topics.cohortCurves());
    }

    /** A trajectory point that retracts its reading (DELETED, ENTERED_IN_ERROR): under --latest, as a tombstone. */
    static boolean retracted(IndexedRecord record) {
        Schema.Field field = record.getSchema().getField("retracted");
        return field != null && Boolean.TRUE.equals(record.get(field.pos()));
    }

    private static String describe(String topic, long read, boolean latest, List<TopicFile.Written> files) {
        StringBuilder line = new StringBuilder(String.format("  %-32s %8d records", topic, read));
        for (int i = 0; i < files.size(); i++) {
            TopicFile.Written w = files.get(i);
            line.append(i == 0 ? " -> " : ", ").append(w.file());
            if (i > 0 || w.rows() != read) {
                line.append(" (")
                        .append(w.rows())
                        .append(i == 0 && latest ? " latest" : " rows")
                        .append(')');
            }
        }
        return line.toString();
    }
}
