package org.biomarkerstreams.api.auth;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to trust an OpenID Connect provider's access tokens.
 *
 * @param issuer the {@code iss} every token must carry, exactly (Keycloak: {@code https://host/realms/trial})
 * @param audience a value the token's {@code aud} must contain (a Keycloak audience mapper adds it)
 * @param jwksUri where the provider's signing keys are; empty to read {@code jwks_uri} from
 *     {@code <issuer>/.well-known/openid-configuration}
 * @param rolesClaim the claim holding role names, as a dotted path into nested objects ({@code roles},
 *     Keycloak: {@code realm_access.roles}); a list of strings, or one space-separated string
 * @param clockSkew tolerance on {@code exp}, {@code nbf} and {@code iat} for clocks that disagree
 * @param dashboardClientId the public client the dashboard logs in with (authorization code + PKCE)
 */
public record OidcSettings(
        URI issuer,
        String audience,
        Optional<URI> jwksUri,
        String rolesClaim,
        Duration clockSkew,
        Optional<String> dashboardClientId) {

    public static final String DEFAULT_ROLES_CLAIM = "roles";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** More than this hides a broken clock rather than tolerating a drifting one. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Pattern CLAIM_PATH = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)*");

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(jwksUri, "jwksUri");
        Objects.requireNonNull(rolesClaim, "rolesClaim");
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(dashboardClientId, "dashboardClientId");
        requireHttpUrl("OIDC issuer", issuer);
        jwksUri.ifPresent(uri -> requireHttpUrl("OIDC JWKS URI", uri));
        if (audience.isBlank()) {
            throw new IllegalArgumentException("OIDC audience must not be blank");
        }
        if (!CLAIM_PATH.matcher(rolesClaim).matches()) {
            throw new IllegalArgumentException(
                    "OIDC roles claim must be a claim name or a dotted path such as realm_access.roles, not '"
                            + rolesClaim + "'");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException(
                    "OIDC clock skew must be between 0 and " + MAX_CLOCK_SKEW.toSeconds() + " s, not " + clockSkew);
        }
        if (dashboardClientId.filter(String::isBlank).isPresent()) {
            throw new IllegalArgumentException("OIDC dashboard client id must not be blank when given");
        }
    }

    /** An issuer and audience with the defaults: discovered keys, {@code roles} claim, 30 s skew, no dashboard. */
    public static OidcSettings of(URI issuer, String audience) {
        return new OidcSettings(
                issuer, audience, Optional.empty(), DEFAULT_ROLES_CLAIM, DEFAULT_CLOCK_SKEW, Optional.empty());
    }

    /** The discovery document's address: {@code <issuer>/.well-known/openid-configuration}. */
    URI discoveryUri() {
        String base = issuer.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/.well-known/openid-configuration");
    }

    private static void requireHttpUrl(String what, URI uri) {
        String scheme = uri.getScheme();
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    what + " must be an http(s) URL without query or fragment, not '" + uri + "'");
        }
    }
}
