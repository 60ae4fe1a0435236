package org.biomarkerstreams.app.report;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.streams.AvroJson;

/**
 * Reads a line that {@link AvroJson#toJson} wrote back into the generated Avro class, guided by its schema: fields
 * under their schema names, unions unwrapped, timestamps as ISO-8601 strings, non-finite doubles as strings. A field
 * the line lacks takes its schema default, so files written before a field was added still read.
 */
final class JsonRecordReader<T extends SpecificRecord> {

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;

    JsonRecordReader(Class<T> type, Schema schema) {
        this.type = type;
        this.schema = schema;
        this.model = SpecificData.getForClass(type);
    }

    /**
     * The record of one line.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong kind
     */
    T read(String line) {
        Map<String, Object> json;
        try {
            json = AvroJson.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return type.cast(record(schema, json, ""));
    }

    private Object record(Schema recordSchema, Object value, String path) {
        if (!(value instanceof Map<?, ?> json)) {
            throw wrong(path, "an object");
        }
        SpecificRecord record = (SpecificRecord) model.newRecord(null, recordSchema);
        for (Schema.Field field : recordSchema.getFields()) {
            String at = path.isEmpty() ? field.name() : path + "." + field.name();
            if (json.containsKey(field.name())) {
                record.put(field.pos(), value(field.schema(), json.get(field.name()), at));
            } else if (field.hasDefaultValue()) {
                record.put(field.pos(), model.deepCopy(field.schema(), model.getDefaultValue(field)));
            } else {
                throw new IllegalArgumentException("field " + at + " is missing");
            }
        }
        return record;
    }

    private Object value(Schema s, Object value, String path) {
        switch (s.getType()) {
            case UNION -> {
                if (value == null && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
                    return null;
                }
                for (Schema branch : s.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL && fits(branch, value)) {
                        return value(branch, value, path);
                    }
                }
                throw wrong(
                        path,
                        "one of " + s.getTypes().stream().map(Schema::getName).toList());
            }
            case RECORD -> {
                return record(s, value, path);
            }
            case ARRAY -> {
                if (!(value instanceof List<?> list)) {
                    throw wrong(path, "an array");
                }
                List<Object> out = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    out.add(value(s.getElementType(), list.get(i), path + "[" + i + "]"));
                }
                return out;
            }
            case MAP -> {
                if (!(value instanceof Map<?, ?> map)) {
                    throw wrong(path, "an object");
                }
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(k.toString(), value(s.getValueType(), v, path + "." + k)));
                return out;
            }
            case ENUM -> {
                if (!(value instanceof String symbol) || !s.getEnumSymbols().contains(symbol)) {
                    throw wrong(path, "one of " + s.getEnumSymbols());
                }
                return model.createEnum(symbol, s);
            }
            case STRING -> {
                if (!(value instanceof String text)) {
                    throw wrong(path, "a string");
                }
                return text;
            }
            case INT -> {
                if (!(value instanceof Integer number)) {
                    throw wrong(path, "a whole number");
                }
                return number;
            }
            case LONG -> {
                if ("timestamp-millis".equals(logical(s))) {
                    if (!(value instanceof String text)) {
                        throw wrong(path, "an ISO-8601 instant (2020-02-14T08:15:00Z)");
                    }
                    try {
                        return Instant.parse(text);
                    } catch (DateTimeParseException e) {
                        throw wrong(path, "an ISO-8601 instant (2020-02-14T08:15:00Z)");
                    }
                }
                if (!(value instanceof Integer || value instanceof Long)) {
                    throw wrong(path, "a whole number");
                }
                return ((Number) value).longValue();
            }
            case DOUBLE, FLOAT -> {
                double d;
                if (value instanceof Number number) {
                    d = number.doubleValue();
                } else if ("NaN".equals(value) || "Infinity".equals(value) || "-Infinity".equals(value)) {
                    d = Double.parseDouble((String) value);
                } else {
                    throw wrong(path, "a number");
                }
                return s.getType() == Schema.Type.FLOAT ? (Object) (float) d : (Object) d;
            }
            case BOOLEAN -> {
                if (!(value instanceof Boolean b)) {
                    throw wrong(path, "true or false");
                }
                return b;
            }
            case NULL -> {
                if (value != null) {
                    throw wrong(path, "null");
                }
                return null;
            }
            default -> throw wrong(path, "a " + s.getType() + ", which reports do not read");
        }
    }

    private static boolean fits(Schema branch, Object value) {
        return switch (branch.getType()) {
            case RECORD, MAP -> value instanceof Map<?, ?>;
            case ARRAY -> value instanceof List<?>;
            case STRING, ENUM -> value instanceof String;
            case INT, LONG -> value instanceof Integer || value instanceof Long || value instanceof String;
            case DOUBLE, FLOAT -> value instanceof Number || value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            default -> false;
        };
    }

    private static String logical(Schema s) {
        return s.getLogicalType() == null ? "" : s.getLogicalType().getName();
    }

    private static IllegalArgumentException wrong(String path, String expected) {
        return new IllegalArgumentException("field " + path + ": expected " + expected);
    }
}
