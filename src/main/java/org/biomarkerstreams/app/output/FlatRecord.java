package org.biomarkerstreams.app.output;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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
 * <p>{@link #toRecord} reads such a row back. What the columns cannot tell apart reads one way: a blank cell of a
 * nullable field is null (not an empty string), a nested record whose cells are all blank is null, a map with no
 * non-blank cell is empty (null when the field is nullable), and an array's elements must not contain {@code ;}.
 *
 * @param columns column name to value (String, Integer, Long, Double or Boolean; null for none), in schema order
 * @param nested for each array-of-records field, its elements flattened the same way
 */
public record FlatRecord(Map<String, Object> columns, Map<String, List<FlatRecord>> nested) {

    static final String ARRAY_SEPARATOR = ";";

    /** What {@link Double#toString} writes, finite or not; not Java's hex or {@code 1d} forms. */
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|NaN|-?Infinity");

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

    /**
     * The string and enum fields of a record schema: what identifies a record in the file of its array-of-records
     * elements, whose rows repeat them.
     */
    public static List<String> identityColumnsOf(Schema recordSchema) {
        List<String> out = new ArrayList<>();
        for (Schema.Field field : recordSchema.getFields()) {
            Schema type = nonNull(field.schema());
            if (type.getType() == Schema.Type.STRING || type.getType() == Schema.Type.ENUM) {
                out.add(field.name());
            }
        }
        return out;
    }

    /** The column of an element's position (from 1) in its array field: the field's name in the singular. */
    public static String elementIndexColumn(String arrayField) {
        return arrayField.endsWith("s") && arrayField.length() > 1
                ? arrayField.substring(0, arrayField.length() - 1)
                : arrayField + "Index";
    }

    /**
     * The record of one row of these columns, the inverse of {@link #of}: arrays of records are left empty (their
     * elements are rows of another file), a column the row lacks takes the field's default.
     *
     * @param model makes the records (a generated class's {@code SpecificData} gives that class) and converts
     *     logical types as it does
     * @param row column name to cell text, "" for a blank cell; columns of no field are ignored
     * @throws IllegalArgumentException naming the column that is missing or cannot be read
     */
    public static IndexedRecord toRecord(Schema recordSchema, GenericData model, Map<String, String> row) {
        return readRecord("", recordSchema, model, row);
    }

    private static IndexedRecord readRecord(String prefix, Schema record, GenericData model, Map<String, String> row) {
        IndexedRecord out = (IndexedRecord) model.newRecord(null, record);
        for (Schema.Field field : record.getFields()) {
            out.put(field.pos(), readField(prefix + field.name(), field, model, row));
        }
        return out;
    }

    private static Object readField(String name, Schema.Field field, GenericData model, Map<String, String> row) {
        boolean nullable = field.schema().getType() == Schema.Type.UNION
                && field.schema().getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL);
        Schema type = nonNull(field.schema());
        switch (type.getType()) {
            case RECORD -> {
                List<String> cells = new ArrayList<>();
                for (String column : columnsOf(type)) {
                    if (!column.endsWith(".*")) {
                        cells.add(name + "." + column);
                    }
                }
                if (!cells.isEmpty() && cells.stream().noneMatch(row::containsKey)) {
                    return defaultOf(cells.get(0), field, model);
                }
                if (nullable
                        && cells.stream().allMatch(c -> row.getOrDefault(c, "").isEmpty())) {
                    return null;
                }
                return readRecord(name + ".", type, model, row);
            }
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                String prefix = name + ".";
                row.forEach((column, cell) -> {
                    if (column.startsWith(prefix) && !cell.isEmpty()) {
                        map.put(
                                column.substring(prefix.length()),
                                scalar(column, nonNull(type.getValueType()), cell, model));
                    }
                });
                return map.isEmpty() && nullable ? null : map;
            }
            case ARRAY -> {
                Schema element = nonNull(type.getElementType());
                if (element.getType() == Schema.Type.RECORD) {
                    return new ArrayList<>();
                }
                if (!row.containsKey(name)) {
                    return defaultOf(name, field, model);
                }
                String cell = row.get(name);
                if (cell.isEmpty()) {
                    return nullable ? null : new ArrayList<>();
                }
                List<Object> items = new ArrayList<>();
                for (String part : cell.split(ARRAY_SEPARATOR, -1)) {
                    items.add(scalar(name, element, part, model));
                }
                return items;
            }
            default -> {
                if (!row.containsKey(name)) {
                    return defaultOf(name, field, model);
                }
                String cell = row.get(name);
                if (cell.isEmpty() && nullable) {
                    return null;
                }
                return scalar(name, type, cell, model);
            }
        }
    }

    private static Object defaultOf(String column, Schema.Field field, GenericData model) {
        if (!field.hasDefaultValue()) {
            throw new IllegalArgumentException("column " + column + " is missing");
        }
        return model.deepCopy(field.schema(), model.getDefaultValue(field));
    }

    /** The value of one cell, the inverse of {@link #scalar(Schema, Object)}. */
    private static Object scalar(String column, Schema type, String cell, GenericData model) {
        LogicalType logical = type.getLogicalType();
        String logicalName = logical == null ? "" : logical.getName();
        boolean converted = logical != null && model.getConversionFor(logical) != null;
        try {
            return switch (type.getType()) {
                case STRING -> cell;
                case ENUM -> {
                    if (!type.getEnumSymbols().contains(cell)) {
                        throw wrong(column, "one of " + type.getEnumSymbols());
                    }
                    yield model.createEnum(cell, type);
                }
                case BOOLEAN -> {
                    if (!cell.equals("true") && !cell.equals("false")) {
                        throw wrong(column, "true or false");
                    }
                    yield Boolean.valueOf(cell);
                }
                case INT -> {
                    if (logicalName.equals("date")) {
                        LocalDate date = LocalDate.parse(cell);
                        yield converted ? (Object) date : (Object) Math.toIntExact(date.toEpochDay());
                    }
                    yield Integer.valueOf(cell);
                }
                case LONG -> {
                    if (logicalName.equals("timestamp-millis") || logicalName.equals("timestamp-micros")) {
                        Instant instant = Instant.parse(cell);
                        if (converted) {
                            yield instant;
                        }
                        yield logicalName.equals("timestamp-millis")
                                ? instant.toEpochMilli()
                                : ChronoUnit.MICROS.between(Instant.EPOCH, instant);
                    }
                    yield Long.valueOf(cell);
                }
                case FLOAT, DOUBLE -> {
                    if (!DECIMAL.matcher(cell).matches()) {
                        throw wrong(column, "a number (or NaN, Infinity, -Infinity)");
                    }
                    double d = Double.parseDouble(cell);
                    yield type.getType() == Schema.Type.FLOAT ? (Object) (float) d : (Object) d;
                }
                case BYTES -> ByteBuffer.wrap(bytes(column, cell));
                case FIXED -> model.createFixed(null, bytes(column, cell), type);
                default -> throw wrong(column, "a " + type.getType() + ", which CSV files do not hold");
            };
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw wrong(
                    column,
                    switch (type.getType()) {
                        case INT, LONG -> logicalName.isEmpty() ? "a whole number" : "an ISO-8601 " + logicalName;
                        default -> "a " + type.getType().getName();
                    });
        }
    }

    private static byte[] bytes(String column, String cell) {
        if (!cell.startsWith("base64:")) {
            return cell.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(cell.substring("base64:".length()));
        } catch (IllegalArgumentException e) {
            throw wrong(column, "UTF-8 text or base64: and Base64");
        }
    }

    private static IllegalArgumentException wrong(String column, String expected) {
        return new IllegalArgumentException("column " + column + ": expected " + expected);
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
