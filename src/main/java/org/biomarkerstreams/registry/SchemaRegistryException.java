package org.biomarkerstreams.registry;

/**
 * A schema registry refused a request or could not be reached. Carries the HTTP status and the registry's own error
 * code (for example 40401 subject not found, 409 incompatible schema, 42201 invalid schema) when there was an answer.
 */
public final class SchemaRegistryException extends RuntimeException {

    /** Status and error code used when the registry never answered (I/O error, timeout, interruption). */
    public static final int NO_ANSWER = -1;

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        this(message, httpStatus, errorCode, null);
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_ANSWER}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (Confluent style, e.g. 40403), the HTTP status if it sent none, or {@link #NO_ANSWER}. */
    public int errorCode() {
        return errorCode;
    }

    /**
     * True when the registry answered and refused (a 4xx answer other than 408 and 429): asking again will not help,
     * the request or the configuration must change. False when it could not be reached, timed out or failed.
     */
    public boolean isRefusal() {
        return httpStatus >= 400 && httpStatus < 500 && httpStatus != 408 && httpStatus != 429;
    }

    /** True when the subject, version, schema or id asked for does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
