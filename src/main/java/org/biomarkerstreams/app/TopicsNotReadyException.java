package org.biomarkerstreams.app;

/**
 * The cluster's topics are not as a command needs them: missing where the command may not create them, or with other
 * partitions, replication or cleanup policy than configured. The message names each topic and its fix; it is a
 * configuration problem (exit code 2), not a failure of the application.
 */
public final class TopicsNotReadyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TopicsNotReadyException(String message) {
        super(message);
    }
}
