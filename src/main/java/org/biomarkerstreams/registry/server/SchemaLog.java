package org.biomarkerstreams.registry.server;

import java.util.List;

/** Where the registry keeps its state: an ordered, durable log of {@link LogEntry changes}. */
interface SchemaLog extends AutoCloseable {

    /** Every entry kept so far, in log order (a removal comes as its own entry). */
    List<LogEntry> readAll();

    /**
     * Writes {@code entry} and returns once it is durable.
     *
     * @throws RegistryError 50001 when it could not be written; the registry then leaves its state unchanged
     */
    void append(LogEntry entry);

    @Override
    void close();
}
