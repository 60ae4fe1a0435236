package org.biomarkerstreams.app.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * {@code <topic>.csv}: a header row, then one row per record, the columns of {@link FlatRecord} (RFC 4180: comma,
 * CRLF, fields with a comma, quote or line break quoted, quotes doubled; UTF-8 without a byte-order mark). An array of
 * records goes to a second file {@code <topic>-<field>.csv}, one row per element: the parent's text fields that
 * identify it (e.g. protocol, arm, stratumLabel, stratumValue, analyte), the element's position from 1 under the field's
 * name in the singular ({@code step}), then the element's columns.
 *
 * <p>The columns of a map field (e.g. {@code visits.*}) are the keys any record carries, known only at the end, so
 * rows are kept in a temporary file until {@link #commit()} writes the header and the rows.
 */
public final class CsvFile implements TopicFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();

    private final Path dir;
    private final String topic;
    private final Columns columns;
    private final Map<String, Nested> nested = new LinkedHashMap<>();
    private final Path spool;
    private final BufferedWriter spooled;
    private long rows;

    public CsvFile(Path dir, String topic, Schema schema) throws IOException {
        this.dir = dir;
        this.topic = topic;
        this.columns = new Columns(FlatRecord.columnsOf(schema));
        List<String> identity = FlatRecord.identityColumnsOf(schema);
        for (Schema.Field field : schema.getFields()) {
            Schema type = nonNull(field.schema());
            if (type.getType() == Schema.Type.ARRAY
                    && nonNull(type.getElementType()).getType() == Schema.Type.RECORD) {
                nested.put(
                        field.name(),
                        new Nested(
                                identity,
                                FlatRecord.elementIndexColumn(field.name()),
                                new Columns(FlatRecord.columnsOf(nonNull(type.getElementType())))));
            }
        }
        this.spool = TopicFile.partial(dir.resolve(topic + ".csv.rows"));
        this.spooled = Files.newBufferedWriter(spool, StandardCharsets.UTF_8);
    }

    /** The CSV file of {@code topic} in {@code dir}. */
    public static Path fileOf(Path dir, String topic) {
        return dir.resolve(topic + ".csv");
    }

    /** The CSV file of the elements of the array field {@code field} of {@code topic}'s records. */
    public static Path fileOf(Path dir, String topic, String field) {
        return dir.resolve(topic + "-" + field + ".csv");
    }

    @Override
    public void add(IndexedRecord record) throws IOException {
        FlatRecord flat = FlatRecord.of(record);
        columns.observe(flat.columns());
        flat.nested().forEach((field, elements) -> {
            Nested n = nested.get(field);
            if (n != null) {
                elements.forEach(e -> n.columns.observe(e.columns()));
            }
        });
        spooled.write(JSON.writeValueAsString(flat));
        spooled.write('\n');
        rows++;
    }

    @Override
    public List<Written> commit() throws IOException {
        spooled.close();
        Path main = fileOf(dir, topic);
        Path mainPartial = TopicFile.partial(main);
        Map<String, Path> nestedPartials = new LinkedHashMap<>();
        try {
            for (String field : nested.keySet()) {
                nestedPartials.put(field, TopicFile.partial(fileOf(dir, topic, field)));
            }
            Map<String, Long> nestedRows = writeTables(mainPartial, nestedPartials);
            List<Written> written = new ArrayList<>();
            TopicFile.replace(mainPartial, main);
            written.add(new Written(main, rows));
            for (Map.Entry<String, Path> e : nestedPartials.entrySet()) {
                Path target = fileOf(dir, topic, e.getKey());
                TopicFile.replace(e.getValue(), target);
                written.add(new Written(target, nestedRows.get(e.getKey())));
            }
            return written;
        } finally {
            TopicFile.discard(mainPartial);
            nestedPartials.values().forEach(TopicFile::discard);
            TopicFile.discard(spool);
        }
    }

    private Map<String, Long> writeTables(Path mainFile, Map<String, Path> nestedFiles) throws IOException {
        List<String> header = columns.header();
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Writer> opened = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(spool, StandardCharsets.UTF_8)) {
            SequenceWriter mainRows = table(mainFile, header, opened);
            Map<String, SequenceWriter> nestedTables = new LinkedHashMap<>();
            for (Map.Entry<String, Nested> e : nested.entrySet()) {
                nestedTables.put(
                        e.getKey(),
                        table(nestedFiles.get(e.getKey()), e.getValue().header(), opened));
                counts.put(e.getKey(), 0L);
            }
            String line;
            while ((line = in.readLine()) != null) {
                FlatRecord flat = JSON.readValue(line, FlatRecord.class);
                mainRows.write(flat.columns());
                for (Map.Entry<String, Nested> e : nested.entrySet()) {
                    Nested n = e.getValue();
                    List<FlatRecord> elements = flat.nested().getOrDefault(e.getKey(), List.of());
                    for (int i = 0; i < elements.size(); i++) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (String id : n.identity) {
                            row.put(id, flat.columns().get(id));
                        }
                        row.put(n.indexColumn, i + 1);
                        row.putAll(elements.get(i).columns());
                        nestedTables.get(e.getKey()).write(row);
                    }
                    counts.merge(e.getKey(), (long) elements.size(), Long::sum);
                }
            }
            mainRows.close();
            for (SequenceWriter w : nestedTables.values()) {
                w.close();
            }
        } finally {
            for (Writer w : opened) {
                w.close();
            }
        }
        return counts;
    }

    private static SequenceWriter table(Path file, List<String> header, List<Writer> opened) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder();
        header.forEach(schema::addColumn);
        Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        opened.add(out);
        return CSV.writer(schema.build().withHeader().withLineSeparator("\r\n")).writeValues(out);
    }

    @Override
    public void abandon() {
        try {
            spooled.close();
        } catch (IOException ignored) {
            // being thrown away
        }
        TopicFile.discard(spool);
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    /** The columns of one table: the schema's fixed ones, with each map field's keys in {@link NaturalOrder}. */
    private static final class Columns {
        private final List<String> slots;
        private final Map<String, TreeSet<String>> mapKeys = new LinkedHashMap<>();

        Columns(List<String> slots) {
            this.slots = slots;
            for (String slot : slots) {
                if (slot.endsWith(".*")) {
                    mapKeys.put(slot.substring(0, slot.length() - 1), new TreeSet<>(NaturalOrder.INSTANCE));
                }
            }
        }

        void observe(Map<String, Object> row) {
            for (String column : row.keySet()) {
                for (Map.Entry<String, TreeSet<String>> e : mapKeys.entrySet()) {
                    if (column.startsWith(e.getKey())) {
                        e.getValue().add(column.substring(e.getKey().length()));
                    }
                }
            }
        }

        List<String> header() {
            List<String> out = new ArrayList<>();
            for (String slot : slots) {
                if (slot.endsWith(".*")) {
                    String prefix = slot.substring(0, slot.length() - 1);
                    mapKeys.get(prefix).forEach(key -> out.add(prefix + key));
                } else {
                    out.add(slot);
                }
            }
            return out;
        }
    }

    /** An array-of-records field and the columns of its file. */
    private record Nested(List<String> identity, String indexColumn, Columns columns) {
        List<String> header() {
            List<String> out = new ArrayList<>(identity);
            out.add(indexColumn);
            out.addAll(columns.header());
            return out;
        }
    }
}
