package org.biomarkerstreams.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real OIDC provider on loopback (mock-oauth2-server): its discovery document, its JWKS and
 * the tokens it signs, verified with the system clock as in production.
 */
class OidcMockProviderTest {

    private static final String ISSUER = "trial";
    private static final String AUDIENCE = "biomarker-streams";
    private static final long FIVE_MINUTES = 300;

    private static MockOAuth2Server provider;
    private static OidcAuthenticator authenticator;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        provider = new MockOAuth2Server();
        provider.start(InetAddress.getLoopbackAddress(), 0);
        warmUp(provider.wellKnownUrl(ISSUER).uri(), provider.jwksUrl(ISSUER).uri());
        authenticator = OidcAuthenticator.create(new OidcSettings(
                issuer(ISSUER),
                AUDIENCE,
                Optional.empty(),
                "realm_access.roles",
                OidcSettings.DEFAULT_CLOCK_SKEW,
                Optional.of("dashboard")));
    }

    /**
     * The provider's first answer in a fresh JVM (class loading, its first key pair) can take longer than
     * our read timeout; an IdP in production is warm, and the cold path is covered in OidcAuthenticatorTest.
     */
    private static void warmUp(URI... uris) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        for (URI uri : uris) {
            http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    @AfterAll
    static void stop() {
        provider.shutdown();
    }

    private static URI issuer(String id) {
        return URI.create(provider.issuerUrl(id).toString());
    }

    private static String token(
            String issuerId, List<String> audience, Map<String, Object> claims, long expirySeconds) {
        return provider.issueToken(
                        issuerId,
                        "dashboard",
                        new DefaultOAuth2TokenCallback(issuerId, "nurse-7", "JWT", audience, claims, expirySeconds))
                .serialize();
    }

    private static Map<String, Object> roles(String... names) {
        return Map.of("realm_access", Map.of("roles", List.of(names)));
    }

    @Test
    void shouldAuthenticateWithRolesFromTheNestedClaimWhenTheProviderSignedTheToken() {
        String token = token(ISSUER, List.of(AUDIENCE, "account"), roles("clinician", "offline_access"), FIVE_MINUTES);

        assertThat(authenticator.authenticate("Bearer " + token))
                .isEqualTo(new Authenticated(new Caller("nurse-7", Set.of(Role.CLINICIAN))));
    }

    @Test
    void shouldAnswerMissingWhenNoHeaderIsSent() {
        assertThat(authenticator.authenticate(null)).isEqualTo(new Missing());
    }

    @Test
    void shouldRejectWhenTheTokenIsForAnotherAudience() {
        String token = token(ISSUER, List.of("account"), roles("clinician"), FIVE_MINUTES);

        assertThat(authenticator.authenticate("Bearer " + token))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("audience"));
    }

    @Test
    void shouldRejectWhenTheTokenIsFromAnotherIssuerOfTheSameProvider() {
        String token = token("other-realm", List.of(AUDIENCE), roles("clinician"), FIVE_MINUTES);

        assertThat(authenticator.authenticate("Bearer " + token)).isInstanceOf(Rejected.class);
    }

    @Test
    void shouldRejectWhenTheTokenExpiredBeyondTheSkew() {
        String token = token(ISSUER, List.of(AUDIENCE), roles("clinician"), -120);

        assertThat(authenticator.authenticate("Bearer " + token))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).containsIgnoringCase("expired"));
    }

    @Test
    void shouldRejectWhenTheTokenIsNotValidYet() {
        long inTenMinutes = System.currentTimeMillis() / 1000 + 600;
        Map<String, Object> claims = Map.of("nbf", inTenMinutes, "realm_access", Map.of("roles", List.of("ops")));
        String token = token(ISSUER, List.of(AUDIENCE), claims, 3600);

        assertThat(authenticator.authenticate("Bearer " + token))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("before use time"));
    }

    @Test
    void shouldRejectWhenOneByteOfTheProvidersSignatureIsFlipped() {
        String[] parts = token(ISSUER, List.of(AUDIENCE), roles("clinician"), FIVE_MINUTES)
                .split("\\.");
        byte[] signature = java.util.Base64.getUrlDecoder().decode(parts[2]);
        signature[0] ^= 0x01;
        String tampered = parts[0] + "." + parts[1] + "."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(signature);

        assertThat(authenticator.authenticate("Bearer " + tampered))
                .isInstanceOfSatisfying(
                        Rejected.class, r -> assertThat(r.reason()).contains("Invalid signature"));
    }
}
