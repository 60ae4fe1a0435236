package org.biomarkerstreams.api.auth;

/** Turns an HTTP {@code Authorization} header into a caller. Implementations are thread-safe. */
public interface Authenticator {

    /** @param authorizationHeader the header's value, or null when the request has none */
    AuthResult authenticate(String authorizationHeader);
}
