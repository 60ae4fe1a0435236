package org.biomarkerstreams.app;

/**
 * The Kafka cluster or the schema registry could not be reached, or refused this client's TLS handshake or
 * credentials, before the command did anything. The message names the address, what was tried and the likely cause;
 * commands exit with code 3.
 */
public final class UnreachableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnreachableException(String message) {
        super(message);
    }
}
