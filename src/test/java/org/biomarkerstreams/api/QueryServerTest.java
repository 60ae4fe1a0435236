package org.biomarkerstreams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.biomarkerstreams.api.auth.ApiTokens;
import org.biomarkerstreams.api.auth.Authenticators;
import org.biomarkerstreams.api.auth.OidcAuthenticator;
import org.biomarkerstreams.api.auth.OidcSettings;
import org.biomarkerstreams.api.auth.Role;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.tls.ServerTls;
import org.biomarkerstreams.tls.TlsFiles;
import org.biomarkerstreams.tls.TlsFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP doors on real sockets, in-process and without Kafka (patient routes answer 503 until stores are
 * attached; the own-JVM security suite covers answers with data): TLS and certificate rotation, authentication,
 * roles, no enumeration, the audit record, security headers, the Host allowlist, size limits, and slow clients.
 */
class QueryServerTest {

    private static final byte[] PSEUDONYM_KEY =
            "a pseudonym key of at least 32 bytes..".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<AuditTrail.Access> audit = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String clinician;
    private String monitor;
    private String ops;
    private Path tokens;

    @BeforeEach
    void tokens() throws Exception {
        SecureRandom random = new SecureRandom();
        clinician = ApiTokens.generate(random);
        monitor = ApiTokens.generate(random);
        ops = ApiTokens.generate(random);
        tokens = dir.resolve("tokens");
        Files.writeString(
                tokens,
                String.join(
                        "\n",
                        ApiTokens.fileLine("ward", clinician, EnumSet.of(Role.CLINICIAN)),
                        ApiTokens.fileLine("dsmb", monitor, EnumSet.of(Role.MONITOR)),
                        ApiTokens.fileLine("prometheus", ops, EnumSet.of(Role.OPS))));
    }

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(started);
        for (AutoCloseable c : started) {
            c.close();
        }
    }

    private QueryServer start(HttpSettings settings) {
        QueryServer server = QueryServer.start(
                settings,
                new QueryServer.Content(
                        SiteProfile.defaults(),
                        Blinding.none(),
                        new MetricsEndpoint(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
                        Pseudonym.withKey(PSEUDONYM_KEY),
                        audit::add));
        started.add(server);
        return server;
    }

    private HttpSettings.Access tokenAccess() {
        ApiTokens apiTokens = ApiTokens.load(tokens);
        started.add(apiTokens);
        return new HttpSettings.Access.Authenticated(Authenticators.firstOf(List.of(apiTokens)), Optional.empty());
    }

    private static HttpSettings settings(HttpSettings.Access access, HttpSettings.Limits limits) {
        return new HttpSettings(
                "127.0.0.1",
                0,
                "127.0.0.1",
                OptionalInt.of(0),
                Optional.empty(),
                HttpSettings.Plaintext.LOOPBACK_ONLY,
                access,
                Set.of(),
                Optional.empty(),
                limits);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAskForATokenAndGrantEachRouteOnlyToItsRole() throws Exception {
        QueryServer server = start(settings(tokenAccess(), HttpSettings.Limits.defaults()));
        String base = "http://127.0.0.1:" + server.port();

        HttpResponse<String> none = get(base + "/api/cohort/visits", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"biomarker-streams\"");
        HttpResponse<String> wrong = get(base + "/api/cohort/visits", "bst_not-a-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");

        assertThat(get(base + "/metrics", ops).statusCode()).isEqualTo(200);
        assertThat(get(base + "/metrics", clinician).statusCode()).isEqualTo(403);
        assertThat(get(base + "/metrics", monitor).statusCode()).isEqualTo(403);
        assertThat(get(base + "/api/cohort/visits", ops).statusCode()).isEqualTo(403);
        assertThat(get(base + "/api/cohort/visits", clinician).statusCode()).isEqualTo(403);
        assertThat(get(base + "/api/analytes", ops).statusCode()).isEqualTo(200);
        // No data without the role; dashboard files, health and the login settings are open.
        assertThat(get(base + "/", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/login.js", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/api/auth-config", null).body()).isEqualTo("{\"mode\":\"token\"}");
    }

    @Test
    void shouldAnswerAPatientRouteWithoutTheRoleAlikeForAnyIdAndAuditEveryAccess() throws Exception {
        QueryServer server = start(settings(tokenAccess(), HttpSettings.Limits.defaults()));
        String base = "http://127.0.0.1:" + server.port();

        HttpResponse<String> known = get(base + "/api/patients/CANARY-4711/summary", monitor);
        HttpResponse<String> unknown = get(base + "/api/patients/NOBODY-0000/summary", monitor);
        assertThat(known.statusCode()).isEqualTo(403);
        assertThat(unknown.statusCode()).isEqualTo(403);
        assertThat(known.body()).isEqualTo(unknown.body());
        assertThat(known.headers().map().keySet())
                .isEqualTo(unknown.headers().map().keySet());
        // A clinician reaches the stores (not attached here: 503, retry).
        assertThat(get(base + "/api/patients/CANARY-4711/trajectory", clinician).statusCode())
                .isEqualTo(503);
        // Unauthenticated: not an access to patient data, and not audited.
        assertThat(get(base + "/api/patients/CANARY-4711/summary", null).statusCode())
                .isEqualTo(401);

        String pseudonym = Pseudonym.withKey(PSEUDONYM_KEY).of("CANARY-4711");
        assertThat(audit)
                .extracting(
                        AuditTrail.Access::subject,
                        AuditTrail.Access::route,
                        AuditTrail.Access::patient,
                        AuditTrail.Access::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "token:dsmb", "/api/patients/{id}/summary", pseudonym, AuditTrail.Outcome.DENIED),
                        org.assertj.core.groups.Tuple.tuple(
                                "token:dsmb",
                                "/api/patients/{id}/summary",
                                Pseudonym.withKey(PSEUDONYM_KEY).of("NOBODY-0000"),
                                AuditTrail.Outcome.DENIED),
                        org.assertj.core.groups.Tuple.tuple(
                                "token:ward",
                                "/api/patients/{id}/trajectory",
                                pseudonym,
                                AuditTrail.Outcome.UNAVAILABLE));
        assertThat(audit.toString()).doesNotContain("CANARY-4711");
    }

    @Test
    void shouldGuardTimeToNormalizationLikeEveryPatientRouteAndAuditItUnderItsTemplate() throws Exception {
        QueryServer server = start(settings(tokenAccess(), HttpSettings.Limits.defaults()));
        String base = "http://127.0.0.1:" + server.port() + "/api/patients/CANARY-4711/time-to-normalization";

        assertThat(get(base, null).statusCode()).isEqualTo(401);
        assertThat(get(base, monitor).statusCode()).isEqualTo(403);
        assertThat(get(base, ops).statusCode()).isEqualTo(403);
        // The clinician reaches the stores (not attached here: 503, retry).
        assertThat(get(base, clinician).statusCode()).isEqualTo(503);

        assertThat(audit)
                .extracting(AuditTrail.Access::subject, AuditTrail.Access::route, AuditTrail.Access::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "token:dsmb", "/api/patients/{id}/time-to-normalization", AuditTrail.Outcome.DENIED),
                        org.assertj.core.groups.Tuple.tuple(
                                "token:prometheus",
                                "/api/patients/{id}/time-to-normalization",
                                AuditTrail.Outcome.DENIED),
                        org.assertj.core.groups.Tuple.tuple(
                                "token:ward",
                                "/api/patients/{id}/time-to-normalization",
                                AuditTrail.Outcome.UNAVAILABLE));
        assertThat(audit.toString()).doesNotContain("CANARY-4711");
    }

    @Test
    void shouldDescribeTheProtocolToAnyAuthenticatedCallerOnly() throws Exception {
        QueryServer server = start(settings(tokenAccess(), HttpSettings.Limits.defaults()));
        String base = "http://127.0.0.1:" + server.port() + "/api/protocol";

        assertThat(get(base, null).statusCode()).isEqualTo(401);
        HttpResponse<String> monitorAnswer = get(base, monitor);
        assertThat(monitorAnswer.statusCode()).isEqualTo(200);
        assertThat(monitorAnswer.body()).contains("\"dayConvention\":\"PDY\"", "\"visits\":[");
        assertThat(get(base, clinician).statusCode()).isEqualTo(200);
        assertThat(audit).as("no patient data, no audit record").isEmpty();
    }

    @Test
    void shouldRefuseTheAnswerWhenTheAccessCannotBeAudited() throws Exception {
        QueryServer server = QueryServer.start(
                settings(tokenAccess(), HttpSettings.Limits.defaults()),
                new QueryServer.Content(
                        SiteProfile.defaults(), Blinding.none(), null, Pseudonym.withKey(PSEUDONYM_KEY), access -> {
                            throw new AuditTrail.AuditUnavailableException("broker down", null);
                        }));
        started.add(server);
        HttpResponse<String> response =
                get("http://127.0.0.1:" + server.port() + "/api/patients/P1/summary", clinician);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("audited");
    }

    @Test
    void shouldBlockAClientAfterRepeatedFailedAuthentications() throws Exception {
        QueryServer server = start(settings(tokenAccess(), HttpSettings.Limits.defaults()));
        String url = "http://127.0.0.1:" + server.port() + "/api/cohort/visits";
        for (int i = 0; i < 10; i++) {
            assertThat(get(url, "bst_guess-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> blocked = get(url, monitor);
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldAnswer503AndNotBlockTheClientWhenTheIdentityProviderCannotBeReached() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        OidcAuthenticator oidc = OidcAuthenticator.create(new OidcSettings(
                URI.create("http://127.0.0.1:" + closedPort + "/realms/trial"),
                "biomarker-api",
                Optional.empty(),
                OidcSettings.DEFAULT_ROLES_CLAIM,
                OidcSettings.DEFAULT_CLOCK_SKEW,
                Optional.empty()));
        QueryServer server = start(settings(
                new HttpSettings.Access.Authenticated(Authenticators.firstOf(List.of(oidc)), Optional.empty()),
                HttpSettings.Limits.defaults()));
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                new JWTClaimsSet.Builder().subject("dr-a").build());
        token.sign(new RSASSASigner(key));

        String url = "http://127.0.0.1:" + server.port() + "/api/cohort/visits";
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> answer = get(url, token.serialize());
            assertThat(answer.statusCode())
                    .as("request %d: the provider's outage is not the caller's failed authentication", i)
                    .isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).isPresent();
            assertThat(answer.headers().firstValue("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void shouldSendSecurityHeadersAndRefuseUnknownHostsAndOversizedRequests() throws Exception {
        QueryServer server = start(settings(new HttpSettings.Access.Open(), HttpSettings.Limits.defaults()));
        String base = "http://127.0.0.1:" + server.port();
        for (String path : List.of("/", "/api/analytes", "/no/such/route")) {
            HttpResponse<String> r = get(base + path, null);
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("default-src 'self'", "frame-ancestors 'none'");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
            assertThat(r.headers().firstValue("Server")).isEmpty();
        }
        assertThat(raw(server.port(), "GET /api/analytes HTTP/1.1\r\nHost: rebound.attacker.example\r\n\r\n"))
                .startsWith("HTTP/1.1 421");
        assertThat(raw(
                        server.port(),
                        "GET /api/patients/" + "x".repeat(9000) + "/summary HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .startsWith("HTTP/1.1 414");
        assertThat(raw(server.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431");
    }

    @Test
    void shouldRefuseToServePatientDataOffLoopbackWithoutAuthenticationOrTls() {
        HttpSettings open = new HttpSettings(
                "0.0.0.0",
                0,
                "host",
                OptionalInt.empty(),
                Optional.empty(),
                HttpSettings.Plaintext.LOOPBACK_ONLY,
                new HttpSettings.Access.Open(),
                Set.of(),
                Optional.empty(),
                HttpSettings.Limits.defaults());
        assertThatThrownBy(open::requireSafe)
                .hasMessageContaining("--oidc-issuer")
                .hasMessageContaining("--api-tokens-file");
        HttpSettings plaintext = new HttpSettings(
                "0.0.0.0",
                0,
                "host",
                OptionalInt.empty(),
                Optional.empty(),
                HttpSettings.Plaintext.LOOPBACK_ONLY,
                tokenAccess(),
                Set.of(),
                Optional.empty(),
                HttpSettings.Limits.defaults());
        assertThatThrownBy(plaintext::requireSafe)
                .hasMessageContaining("--http-tls-cert")
                .hasMessageContaining("--http-insecure");
        new HttpSettings(
                        "0.0.0.0",
                        0,
                        "host",
                        OptionalInt.empty(),
                        Optional.empty(),
                        HttpSettings.Plaintext.ALLOWED,
                        tokenAccess(),
                        Set.of(),
                        Optional.empty(),
                        HttpSettings.Limits.defaults())
                .requireSafe();
        HttpSettings.loopback(0).requireSafe();
    }

    @Test
    void shouldServeTlsWithHstsAndPickUpARotatedCertificate() throws Exception {
        TlsFixtures ca = TlsFixtures.authority("test CA");
        Path chain = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        TlsFixtures.Issued first = ca.server("api", TlsFixtures.KeyType.RSA);
        TlsFixtures.writePem(first, chain, key, TlsFixtures.KeyFormat.TRADITIONAL);
        ServerTls tls = ServerTls.load(TlsFiles.pem("--http-tls", chain, key, null), Duration.ofHours(1));
        started.add(tls);
        HttpSettings settings = new HttpSettings(
                "127.0.0.1",
                0,
                "localhost",
                OptionalInt.of(0),
                Optional.of(tls.sslContext()),
                HttpSettings.Plaintext.LOOPBACK_ONLY,
                tokenAccess(),
                Set.of(),
                Optional.empty(),
                HttpSettings.Limits.defaults());
        QueryServer server = start(settings);
        HttpClient https =
                HttpClient.newBuilder().sslContext(ca.clientContext(null)).build();
        HttpResponse<String> r = https.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/api/analytes"))
                        .header("Authorization", "Bearer " + monitor)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
        assertThat(peerSerial(ca, server.port())).isEqualTo(first.serial());

        // cert-manager renews: new files, same paths; new handshakes get the new certificate.
        TlsFixtures.Issued renewed = ca.server("api", TlsFixtures.KeyType.EC);
        TlsFixtures.writePem(renewed, chain, key, TlsFixtures.KeyFormat.PKCS8);
        assertThat(tls.checkForChanges()).isTrue();
        assertThat(peerSerial(ca, server.port())).isEqualTo(renewed.serial());
        // Plaintext on the TLS port gets no data.
        assertThat(raw(server.port(), "GET /api/analytes HTTP/1.1\r\nHost: localhost\r\n\r\n"))
                .doesNotContain("analytes");
    }

    private static java.math.BigInteger peerSerial(TlsFixtures ca, int port) throws Exception {
        try (SSLSocket socket =
                (SSLSocket) ca.clientContext(null).getSocketFactory().createSocket("localhost", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void shouldKeepHealthAndTheApiAnsweringWhileSlowClientsTrickleRequests() throws Exception {
        HttpSettings.Limits limits =
                new HttpSettings.Limits(1024, Duration.ofSeconds(30), Duration.ofSeconds(2), 8 * 1024, 8, 24, 10);
        QueryServer server = start(settings(tokenAccess(), limits));
        int health = server.healthPort().orElseThrow();
        // Warm up the client and both listeners: the figure is about the attack, not class loading.
        assertThat(get("http://127.0.0.1:" + health + "/health/live", null).statusCode())
                .isEqualTo(200);
        assertThat(get("http://127.0.0.1:" + server.port() + "/api/analytes", monitor)
                        .statusCode())
                .isEqualTo(200);
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                s.getOutputStream()
                        .write("GET /api/analytes HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            List<Long> millis = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int tick = 0;
            while (System.nanoTime() < until) {
                // one more header byte per slow client every 200 ms: never idle, never done
                for (Socket s : slow) {
                    if (!s.isClosed()) {
                        try {
                            s.getOutputStream().write('X');
                        } catch (java.io.IOException closedByServer) {
                            s.close();
                        }
                    }
                }
                long t0 = System.nanoTime();
                assertThat(get("http://127.0.0.1:" + health + "/health/live", null)
                                .statusCode())
                        .isEqualTo(200);
                millis.add((System.nanoTime() - t0) / 1_000_000);
                if (tick++ % 5 == 0) {
                    assertThat(get("http://127.0.0.1:" + server.port() + "/api/analytes", monitor)
                                    .statusCode())
                            .isEqualTo(200);
                }
                Thread.sleep(200);
            }
            Collections.sort(millis);
            long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
            assertThat(p99)
                    .as("health p99 ms while 300 clients trickle: %s", millis)
                    .isLessThan(100);
            // Past the request timeout the server has closed every trickling connection.
            await().atMost(Duration.ofSeconds(5)).until(() -> server.slowConnectionsClosed() >= 300);
            for (Socket s : slow) {
                if (!s.isClosed()) {
                    s.setSoTimeout(2_000);
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                }
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[512];
            int n = in.read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "";
        }
    }
}
