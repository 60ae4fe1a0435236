package org.biomarkerstreams.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose writer schema the registry knows, but which cannot be read as the expected type: another record
 * type, a version Avro's resolution rules cannot reconcile with the reader schema, or not an Avro schema at all.
 */
public final class SchemaMismatchException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public SchemaMismatchException(String message, int schemaId, Throwable cause) {
        super(message, cause);
        this.schemaId = schemaId;
    }

    /** The schema id written in the record's header. */
    public int schemaId() {
        return schemaId;
    }
}
