package org.biomarkerstreams.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token rules, against {@link TestIssuer}'s keys and a clock the test sets. */
class OidcAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-03-02T08:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final TestIssuer issuer = TestIssuer.start();
    /** One key pair for the class: RSA key generation is the slow part of these tests. */
    private static final RSAKey KEY = TestIssuer.newKey("key-1");

    private final RSAKey key = KEY;

    @AfterEach
    void stop() {
        issuer.close();
    }

    private OidcSettings settings(String rolesClaim) {
        return new OidcSettings(
                issuer.issuer(),
                TestIssuer.AUDIENCE,
                Optional.of(issuer.jwksUri()),
                rolesClaim,
                OidcSettings.DEFAULT_CLOCK_SKEW,
                Optional.empty());
    }

    private OidcAuthenticator authenticator() {
        issuer.publish(key);
        return OidcAuthenticator.create(settings("roles"), clock);
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private String tokenWith(JWTClaimsSet.Builder claims) {
        return TestIssuer.sign(key, claims.build());
    }

    @Test
    void shouldAuthenticateWithSubjectAndRolesWhenTokenIsValid() {
        String token = tokenWith(issuer.claims(NOW).claim("roles", List.of("clinician", "Monitor")));

        assertThat(authenticator().authenticate(bearer(token)))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of(Role.CLINICIAN, Role.MONITOR))));
    }

    @Test
    void shouldIgnoreUnknownRoleNamesWhenClaimHasRolesOfOtherApplications() {
        String token = tokenWith(issuer.claims(NOW).claim("roles", List.of("offline_access", "ops", "admin")));

        assertThat(authenticator().authenticate(bearer(token)))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of(Role.OPS))));
    }

    @Test
    void shouldAuthenticateWithoutRolesWhenClaimIsAbsent() {
        assertThat(authenticator().authenticate(bearer(tokenWith(issuer.claims(NOW)))))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of())));
    }

    @Test
    void shouldReadRolesFromNestedClaimWhenPathIsDotted() {
        issuer.publish(key);
        OidcAuthenticator keycloak = OidcAuthenticator.create(settings("realm_access.roles"), clock);
        String token = tokenWith(issuer.claims(NOW)
                .claim("realm_access", Map.of("roles", List.of("monitor", "unblinded", "uma_authorization"))));

        assertThat(keycloak.authenticate(bearer(token)))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of(Role.MONITOR, Role.UNBLINDED))));
    }

    @Test
    void shouldReadRolesFromSpaceSeparatedStringWhenClaimIsScopeLike() {
        issuer.publish(key);
        OidcAuthenticator scopes = OidcAuthenticator.create(settings("scope"), clock);
        String token = tokenWith(issuer.claims(NOW).claim("scope", "openid profile ops clinician"));

        assertThat(scopes.authenticate(bearer(token)))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of(Role.OPS, Role.CLINICIAN))));
    }

    @Test
    void shouldReadRolesFromClaimWhoseNameHasDotsWhenItIsNamespaced() {
        issuer.publish(key);
        OidcAuthenticator auth0 = OidcAuthenticator.create(settings("https://trial.example.org/roles"), clock);
        String token = tokenWith(issuer.claims(NOW).claim("https://trial.example.org/roles", List.of("ops")));

        assertThat(auth0.authenticate(bearer(token)))
                .isEqualTo(new Authenticated(new Caller("user-1", Set.of(Role.OPS))));
    }

    @Test
    void shouldAnswerMissingWhenThereIsNoBearerToken() {
        OidcAuthenticator authenticator = authenticator();

        assertThat(authenticator.authenticate(null)).isEqualTo(new Missing());
        assertThat(authenticator.authenticate("")).isEqualTo(new Missing());
        assertThat(authenticator.authenticate("Basic dXNlcjpwYXNz")).isEqualTo(new Missing());
        assertThat(authenticator.authenticate("Bearer ")).isEqualTo(new Missing());
        assertThat(authenticator.authenticate("Bearertoken")).isEqualTo(new Missing());
    }

    @Test
    void shouldAcceptTheSchemeInAnyCaseWhenHeaderSaysBearer() {
        String token = tokenWith(issuer.claims(NOW));

        assertThat(authenticator().authenticate("bearer  " + token)).isInstanceOf(Authenticated.class);
    }

    @Test
    void shouldRejectWhenAudienceIsNotOurs() {
        String token = tokenWith(issuer.claims(NOW).audience(List.of("account", "another-app")));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class,
                        r -> assertThat(r.reason()).contains("audience").doesNotContain("another-app"));
    }

    @Test
    void shouldRejectWhenIssuerDiffersEvenByATrailingSlash() {
        String token = tokenWith(issuer.claims(NOW).issuer(issuer.issuer() + "/"));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("issuer mismatch"));
    }

    @Test
    void shouldRejectWhenExpiredBeyondTheSkew() {
        String token = tokenWith(issuer.claims(NOW.minusSeconds(600)).expirationTime(Date.from(NOW.minusSeconds(31))));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).containsIgnoringCase("expired"));
    }

    @Test
    void shouldAcceptWhenExpiredWithinTheSkew() {
        String token = tokenWith(issuer.claims(NOW.minusSeconds(600)).expirationTime(Date.from(NOW.minusSeconds(29))));

        assertThat(authenticator().authenticate(bearer(token))).isInstanceOf(Authenticated.class);
    }

    @Test
    void shouldRejectWhenNotYetValidBeyondTheSkew() {
        String token = tokenWith(issuer.claims(NOW).notBeforeTime(Date.from(NOW.plusSeconds(31))));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("before use time"));
    }

    @Test
    void shouldAcceptWhenNotBeforeIsWithinTheSkew() {
        String token = tokenWith(issuer.claims(NOW).notBeforeTime(Date.from(NOW.plusSeconds(29))));

        assertThat(authenticator().authenticate(bearer(token))).isInstanceOf(Authenticated.class);
    }

    @Test
    void shouldRejectWhenIssuedInTheFutureBeyondTheSkew() {
        String token = tokenWith(issuer.claims(NOW).issueTime(Date.from(NOW.plusSeconds(120))));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("issued in the future"));
    }

    @Test
    void shouldRejectWhenExpiryIsMissing() {
        String token = tokenWith(issuer.claims(NOW).expirationTime(null));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("exp"));
    }

    @Test
    void shouldRejectWhenSubjectIsMissing() {
        String token = tokenWith(issuer.claims(NOW).subject(null));

        assertThat(authenticator().authenticate(bearer(token)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("sub"));
    }

    @Test
    void shouldRejectWhenOneByteOfTheSignatureIsFlipped() {
        String[] parts = tokenWith(issuer.claims(NOW)).split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[signature.length / 2] ^= 0x01;
        String tampered = parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        assertThat(authenticator().authenticate(bearer(tampered)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("Invalid signature"));
    }

    @Test
    void shouldRejectWhenClaimsWereChangedAfterSigning() {
        String[] parts =
                tokenWith(issuer.claims(NOW).claim("roles", List.of("monitor"))).split("\\.");
        String claims = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(issuer.claims(NOW)
                        .claim("roles", List.of("clinician"))
                        .build()
                        .toString()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(authenticator().authenticate(bearer(parts[0] + "." + claims + "." + parts[2])))
                .isInstanceOf(Rejected.class);
    }

    @Test
    void shouldRejectWhenTokenIsUnsigned() {
        String token = new PlainJWT(issuer.claims(NOW).build()).serialize();

        assertThat(authenticator().authenticate(bearer(token))).isEqualTo(new Rejected("unsigned token (alg none)"));
    }

    @Test
    void shouldRejectWhenTokenIsSignedWithHmacUsingThePublicKeyAsSecret() throws JOSEException {
        SignedJWT hs256 = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-1").build(),
                issuer.claims(NOW).build());
        hs256.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));

        assertThat(authenticator().authenticate(bearer(hs256.serialize())))
                .isEqualTo(new Rejected("algorithm not allowed: HS256"));
    }

    @Test
    void shouldRejectWhenSignedByAKeyTheIssuerDoesNotPublish() {
        String forged =
                TestIssuer.sign(TestIssuer.newKey("key-1"), issuer.claims(NOW).build());

        assertThat(authenticator().authenticate(bearer(forged)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("Invalid signature"));
    }

    @Test
    void shouldRejectWhenTokenIsNotAJwt() {
        assertThat(authenticator().authenticate(bearer("not-a.jwt"))).isEqualTo(new Rejected("malformed token"));
        assertThat(authenticator().authenticate(bearer("x".repeat(BearerToken.MAX_LENGTH + 1))))
                .isEqualTo(new Rejected("token too long"));
    }

    @Test
    void shouldAcceptTokensOfANewKeyWhenTheIssuerRotatesToANewKid() {
        OidcAuthenticator authenticator = authenticator();
        assertThat(authenticator.authenticate(bearer(tokenWith(issuer.claims(NOW)))))
                .isInstanceOf(Authenticated.class);

        RSAKey rotated = TestIssuer.newKey("key-2");
        issuer.publish(rotated);
        String newToken = TestIssuer.sign(rotated, issuer.claims(NOW).build());

        assertThat(authenticator.authenticate(bearer(newToken))).isInstanceOf(Authenticated.class);
        assertThat(issuer.keySetRequests).hasValue(2);
    }

    @Test
    void shouldRejectTokensOfTheRetiredKeyWhenTheRotatedSetNoLongerHasIt() {
        OidcAuthenticator authenticator = authenticator();
        String oldToken = tokenWith(issuer.claims(NOW));
        RSAKey rotated = TestIssuer.newKey("key-2");
        issuer.publish(rotated);
        assertThat(authenticator.authenticate(
                        bearer(TestIssuer.sign(rotated, issuer.claims(NOW).build()))))
                .isInstanceOf(Authenticated.class);

        assertThat(authenticator.authenticate(bearer(oldToken)))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("key-1"));
    }

    @Test
    void shouldNotFetchTheKeySetForEveryTokenWhenKidsAreMadeUp() {
        OidcAuthenticator authenticator = authenticator();
        RSAKey attackers = TestIssuer.newKey("attacker");
        try (LogCapture logs = LogCapture.atLevel(Level.WARN)) {
            for (int i = 0; i < 20; i++) {
                RSAKey madeUp =
                        new RSAKey.Builder(attackers).keyID("made-up-" + i).build();
                String made = TestIssuer.sign(madeUp, issuer.claims(NOW).build());
                assertThat(authenticator.authenticate(bearer(made))).isInstanceOf(Rejected.class);
            }
            assertThat(logs.lines()).as("made-up kids are no outage").isEmpty();
        }

        assertThat(issuer.keySetRequests.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void shouldDiscoverTheKeySetFromIssuerMetadataWhenNoJwksUriIsConfigured() {
        issuer.publish(key);
        OidcAuthenticator discovering = OidcAuthenticator.create(
                new OidcSettings(
                        issuer.issuer(),
                        TestIssuer.AUDIENCE,
                        Optional.empty(),
                        "roles",
                        Duration.ofSeconds(30),
                        Optional.empty()),
                clock);

        assertThat(discovering.authenticate(bearer(tokenWith(issuer.claims(NOW)))))
                .isInstanceOf(Authenticated.class);
        assertThat(issuer.discoveryRequests).hasValue(1);
    }

    @Test
    void shouldAnswerUnavailableAndWarnWhileIssuerIsDownThenRetryWithBackoffWhenItComesUp() {
        issuer.publish(key);
        issuer.down(true);
        OidcAuthenticator discovering =
                OidcAuthenticator.create(OidcSettings.of(issuer.issuer(), "biomarker-streams"), clock);
        String token = tokenWith(issuer.claims(NOW));

        try (LogCapture logs = LogCapture.atLevel(Level.WARN)) {
            assertThat(discovering.authenticate(bearer(token)))
                    .isEqualTo(new AuthResult.Unavailable("issuer metadata unavailable"));
            assertThat(logs.linesContaining("metadata unavailable")).hasSize(1);
            assertThat(logs.linesContaining(token)).isEmpty();
        }
        issuer.down(false);
        assertThat(discovering.authenticate(bearer(token)))
                .as("within the backoff, the issuer is not asked again")
                .isEqualTo(new AuthResult.Unavailable("issuer metadata unavailable"));
        assertThat(issuer.discoveryRequests).hasValue(1);

        clock.advance(IssuerKeys.FIRST_BACKOFF);
        assertThat(discovering.authenticate(bearer(token))).isInstanceOf(Authenticated.class);
        assertThat(issuer.discoveryRequests).hasValue(2);
    }

    @Test
    void shouldDoubleTheBackoffWhileIssuerStaysDown() {
        issuer.down(true);
        OidcAuthenticator discovering =
                OidcAuthenticator.create(OidcSettings.of(issuer.issuer(), "biomarker-streams"), clock);
        String token = bearer(tokenWith(issuer.claims(NOW)));

        discovering.authenticate(token);
        clock.advance(Duration.ofSeconds(1));
        discovering.authenticate(token);
        clock.advance(Duration.ofSeconds(1));
        discovering.authenticate(token);
        assertThat(issuer.discoveryRequests).as("the second backoff is 2 s").hasValue(2);
        clock.advance(Duration.ofSeconds(1));
        discovering.authenticate(token);

        assertThat(issuer.discoveryRequests).hasValue(3);
    }

    @Test
    void shouldNeverPutTheTokenInTheReason() {
        OidcAuthenticator authenticator = authenticator();
        List<String> tokens = List.of(
                tokenWith(issuer.claims(NOW).audience("other")),
                tokenWith(issuer.claims(NOW).expirationTime(Date.from(NOW.minusSeconds(3600)))),
                TestIssuer.sign(TestIssuer.newKey("key-9"), issuer.claims(NOW).build()));

        for (String token : tokens) {
            assertThat(authenticator.authenticate(bearer(token)))
                    .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason())
                            .doesNotContain(token.split("\\.")[1])
                            .doesNotContain(token.split("\\.")[2]));
        }
    }

    @Test
    void shouldRefuseSettingsThatCannotWork() {
        URI issuerUri = URI.create("https://idp.example.org/realms/trial");
        assertThat(OidcSettings.of(issuerUri, "api").discoveryUri())
                .isEqualTo(URI.create("https://idp.example.org/realms/trial/.well-known/openid-configuration"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OidcSettings.of(URI.create("idp.example.org"), "api"))
                .hasMessageContaining("OIDC issuer");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OidcSettings.of(issuerUri, " "))
                .hasMessageContaining("OIDC audience");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OidcSettings(
                        issuerUri, "api", Optional.empty(), "realm_access..roles", Duration.ZERO, Optional.empty()))
                .hasMessageContaining("roles claim");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OidcSettings(
                        issuerUri, "api", Optional.empty(), "roles", Duration.ofHours(1), Optional.empty()))
                .hasMessageContaining("clock skew");
    }
}
