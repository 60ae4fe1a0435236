package org.biomarkerstreams.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record names a writer schema id that the registry answered it does not have (Confluent error 40403): the record
 * cannot be read with this registry, whatever the reader. Not thrown when the registry could not be asked.
 */
public final class UnknownSchemaException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final int schemaId;

    public UnknownSchemaException(String message, int schemaId, Throwable cause) {
        super(message, cause);
        this.schemaId = schemaId;
    }

    /** The schema id written in the record's header. */
    public int schemaId() {
        return schemaId;
    }
}
