package org.biomarkerstreams.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Checks a line of our NDJSON files against a writer schema from {@code schemas/*.avsc} with Avro's own JSON decoder.
 * Our lines are plain JSON (unions unwrapped, timestamps as ISO strings: {@code streams/AvroJson}); this turns one into
 * Avro's JSON encoding by the schema, which fails on a field that is missing, extra or of the wrong type, and then
 * decodes it with {@link DecoderFactory#jsonDecoder}.
 */
public final class AvroJsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJsonLines() {}

    /** The writer schema of {@code schemas/<name>.avsc} (the file avro-maven-plugin compiles). */
    public static Schema schema(String name) throws IOException {
        return new Schema.Parser().parse(Path.of("schemas", name + ".avsc").toFile());
    }

    /**
     * The line decoded by Avro's JSON decoder against {@code schema}.
     *
     * @throws IllegalArgumentException naming the field when the line does not fit the schema
     */
    public static GenericRecord decode(String line, Schema schema) throws IOException {
        JsonNode avroJson = encode(JSON.readTree(line), schema, "");
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
        return reader.read(null, DecoderFactory.get().jsonDecoder(schema, JSON.writeValueAsString(avroJson)));
    }

    private static JsonNode encode(JsonNode node, Schema schema, String path) {
        switch (schema.getType()) {
            case NULL -> {
                require(node == null || node.isNull(), path, "null");
                return NODES.nullNode();
            }
            case UNION -> {
                if (node == null || node.isNull()) {
                    require(schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL), path, "a value");
                    return NODES.nullNode();
                }
                Schema branch = schema.getTypes().stream()
                        .filter(t -> t.getType() != Schema.Type.NULL)
                        .findFirst()
                        .orElseThrow();
                ObjectNode wrapped = NODES.objectNode();
                wrapped.set(unionName(branch), encode(node, branch, path));
                return wrapped;
            }
            case RECORD -> {
                require(node != null && node.isObject(), path, "an object");
                ObjectNode out = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    require(node.has(field.name()), path + "." + field.name(), "the field (missing)");
                    out.set(field.name(), encode(node.get(field.name()), field.schema(), path + "." + field.name()));
                }
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                    String name = names.next();
                    require(schema.getField(name) != null, path + "." + name, "no such field in " + schema.getName());
                }
                return out;
            }
            case ARRAY -> {
                require(node != null && node.isArray(), path, "an array");
                ArrayNode out = NODES.arrayNode();
                for (int i = 0; i < node.size(); i++) {
                    out.add(encode(node.get(i), schema.getElementType(), path + "[" + i + "]"));
                }
                return out;
            }
            case MAP -> {
                require(node != null && node.isObject(), path, "an object (map)");
                ObjectNode out = NODES.objectNode();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    out.set(e.getKey(), encode(e.getValue(), schema.getValueType(), path + "." + e.getKey()));
                }
                return out;
            }
            case LONG -> {
                LogicalType logical = schema.getLogicalType();
                if (logical != null && logical.getName().equals("timestamp-millis")) {
                    require(node != null && node.isTextual(), path, "an ISO-8601 instant");
                    return NODES.numberNode(Instant.parse(node.asText()).toEpochMilli());
                }
                return node;
            }
            case INT -> {
                LogicalType logical = schema.getLogicalType();
                if (logical != null && logical.getName().equals("date")) {
                    return NODES.numberNode(LocalDate.parse(node.asText()).toEpochDay());
                }
                return node;
            }
            case BYTES -> {
                byte[] bytes = node.isObject()
                        ? Base64.getDecoder().decode(node.get("base64").asText())
                        : node.asText().getBytes(StandardCharsets.UTF_8);
                // Avro's JSON encoding of bytes: one char per byte, ISO-8859-1.
                return NODES.textNode(new String(bytes, StandardCharsets.ISO_8859_1));
            }
            default -> {
                return node;
            }
        }
    }

    private static String unionName(Schema branch) {
        return switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> branch.getFullName();
            default -> branch.getType().getName();
        };
    }

    private static void require(boolean ok, String path, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(
                    (path.isEmpty() ? "record" : path.substring(1)) + ": expected " + expected);
        }
    }
}
