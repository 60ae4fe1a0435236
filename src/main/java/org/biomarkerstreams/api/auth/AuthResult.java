package org.biomarkerstreams.api.auth;

import java.util.Objects;

/**
 * The answer of an {@link Authenticator}: who is calling, nobody said, the credentials failed, or they could not be
 * checked now.
 */
public sealed interface AuthResult
        permits AuthResult.Authenticated, AuthResult.Missing, AuthResult.Rejected, AuthResult.Unavailable {

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

    /**
     * The credentials could not be checked now: the identity provider's metadata or keys cannot be had. Not the
     * caller's fault, so it is not counted against the caller (a slow or restarting provider would otherwise lock
     * every user out as a guesser); callers answer 503. The reason follows the same rules as {@link Rejected}'s.
     */
    record Unavailable(String reason) implements AuthResult {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
