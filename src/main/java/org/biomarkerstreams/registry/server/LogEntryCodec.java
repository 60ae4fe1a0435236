package org.biomarkerstreams.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.biomarkerstreams.registry.CompatibilityLevel;

/**
 * {@link LogEntry} to and from the JSON key and value of a {@code _schemas} record, in the shape Confluent's registry
 * uses for its own topic: the key names what is changed ({@code {"keytype":"SCHEMA","subject":..,"version":..}},
 * {@code {"keytype":"CONFIG","subject":..}}), the value is its new state, a null value removes it. Keys are written
 * with their fields in one fixed order, because compaction compares key bytes.
 */
final class LogEntryCodec {

    /** A record's key and value; a null value is a tombstone. */
    record Bytes(byte[] key, byte[] value) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "SCHEMA";
    private static final String CONFIG = "CONFIG";
    private static final String NEXT_ID = "NEXT_ID";

    private LogEntryCodec() {}

    static Bytes encode(LogEntry entry) {
        if (entry instanceof LogEntry.Version v) {
            ObjectNode value = JSON.createObjectNode()
                    .put("subject", v.subject())
                    .put("version", v.version())
                    .put("id", v.id())
                    .put("schema", v.schema())
                    .put("deleted", v.deleted());
            ArrayNode references = value.putArray("references");
            for (SchemaReference r : v.references()) {
                references
                        .addObject()
                        .put("name", r.name())
                        .put("subject", r.subject())
                        .put("version", r.version());
            }
            return new Bytes(schemaKey(v.subject(), v.version()), bytes(value));
        }
        if (entry instanceof LogEntry.VersionRemoved r) {
            return new Bytes(schemaKey(r.subject(), r.version()), null);
        }
        if (entry instanceof LogEntry.Config c) {
            return new Bytes(
                    configKey(c.subject()),
                    bytes(JSON.createObjectNode()
                            .put("compatibilityLevel", c.level().name())));
        }
        if (entry instanceof LogEntry.ConfigRemoved c) {
            return new Bytes(configKey(c.subject()), null);
        }
        LogEntry.NextId n = (LogEntry.NextId) entry;
        ObjectNode key = JSON.createObjectNode().put("keytype", NEXT_ID).put("magic", 0);
        return new Bytes(bytes(key), bytes(JSON.createObjectNode().put("next", n.next())));
    }

    /**
     * The entry a record holds; empty for key types this registry does not know (such as Confluent's {@code NOOP}).
     *
     * @throws IllegalArgumentException when the record is not what its key type promises
     */
    static Optional<LogEntry> decode(byte[] keyBytes, byte[] valueBytes) {
        if (keyBytes == null) {
            throw new IllegalArgumentException("record has no key");
        }
        JsonNode key = tree(keyBytes, "key");
        JsonNode value = valueBytes == null ? null : tree(valueBytes, "value");
        String type = key.path("keytype").asText("");
        switch (type) {
            case SCHEMA -> {
                String subject = text(key, "subject");
                int version = integer(key, "version");
                if (value == null) {
                    return Optional.of(new LogEntry.VersionRemoved(subject, version));
                }
                List<SchemaReference> references = new ArrayList<>();
                for (JsonNode r : value.path("references")) {
                    references.add(new SchemaReference(text(r, "name"), text(r, "subject"), integer(r, "version")));
                }
                return Optional.of(new LogEntry.Version(
                        subject,
                        version,
                        integer(value, "id"),
                        text(value, "schema"),
                        references,
                        value.path("deleted").asBoolean(false)));
            }
            case CONFIG -> {
                Optional<String> subject = key.path("subject").isTextual()
                        ? Optional.of(key.get("subject").asText())
                        : Optional.empty();
                if (value == null) {
                    return Optional.of(new LogEntry.ConfigRemoved(subject));
                }
                return Optional.of(
                        new LogEntry.Config(subject, CompatibilityLevel.valueOf(text(value, "compatibilityLevel"))));
            }
            case NEXT_ID -> {
                return value == null ? Optional.empty() : Optional.of(new LogEntry.NextId(integer(value, "next")));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static byte[] schemaKey(String subject, int version) {
        return bytes(JSON.createObjectNode()
                .put("keytype", SCHEMA)
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1));
    }

    private static byte[] configKey(Optional<String> subject) {
        ObjectNode key = JSON.createObjectNode().put("keytype", CONFIG);
        if (subject.isPresent()) {
            key.put("subject", subject.get());
        } else {
            key.putNull("subject");
        }
        return bytes(key.put("magic", 0));
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] bytes, String what) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("record " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record " + what + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("record " + what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is not text in " + node);
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("field '" + field + "' is not an integer in " + node);
        }
        return v.intValue();
    }
}
