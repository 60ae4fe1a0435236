package org.biomarkerstreams.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject, as the registry holds it.
 *
 * @param subject the subject
 * @param version the version number within the subject, from 1
 * @param id the schema's global id, the one records carry
 * @param schema the schema, with any schema references it names resolved
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
