/**
 * Who is calling the HTTP API, and with which roles: OIDC bearer tokens verified against the issuer's
 * keys ({@link org.biomarkerstreams.api.auth.OidcAuthenticator}), API tokens from a secret file for sites
 * without an identity provider ({@link org.biomarkerstreams.api.auth.ApiTokens}), and a per-client limit
 * on failed attempts ({@link org.biomarkerstreams.api.auth.FailureLimiter}).
 *
 * <p>Plain Java and nimbus-jose-jwt only: the HTTP server hands in the {@code Authorization} header and
 * gets an {@link org.biomarkerstreams.api.auth.AuthResult} back. No reason, log line or exception here
 * carries a token or a claim value other than {@code sub}, {@code iss} and {@code kid}.
 */
package org.biomarkerstreams.api.auth;
