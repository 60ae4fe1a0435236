package org.biomarkerstreams.registry.server;

import java.util.List;
import java.util.Objects;

/**
 * What makes two registrations the same schema, and so the same global id: the canonical text (Avro's JSON form of
 * the parsed schema, referenced types by name only) and the references it was registered with. Whitespace and the
 * order of JSON properties do not matter; defaults, docs and custom properties do, as in Confluent's registry.
 */
record SchemaIdentity(String canonical, List<SchemaReference> references) {
    SchemaIdentity {
        Objects.requireNonNull(canonical, "canonical");
        references = List.copyOf(references);
    }
}
