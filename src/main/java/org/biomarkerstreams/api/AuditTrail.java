package org.biomarkerstreams.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Where every access to patient data is recorded, before the answer leaves: a record that cannot be made durable
 * means no answer (503). Implementations never see a raw patient id, only the pseudonym.
 */
@FunctionalInterface
public interface AuditTrail {

    /**
     * Records {@code access} durably, or throws.
     *
     * @throws AuditUnavailableException when the record could not be written in time
     */
    void record(Access access);

    /** What became of an access. */
    enum Outcome {
        /** The patient's data was sent. */
        ANSWERED,
        /** The caller may see patient data, and there is none for this patient (or analyte). */
        NOT_FOUND,
        /** The caller is authenticated but lacks the role. */
        DENIED,
        /** The data could not be read now (starting, rebalancing, owner unreachable); nothing was sent. */
        UNAVAILABLE,
        /** The request was malformed (e.g. an unknown analyte); nothing was sent. */
        REJECTED
    }

    /**
     * One access to one patient's data.
     *
     * @param at when the answer was decided
     * @param subject who asked: the token's subject ({@code sub}, or {@code token:<name>} for API tokens)
     * @param route the route template, e.g. {@code /api/patients/{id}/summary}
     * @param patient the patient's pseudonym (HMAC of the id), never the id
     * @param outcome what was answered
     * @param status the HTTP status sent
     * @param client the caller's network address
     * @param instance the instance that answered ({@code host:port})
     */
    record Access(
            Instant at,
            String subject,
            String route,
            String patient,
            Outcome outcome,
            int status,
            String client,
            String instance) {
        public Access {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(route, "route");
            Objects.requireNonNull(patient, "patient");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    /** The audit record could not be written; the access is refused. */
    final class AuditUnavailableException extends RuntimeException {
        public AuditUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
