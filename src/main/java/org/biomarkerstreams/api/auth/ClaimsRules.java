package org.biomarkerstreams.api.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * The claims a token must satisfy once its signature holds: {@code iss} exactly, {@code aud} containing
 * ours, {@code sub} and {@code exp} present, {@code exp}/{@code nbf} (nimbus) and {@code iat} within the
 * skew. Issuer and audience are checked here rather than by nimbus so that the reasons name no audience
 * values, and the time comes from the injected clock.
 */
final class ClaimsRules extends DefaultJWTClaimsVerifier<SecurityContext> {

    private final String issuer;
    private final String audience;
    private final Duration skew;
    private final Clock clock;

    ClaimsRules(OidcSettings settings, Clock clock) {
        super(null, null, Set.of("sub", "exp"), null);
        this.issuer = settings.issuer().toString();
        this.audience = settings.audience();
        this.skew = settings.clockSkew();
        this.clock = clock;
        setMaxClockSkew(Math.toIntExact(skew.toSeconds()));
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        String tokenIssuer = claims.getIssuer();
        if (!issuer.equals(tokenIssuer)) {
            throw new BadJWTException("issuer mismatch: token iss " + BearerToken.printable(tokenIssuer));
        }
        List<String> audiences = claims.getAudience();
        if (audiences == null || !audiences.contains(audience)) {
            throw new BadJWTException("audience mismatch: aud does not contain the configured audience");
        }
        super.verify(claims, context);
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && issuedAt.toInstant().isAfter(clock.instant().plus(skew))) {
            throw new BadJWTException("issued in the future (iat beyond the clock skew)");
        }
    }

    @Override
    protected Date currentTime() {
        Instant now = clock.instant();
        return Date.from(now);
    }
}
