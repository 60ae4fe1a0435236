package org.biomarkerstreams.registry.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * An Avro schema text parsed the way the registry stores it: the types its references define are known to the parser
 * (so the text may name them), and its canonical text names them without repeating their definitions.
 *
 * @param schema the parsed schema with every referenced type resolved: what compatibility is checked on
 * @param identity its canonical text and references: what the global id is given for
 */
record AvroDefinition(Schema schema, SchemaIdentity identity) {

    /**
     * Parses {@code text}.
     *
     * @param references the references as registered (versions already concrete)
     * @param referenced the resolved schema of each reference, in the same order
     * @throws RegistryError 42201 when the text is not a valid Avro schema given those references
     */
    static AvroDefinition parse(String text, List<SchemaReference> references, List<Schema> referenced) {
        Collection<Schema> known = namedTypes(referenced);
        Schema schema;
        try {
            schema = new Schema.Parser().addTypes(known).parse(text);
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            // SchemaParseException and the Jackson errors Avro lets through for text that is not JSON.
            String hint = references.isEmpty() ? "" : " (with references " + references + ")";
            throw RegistryError.invalidSchema("Invalid schema" + hint + ": " + e.getMessage());
        }
        return new AvroDefinition(schema, new SchemaIdentity(schema.toString(known, false), references));
    }

    /**
     * Every named type the referenced schemas define, nested ones included: a referring schema may name any of them,
     * and its canonical text must name (not repeat) each of them, or parsing it again with the same references would
     * define a type twice.
     */
    static Collection<Schema> namedTypes(List<Schema> referenced) {
        Map<String, Schema> byName = new LinkedHashMap<>();
        List<Schema> pending = new ArrayList<>(referenced);
        while (!pending.isEmpty()) {
            Schema s = pending.remove(pending.size() - 1);
            switch (s.getType()) {
                case RECORD -> {
                    if (byName.putIfAbsent(s.getFullName(), s) == null) {
                        s.getFields().forEach(f -> pending.add(f.schema()));
                    }
                }
                case ENUM, FIXED -> byName.putIfAbsent(s.getFullName(), s);
                case ARRAY -> pending.add(s.getElementType());
                case MAP -> pending.add(s.getValueType());
                case UNION -> pending.addAll(s.getTypes());
                default -> {
                    // primitives name nothing
                }
            }
        }
        return byName.values();
    }
}
