package org.biomarkerstreams.api.auth;

import java.util.Objects;

/** The answer of an {@link Authenticator}: who is calling, nobody said, or the credentials failed. */
public sealed interface AuthResult permits AuthResult.Authenticated, AuthResult.Missing, AuthResult.Rejected {

    record Authenticated(Caller caller) implements AuthResult {
        public Authenticated {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** No {@code Authorization} header, or not a {@code Bearer} one. */
    record Missing() implements AuthResult {}

    /**
     * Credentials were presented and failed. The reason is for logs: it never contains the token, nor a
     * claim value other than {@code sub}, {@code iss} or {@code kid}. Callers answer 401 without it.
     */
    record Rejected(String reason) implements AuthResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
