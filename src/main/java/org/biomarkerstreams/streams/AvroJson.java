package org.biomarkerstreams.streams;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes an Avro record (generic or generated) as one line of plain JSON for files, the demo and people to read.
 *
 * <p>Unlike Avro's own JSON encoding it does not wrap union values in their type name: fields appear under their
 * schema names in schema order, timestamps as ISO-8601 UTC strings, enums as their symbol, maps as objects with
 * sorted keys (so the same record always gives the same line), bytes as a UTF-8 string when they are valid UTF-8 and
 * otherwise as {@code {"base64": "..."}}, and non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}, which JSON numbers cannot express. It is an output format: {@link #parse(String)} reads it
 * back as plain JSON values, not as Avro.
 */
public final class AvroJson {

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private AvroJson() {}

    /** One JSON object, without a line terminator, for the record. */
    public static String toJson(IndexedRecord record) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            writeRecord(json, record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads a line written by {@link #toJson} as JSON: objects become ordered maps, arrays lists, numbers Integer,
     * Long or Double.
     *
     * @throws IllegalArgumentException when the line is not a JSON object
     */
    public static Map<String, Object> parse(String line) {
        try {
            return MAPPER.readValue(line, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object line", e);
        }
    }

    private static void writeRecord(JsonGenerator json, IndexedRecord record) throws IOException {
        json.writeStartObject();
        for (Schema.Field field : record.getSchema().getFields()) {
            json.writeFieldName(field.name());
            write(json, field.schema(), record.get(field.pos()));
        }
        json.writeEndObject();
    }

    private static void write(JsonGenerator json, Schema schema, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (schema.getType()) {
            case UNION -> write(json, branch(schema, value), value);
            case RECORD -> writeRecord(json, (IndexedRecord) value);
            case ENUM -> json.writeString(value instanceof Enum<?> constant ? constant.name() : value.toString());
            case ARRAY -> {
                json.writeStartArray();
                for (Object element : (Collection<?>) value) {
                    write(json, schema.getElementType(), element);
                }
                json.writeEndArray();
            }
            case MAP -> {
                TreeMap<String, Object> sorted = new TreeMap<>();
                ((Map<?, ?>) value).forEach((key, entry) -> sorted.put(key.toString(), entry));
                json.writeStartObject();
                for (Map.Entry<String, Object> entry : sorted.entrySet()) {
                    json.writeFieldName(entry.getKey());
                    write(json, schema.getValueType(), entry.getValue());
                }
                json.writeEndObject();
            }
            case STRING -> json.writeString(value.toString());
            case BYTES -> writeBytes(json, value instanceof byte[] array ? array : copy((ByteBuffer) value));
            case FIXED -> writeBytes(json, ((GenericFixed) value).bytes());
            case INT -> writeInt(json, schema.getLogicalType(), value);
            case LONG -> writeLong(json, schema.getLogicalType(), value);
            case FLOAT -> writeDouble(json, ((Float) value).doubleValue());
            case DOUBLE -> writeDouble(json, (Double) value);
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case NULL -> json.writeNull();
        }
    }

    private static void writeInt(JsonGenerator json, LogicalType logical, Object value) throws IOException {
        String name = logical == null ? "" : logical.getName();
        if (value instanceof LocalDate || value instanceof LocalTime) {
            json.writeString(value.toString());
        } else if (name.equals("date")) {
            json.writeString(LocalDate.ofEpochDay((Integer) value).toString());
        } else {
            json.writeNumber((Integer) value);
        }
    }

    private static void writeLong(JsonGenerator json, LogicalType logical, Object value) throws IOException {
        String name = logical == null ? "" : logical.getName();
        if (value instanceof Instant || value instanceof LocalDateTime || value instanceof LocalTime) {
            json.writeString(value.toString());
        } else if (name.equals("timestamp-millis")) {
            // Generic records without conversions carry the raw epoch number.
            json.writeString(Instant.ofEpochMilli((Long) value).toString());
        } else if (name.equals("timestamp-micros")) {
            json.writeString(Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS).toString());
        } else {
            json.writeNumber((Long) value);
        }
    }

    private static void writeDouble(JsonGenerator json, double value) throws IOException {
        if (Double.isFinite(value)) {
            json.writeNumber(value);
        } else {
            json.writeString(Double.toString(value));
        }
    }

    private static void writeBytes(JsonGenerator json, byte[] bytes) throws IOException {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            json.writeString(text);
        } catch (CharacterCodingException e) {
            json.writeStartObject();
            json.writeStringField("base64", Base64.getEncoder().encodeToString(bytes));
            json.writeEndObject();
        }
    }

    /** The buffer's remaining bytes, leaving the buffer's position alone for whoever reads it next. */
    private static byte[] copy(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /** The union branch that holds a value of this Java type; unions here never mix types that look alike. */
    private static Schema branch(Schema union, Object value) {
        for (Schema candidate : union.getTypes()) {
            if (holds(candidate, value)) {
                return candidate;
            }
        }
        // The class name, never the value: the value may be PHI.
        throw new IllegalArgumentException(
                "a " + value.getClass().getName() + " matches no branch of union " + union.getTypes());
    }

    private static boolean holds(Schema schema, Object value) {
        return switch (schema.getType()) {
            case NULL -> false;
            case BOOLEAN -> value instanceof Boolean;
            case INT -> value instanceof Integer || value instanceof LocalDate || value instanceof LocalTime;
            case LONG ->
                value instanceof Long
                        || value instanceof Instant
                        || value instanceof LocalDateTime
                        || value instanceof LocalTime;
            case FLOAT -> value instanceof Float;
            case DOUBLE -> value instanceof Double;
            case STRING -> value instanceof CharSequence;
            case BYTES -> value instanceof ByteBuffer || value instanceof byte[];
            case FIXED ->
                value instanceof GenericFixed fixed
                        && fixed.getSchema().getFullName().equals(schema.getFullName());
            case ENUM ->
                value instanceof GenericEnumSymbol<?> symbol
                        ? symbol.getSchema().getFullName().equals(schema.getFullName())
                        : value instanceof Enum<?> constant && schema.hasEnumSymbol(constant.name());
            case RECORD ->
                value instanceof IndexedRecord record
                        && record.getSchema().getFullName().equals(schema.getFullName());
            case ARRAY -> value instanceof Collection<?>;
            case MAP -> value instanceof Map<?, ?>;
            case UNION -> false;
        };
    }
}
