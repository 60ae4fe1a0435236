package org.biomarkerstreams.app.output;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as one table row of scalar columns, the names CSV files use (docs/architecture.md, "Output files"):
 *
 * <ul>
 *   <li>a field is a column under its schema name ({@code patientId});
 *   <li>a nested record's fields are {@code field.sub} ({@code logRank.pValue}), blank when the record is null;
 *   <li>a map has one column per key, {@code field.key} ({@code visits.D7}, {@code strata.severity});
 *   <li>an array of scalars is one column, its elements joined with {@code ;} ({@code logRank.arms});
 *   <li>an array of records is not a column: its elements are rows of their own ({@link #nested()}), e.g. a curve's
 *       {@code steps}.
 * </ul>
 *
 * Values: strings, enum symbols, numbers and booleans as they are; {@code timestamp-millis} as an ISO-8601 UTC instant
 * ({@code 2020-02-14T08:15:00Z}) and {@code date} as an ISO date, as in the NDJSON files; non-finite doubles as {@code
 * NaN}, {@code Infinity}, {@code -Infinity}; bytes as UTF-8 text when they are valid UTF-8, otherwise {@code base64:}
 * and their Base64; null as null (a blank cell).
 *
 * @param columns column name to value (String, Integer, Long, Double or Boolean; null for none), in schema order
 * @param nested for each array-of-records field, its elements flattened the same way
 */
public record FlatRecord(Map<String, Object> columns, Map<String, List<FlatRecord>> nested) {

    static final String ARRAY_SEPARATOR = ";";

    public static FlatRecord of(IndexedRecord record) {
        FlatRecord flat = new FlatRecord(new LinkedHashMap<>(), new LinkedHashMap<>());
        flat.addRecord("", record);
        return flat;
    }

    /**
     * The fixed columns of a record schema, in order; a map field is given as {@code field.*}: its columns depend on
     * the keys the records carry. Arrays of records are left out (they become rows of their own).
     */
    public static List<String> columnsOf(Schema recordSchema) {
        List<String> out = new ArrayList<>();
        addColumns(out, "", recordSchema);
        return out;
    }

    private static void addColumns(List<String> out, String prefix, Schema record) {
        for (Schema.Field field : record.getFields()) {
            String name = prefix + field.name();
            Schema type = nonNull(field.schema());
            switch (type.getType()) {
                case RECORD -> addColumns(out, name + ".", type);
                case MAP -> out.add(name + ".*");
                case ARRAY -> {
                    if (nonNull(type.getElementType()).getType() != Schema.Type.RECORD) {
                        out.add(name);
                    }
                }
                default -> out.add(name);
            }
        }
    }

    private void addRecord(String prefix, IndexedRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            add(prefix + field.name(), field.schema(), record.get(field.pos()));
        }
    }

    private void add(String name, Schema schema, Object value) {
        Schema type = nonNull(schema);
        switch (type.getType()) {
            case RECORD -> {
                if (value == null) {
                    for (String column : columnsOf(type)) {
                        if (!column.endsWith(".*")) {
                            columns.put(name + "." + column, null);
                        }
                    }
                } else {
                    addRecord(name + ".", (IndexedRecord) value);
                }
            }
            case MAP -> {
                if (value != null) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        add(name + "." + e.getKey(), type.getValueType(), e.getValue());
                    }
                }
            }
            case ARRAY -> {
                Schema element = nonNull(type.getElementType());
                Collection<?> items = value == null ? List.of() : (Collection<?>) value;
                if (element.getType() == Schema.Type.RECORD) {
                    List<FlatRecord> rows = new ArrayList<>();
                    for (Object item : items) {
                        rows.add(of((IndexedRecord) item));
                    }
                    nested.put(name, rows);
                } else if (value == null) {
                    columns.put(name, null);
                } else {
                    List<String> parts = new ArrayList<>();
                    for (Object item : items) {
                        Object scalar = scalar(nonNull(type.getElementType()), item);
                        parts.add(String.valueOf(scalar));
                    }
                    columns.put(name, String.join(ARRAY_SEPARATOR, parts));
                }
            }
            default -> columns.put(name, value == null ? null : scalar(type, value));
        }
    }

    private static Object scalar(Schema type, Object value) {
        if (value == null) {
            return null;
        }
        LogicalType logical = type.getLogicalType();
        String logicalName = logical == null ? "" : logical.getName();
        return switch (type.getType()) {
            case ENUM, STRING -> value instanceof Enum<?> e ? e.name() : value.toString();
            case BOOLEAN -> value;
            case INT -> {
                if (value instanceof LocalDate date) {
                    yield date.toString();
                }
                yield logicalName.equals("date")
                        ? LocalDate.ofEpochDay((Integer) value).toString()
                        : value;
            }
            case LONG -> {
                if (value instanceof Instant instant) {
                    yield instant.toString();
                }
                yield switch (logicalName) {
                    case "timestamp-millis" ->
                        Instant.ofEpochMilli((Long) value).toString();
                    case "timestamp-micros" ->
                        Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS).toString();
                    default -> value;
                };
            }
            case FLOAT, DOUBLE -> {
                double d = ((Number) value).doubleValue();
                yield Double.isFinite(d) ? (Object) d : Double.toString(d);
            }
            case BYTES -> bytes(value instanceof byte[] array ? array : copy((ByteBuffer) value));
            case FIXED -> bytes(((GenericFixed) value).bytes());
            default -> value.toString();
        };
    }

    private static String bytes(byte[] data) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(data);
        }
    }

    private static byte[] copy(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    /** The non-null branch of a union (ours are {@code [null, T]}), or the schema itself. */
    private static Schema nonNull(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return schema;
        }
        for (Schema branch : schema.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        return schema;
    }
}
