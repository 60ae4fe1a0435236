package org.biomarkerstreams.registry;

import org.apache.avro.Schema;

/**
 * What the serdes need from a Confluent-compatible schema registry. Implementations are thread-safe and cache
 * both directions: (subject, schema) to id and id to schema.
 *
 * <p>Every method reports a registry refusal or an unreachable registry as a {@link SchemaRegistryException}.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} if it is registered under {@code subject}; 404 otherwise. A version counts as
     * {@code schema} when the two are the same schema as Avro parses them (Confluent's canonical form: the same JSON
     * once parsed, whatever the whitespace or the order of the attributes), not only when their texts are equal.
     */
    int lookup(String subject, Schema schema);

    /** Returns the latest version of {@code subject}; 404 (40401) when the subject has no version. */
    RegisteredSchema latest(String subject);

    /** Returns the schema with this global id; ids are immutable, so the answer is cached forever. */
    Schema schemaById(int id);

    /**
     * Tells whether {@code schema} could be registered under {@code subject} given its compatibility level. A subject
     * with no versions yet accepts any schema.
     */
    boolean testCompatibility(String subject, Schema schema);

    /** Sets the compatibility level of {@code subject}, e.g. {@code BACKWARD}, {@code FULL}, {@code NONE}. */
    void setCompatibility(String subject, String level);
}
