package org.biomarkerstreams.registry.server;

/**
 * A refusal of the registry, answered as Confluent's error body {@code {"error_code": .., "message": ..}}: the HTTP
 * status, and Confluent's finer error code (the status followed by two digits, or the bare status).
 */
final class RegistryError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int errorCode;

    private RegistryError(int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }

    /** A plain HTTP refusal (unknown path, wrong method, bad JSON): the error code is the status. */
    static RegistryError http(int status, String message) {
        return new RegistryError(status, status, message, null);
    }

    static RegistryError subjectNotFound(String subject) {
        return new RegistryError(404, 40401, "Subject '" + subject + "' not found.", null);
    }

    static RegistryError versionNotFound(int version) {
        return new RegistryError(404, 40402, "Version " + version + " not found.", null);
    }

    static RegistryError schemaNotFound() {
        return new RegistryError(404, 40403, "Schema not found", null);
    }

    static RegistryError schemaNotFound(int id) {
        return new RegistryError(404, 40403, "Schema " + id + " not found", null);
    }

    static RegistryError subjectSoftDeleted(String subject) {
        return new RegistryError(
                404,
                40404,
                "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently",
                null);
    }

    static RegistryError subjectNotSoftDeleted(String subject) {
        return new RegistryError(
                404, 40405, "Subject '" + subject + "' was not deleted first before being permanently deleted", null);
    }

    static RegistryError versionSoftDeleted(String subject, int version) {
        return new RegistryError(
                404,
                40406,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted. Set permanent=true to delete permanently",
                null);
    }

    static RegistryError versionNotSoftDeleted(String subject, int version) {
        return new RegistryError(
                404,
                40407,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted",
                null);
    }

    static RegistryError subjectLevelNotConfigured(String subject) {
        return new RegistryError(
                404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured", null);
    }

    static RegistryError incompatible(String message) {
        return new RegistryError(409, 409, message, null);
    }

    static RegistryError invalidSchema(String message) {
        return new RegistryError(422, 42201, message, null);
    }

    static RegistryError invalidVersion(String version) {
        return new RegistryError(
                422,
                42202,
                "The specified version '" + version + "' is not a valid version id. Allowed values are between"
                        + " [1, 2^31-1] and the string \"latest\"",
                null);
    }

    static RegistryError invalidCompatibilityLevel(String level) {
        return new RegistryError(
                422,
                42203,
                "Invalid compatibility level '" + level + "'. Valid values are none, backward, forward, full,"
                        + " backward_transitive, forward_transitive, and full_transitive",
                null);
    }

    static RegistryError operationNotPermitted(String message) {
        return new RegistryError(422, 42205, message, null);
    }

    static RegistryError referenceExists(String message) {
        return new RegistryError(422, 42206, message, null);
    }

    static RegistryError invalidSubject(String subject) {
        return new RegistryError(422, 42208, "The specified subject '" + subject + "' is not valid.", null);
    }

    static RegistryError store(String message, Throwable cause) {
        return new RegistryError(500, 50001, message, cause);
    }
}
