package org.biomarkerstreams.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.biomarkerstreams.api.auth.AuthResult.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies OIDC access tokens (signed JWTs) against the issuer's published keys: signature by a key
 * the issuer's JWK set holds under the token's {@code kid} (an unknown kid re-reads the set, which is how
 * rotation arrives), an asymmetric algorithm (never {@code none}, never HMAC: the key set is public),
 * then the claims as {@link ClaimsRules} says. The caller's roles come from {@link OidcSettings#rolesClaim()}.
 */
public final class OidcAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(OidcAuthenticator.class);

    /** The asymmetric algorithms IdPs sign with; HS* would let anyone holding the public key sign. */
    static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384);

    /** {@code JWT} (Keycloak, most IdPs), RFC 9068's {@code at+jwt}, or no {@code typ} at all. */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null);

    private final OidcSettings settings;
    private final Clock clock;
    private final IssuerKeys keys;
    private final RolesClaim rolesClaim;
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    private OidcAuthenticator(OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.keys = new IssuerKeys(settings, clock);
        this.rolesClaim = new RolesClaim(settings.rolesClaim());
    }

    /** Never contacts the provider: keys are fetched on the first token. */
    public static OidcAuthenticator create(OidcSettings settings) {
        return create(settings, Clock.systemUTC());
    }

    static OidcAuthenticator create(OidcSettings settings, Clock clock) {
        return new OidcAuthenticator(settings, clock);
    }

    public OidcSettings settings() {
        return settings;
    }

    @Override
    public AuthResult authenticate(String authorizationHeader) {
        Optional<String> bearer = BearerToken.from(authorizationHeader);
        if (bearer.isEmpty()) {
            return new Missing();
        }
        String token = bearer.get();
        if (token.length() > BearerToken.MAX_LENGTH) {
            return new Rejected("token too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return new Rejected("malformed token");
        }
        if (jwt instanceof PlainJWT) {
            return new Rejected("unsigned token (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return new Rejected("encrypted tokens are not accepted");
        }
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!ALLOWED_ALGORITHMS.contains(algorithm)) {
            return new Rejected("algorithm not allowed: " + BearerToken.printable(algorithm.getName()));
        }
        Optional<DefaultJWTProcessor<SecurityContext>> verifier = processor();
        if (verifier.isEmpty()) {
            return new Unavailable("issuer metadata unavailable");
        }
        String kid = BearerToken.printable(signed.getHeader().getKeyID());
        JWTClaimsSet claims;
        try {
            claims = verifier.get().process(signed, null);
        } catch (BadJOSEException e) {
            return new Rejected(e.getMessage() + " (kid " + kid + ")");
        } catch (RateLimitReachedException e) {
            // Unknown kids re-read the key set at most twice per interval; beyond that, not an outage: no WARN.
            return new Rejected("no matching key for kid " + kid + " (key set refresh rate-limited)");
        } catch (JOSEException e) {
            // The key set could not be fetched: the IdP is down or unreachable.
            LOG.warn("OIDC issuer {}: signing keys unavailable: {}", settings.issuer(), e.getMessage());
            return new Unavailable("signing keys unavailable (kid " + kid + ")");
        }
        return new Authenticated(new Caller(claims.getSubject(), rolesClaim.roles(claims)));
    }

    private Optional<DefaultJWTProcessor<SecurityContext>> processor() {
        DefaultJWTProcessor<SecurityContext> ready = processor;
        if (ready != null) {
            return Optional.of(ready);
        }
        return keys.source().map(source -> {
            DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
            built.setJWSTypeVerifier(TYPES);
            built.setJWSKeySelector(new JWSVerificationKeySelector<>(ALLOWED_ALGORITHMS, source));
            built.setJWTClaimsSetVerifier(new ClaimsRules(settings, clock));
            processor = built;
            return built;
        });
    }
}
