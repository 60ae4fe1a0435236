package org.biomarkerstreams.registry.server;

import java.util.List;
import java.util.Objects;

/**
 * The body of a register, lookup or compatibility request: the schema text, its type ({@code AVRO} when the client
 * sent none, as Confluent's clients do for Avro) and its references.
 */
record SchemaRequest(String schema, String schemaType, List<SchemaReference> references) {
    static final String AVRO = "AVRO";

    SchemaRequest {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(schemaType, "schemaType");
        references = List.copyOf(references);
    }
}
