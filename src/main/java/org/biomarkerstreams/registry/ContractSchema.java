package org.biomarkerstreams.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A generated class's schema as the contract in {@code schemas/} states it: without the {@code avro.java.*}
 * properties that code generation adds ({@code "avro.java.string":"String"} on every string, from the build's {@code
 * stringType}). Those properties only tell Java code which string class to use; they do not change the data, but a
 * registry compares schema text, so a schema that carries them is another schema (another id) than the {@code .avsc}
 * file a client in any other language registers. Confluent's serializer drops them the same way when {@code
 * avro.remove.java.properties=true}.
 */
public final class ContractSchema {

    private static final String JAVA_PROPERTY_PREFIX = "avro.java.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContractSchema() {}

    /** The contract schema of a generated record class. */
    public static Schema of(Class<? extends SpecificRecord> type) {
        return of(SpecificData.getForClass(type).getSchema(type));
    }

    /** {@code schema} without its {@code avro.java.*} properties; {@code schema} itself when it has none. */
    public static Schema of(Schema schema) {
        String text = schema.toString();
        if (!text.contains(JAVA_PROPERTY_PREFIX)) {
            return schema;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema Jackson cannot read: " + e.getMessage(), e);
        }
        strip(tree);
        return new Schema.Parser().parse(tree.toString());
    }

    /** Removes the properties from every schema object in the tree, leaving default values as they are. */
    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().startsWith(JAVA_PROPERTY_PREFIX)) {
                    fields.remove();
                } else if (!field.getKey().equals("default")) {
                    strip(field.getValue());
                }
            }
        } else if (node.isArray()) {
            node.forEach(ContractSchema::strip);
        }
    }
}
