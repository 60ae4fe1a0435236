package org.biomarkerstreams.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.biomarkerstreams.api.auth.ApiTokens;
import org.biomarkerstreams.api.auth.Role;
import org.biomarkerstreams.app.KafkaAuditTrail;
import org.biomarkerstreams.avro.AccessOutcome;
import org.biomarkerstreams.avro.PatientDataAccess;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.tls.TlsFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP doors of the running application, in a JVM of its own ({@code demo}: embedded broker, pipeline, HTTP
 * API and health listener), against a real OIDC provider started here (mock-oauth2-server: it signs the tokens,
 * serves its discovery document and JWKS, and runs the authorization-code flow the dashboard logs in with).
 * Authentication, roles and no enumeration; the audit topic; the dashboard's login in headless Chromium; slow and
 * idle clients while the health probe and an authorized call still answer; and no patient id in any log line or
 * metric. Tests that fail authentication on purpose each speak from a loopback address of their own, because the
 * server limits failed authentications per client address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpSecurityIT {

    private static final String ISSUER_ID = "default";
    private static final String OTHER_ISSUER_ID = "other";
    private static final String AUDIENCE = "biomarker-api";
    private static final String DASHBOARD_CLIENT_ID = "dashboard";
    /** Who the provider logs in when the dashboard asks (no login page: the flow runs unattended). */
    private static final String DASHBOARD_USER = "dashboard-clinician";

    private static final String KNOWN = "SYN-0001";
    private static final String UNKNOWN = "SYN-9999";
    private static final Pattern ANY_PATIENT_ID = Pattern.compile("SYN-\\d{4}");
    private static final String SUMMARY = "/api/patients/{id}/summary";
    private static final String TRAJECTORY = "/api/patients/{id}/trajectory";

    private static final Duration START_LIMIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static MockOAuth2Server provider;
    /** Trusts the CA that signed the API listener's certificate. */
    private static SSLContext tls;

    private static DemoJvm demo;
    private static String opsToken;
    /** Every raw patient id this suite asked the API about: none may reach a log line, metric or audit record. */
    private static final Set<String> queried = ConcurrentHashMap.newKeySet();
    /** 127.0.0.1 is the browser's and the probes'; each test that needs a clean slate takes the next. */
    private static final AtomicInteger nextClient = new AtomicInteger(10);

    @BeforeAll
    static void startProviderAndApplication() throws Exception {
        DefaultOAuth2TokenCallback dashboardLogin = new DefaultOAuth2TokenCallback(
                ISSUER_ID,
                DASHBOARD_USER,
                "JWT",
                List.of(AUDIENCE),
                Map.of("roles", List.of("clinician", "monitor")),
                3600);
        provider = new MockOAuth2Server(
                new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(dashboardLogin)));
        provider.start(InetAddress.getLoopbackAddress(), 0);
        // The provider makes an issuer's signing key on first use, which takes seconds on a busy machine: made
        // now, the application's first discovery is not what waits for it.
        provider.issueToken(ISSUER_ID, "warm-up", callback(ISSUER_ID, "warm-up", List.of(AUDIENCE), 60));
        provider.issueToken(OTHER_ISSUER_ID, "warm-up", callback(OTHER_ISSUER_ID, "warm-up", List.of(AUDIENCE), 60));

        opsToken = ApiTokens.generate(new SecureRandom());
        Path tokens = dir.resolve("api-tokens");
        Files.writeString(tokens, ApiTokens.fileLine("prometheus", opsToken, EnumSet.of(Role.OPS)) + "\n");

        // The API listener speaks TLS with a certificate from a CA made here (the provider stays plain HTTP on
        // loopback, as a browser allows for localhost).
        TlsFixtures ca = TlsFixtures.authority("security suite CA");
        Path chain = dir.resolve("api.crt");
        Path key = dir.resolve("api.key");
        TlsFixtures.writePem(ca.server("localhost", TlsFixtures.KeyType.EC), chain, key, TlsFixtures.KeyFormat.PKCS8);
        tls = ca.clientContext(null);

        Path logs = Path.of("target", "security-it").toAbsolutePath();
        demo = DemoJvm.start(
                logs,
                List.of(
                        "--http-port",
                        "0",
                        "--health-port",
                        "0",
                        "--mllp-port",
                        "0",
                        "--patients",
                        "12",
                        "--seed",
                        "7",
                        "--oidc-issuer",
                        issuer(),
                        "--oidc-audience",
                        AUDIENCE,
                        "--oidc-dashboard-client-id",
                        DASHBOARD_CLIENT_ID,
                        "--api-tokens-file",
                        tokens.toString(),
                        "--http-tls-cert",
                        chain.toString(),
                        "--http-tls-key",
                        key.toString()));
        assertThat(demo.dashboardUrl()).startsWith("https://localhost:");

        String clinician = token("readiness-probe", "clinician");
        String monitor = token("readiness-probe", "monitor");
        queried.add(KNOWN);
        await("the demo's data in the stores: a patient summary and the cohort's visits (output: " + demo.err() + ")")
                .atMost(START_LIMIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(demo.isAlive()).as("demo JVM alive").isTrue();
                    return get(client(1), "/api/patients/" + KNOWN + "/summary", clinician)
                                            .status()
                                    == 200
                            && rows(get(client(1), "/api/cohort/visits?analyte=CRP", monitor), "visits") > 0
                            && rows(get(client(1), "/api/cohort/normalization?analyte=CRP", monitor), "curves") > 0;
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (provider != null) {
            provider.shutdown();
        }
    }

    // --- authentication -------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void shouldAnswer401WhenNoTokenIsSent() throws Exception {
        InetAddress from = freshClient();
        for (String path : List.of("/api/patients/" + KNOWN + "/summary", "/api/cohort/visits", "/metrics")) {
            RawHttp.Answer answer = get(from, path, null);
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.header("WWW-Authenticate")).as(path).hasValue("Bearer realm=\"biomarker-streams\"");
        }
    }

    @Test
    @Order(2)
    void shouldAnswer401WhenTheTokenIsForAnotherAudience() throws Exception {
        assertRejected(provider.issueToken(
                        ISSUER_ID, "some-client", callback(ISSUER_ID, "other-audience", List.of("another-api"), 3600))
                .serialize());
    }

    @Test
    @Order(3)
    void shouldAnswer401WhenTheTokenIsFromAnotherIssuer() throws Exception {
        // Same provider, another issuer id: its own iss and its own signing key.
        assertRejected(provider.issueToken(
                        OTHER_ISSUER_ID,
                        "some-client",
                        callback(OTHER_ISSUER_ID, "other-issuer", List.of(AUDIENCE), 3600))
                .serialize());
    }

    @Test
    @Order(4)
    void shouldAnswer401WhenTheTokenNamesAnotherIssuerUnderTheRightKey() throws Exception {
        String otherIssuer = provider.issuerUrl(OTHER_ISSUER_ID).toString();
        DefaultOAuth2TokenCallback claimingAnotherIssuer = new DefaultOAuth2TokenCallback(
                ISSUER_ID,
                "other-issuer-right-key",
                "JWT",
                List.of(AUDIENCE),
                Map.of("roles", List.of("clinician"), "iss", otherIssuer),
                3600);
        String token = provider.issueToken(ISSUER_ID, "some-client", claimingAnotherIssuer)
                .serialize();
        assertThat(jwtClaims(token).path("iss").asText()).as("the token's iss").isEqualTo(otherIssuer);
        assertRejected(token);
    }

    @Test
    @Order(5)
    void shouldAnswer401WhenTheTokenExpiredBeyondTheClockSkew() throws Exception {
        // The skew is 30 s; this one expired two minutes ago.
        assertRejected(
                provider.issueToken(ISSUER_ID, "some-client", callback(ISSUER_ID, "expired", List.of(AUDIENCE), -120))
                        .serialize());
    }

    @Test
    @Order(6)
    void shouldAcceptATokenExpiredWithinTheClockSkew() throws Exception {
        String token = provider.issueToken(
                        ISSUER_ID, "some-client", callback(ISSUER_ID, "just-expired", List.of(AUDIENCE), -10))
                .serialize();
        assertThat(get(freshClient(), "/api/cohort/visits?analyte=CRP", token).status())
                .isEqualTo(200);
    }

    @Test
    @Order(7)
    void shouldAnswer401WhenTheSignatureIsTampered() throws Exception {
        String token = token("tampered", "clinician");
        int signature = token.lastIndexOf('.') + 1;
        int at = signature + (token.length() - signature) / 2;
        char flipped = token.charAt(at) == 'A' ? 'B' : 'A';
        assertRejected(token.substring(0, at) + flipped + token.substring(at + 1));
    }

    @Test
    @Order(8)
    void shouldAnswer401WhenTheTokenIsUnsigned() throws Exception {
        String[] parts = token("unsigned", "clinician").split("\\.");
        String none = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRejected(none + "." + parts[1] + ".");
    }

    // --- roles and no enumeration ---------------------------------------------------------------------------

    @Test
    @Order(10)
    void shouldAnswerAClinicianWithDataForAKnownPatientAnd404ForAnUnknownOne() throws Exception {
        String clinician = token("clinician-roles", "clinician");
        queried.add(UNKNOWN);

        RawHttp.Answer known = get(freshClient(), "/api/patients/" + KNOWN + "/summary", clinician);
        assertThat(known.status()).isEqualTo(200);
        assertThat(rows(known, "summaries")).isPositive();
        assertThat(get(freshClient(), "/api/patients/" + UNKNOWN + "/summary", clinician)
                        .status())
                .isEqualTo(404);
    }

    @Test
    @Order(11)
    void shouldAnswerAMonitorTheSame403WhetherThePatientExistsOrNot() throws Exception {
        String monitor = token("monitor-roles", "monitor");
        queried.add(UNKNOWN);

        RawHttp.Answer known = get(freshClient(), "/api/patients/" + KNOWN + "/summary", monitor);
        RawHttp.Answer unknown = get(freshClient(), "/api/patients/" + UNKNOWN + "/summary", monitor);
        assertThat(known.status()).isEqualTo(403);
        assertThat(unknown.status()).isEqualTo(known.status());
        assertThat(unknown.body()).isEqualTo(known.body());
        assertThat(unknown.headerNames()).isEqualTo(known.headerNames());
        assertThat(unknown.header("Content-Length")).isEqualTo(known.header("Content-Length"));
    }

    @Test
    @Order(12)
    void shouldAnswerAMonitorTheCohortVisitsWithTheSecurityHeaders() throws Exception {
        RawHttp.Answer visits =
                get(freshClient(), "/api/cohort/visits?analyte=CRP", token("monitor-cohort", "monitor"));
        assertThat(visits.status()).isEqualTo(200);
        assertThat(rows(visits, "visits")).isPositive();
        URI issuer = URI.create(issuer());
        assertThat(visits.header("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'", "frame-ancestors 'none'")
                .contains("connect-src 'self' " + issuer.getScheme() + "://" + issuer.getRawAuthority()));
        assertThat(visits.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(visits.header("Referrer-Policy")).hasValue("no-referrer");
        assertThat(visits.header("Strict-Transport-Security")).isPresent();
        assertThat(visits.header("Cache-Control")).hasValue("no-store");
    }

    @Test
    @Order(13)
    void shouldServeMetricsToTheOpsTokenOnly() throws Exception {
        RawHttp.Answer ops = get(freshClient(), "/metrics", opsToken);
        assertThat(ops.status()).isEqualTo(200);
        assertThat(ops.body()).contains("# TYPE");
        assertThat(get(freshClient(), "/metrics", token("monitor-metrics", "monitor"))
                        .status())
                .isEqualTo(403);
        assertThat(get(freshClient(), "/metrics", token("clinician-metrics", "clinician"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    @Order(14)
    void shouldAnswer429AfterTenFailedAuthenticationsFromOneClient() throws Exception {
        InetAddress from = freshClient();
        String tampered = token("guesser", "clinician") + "x";
        for (int i = 1; i <= 10; i++) {
            assertThat(get(from, "/api/cohort/visits", tampered).status())
                    .as("failed authentication %d", i)
                    .isEqualTo(401);
        }
        RawHttp.Answer blocked = get(from, "/api/cohort/visits", tampered);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.header("Retry-After")).isPresent();

        String good = token("monitor-behind-the-guesser", "monitor");
        assertThat(get(from, "/api/cohort/visits?analyte=CRP", good).status())
                .as("a good token from the blocked client")
                .isEqualTo(429);
        assertThat(get(freshClient(), "/api/cohort/visits?analyte=CRP", good).status())
                .as("the same token from another client")
                .isEqualTo(200);
    }

    // --- audit ----------------------------------------------------------------------------------------------

    @Test
    @Order(20)
    void shouldWriteOneAuditRecordPerPatientRequestWithThePseudonymOnly() throws Exception {
        String clinician = token("audit-clinician", "clinician");
        String monitor = token("audit-monitor", "monitor");
        InetAddress from = freshClient();
        queried.add(UNKNOWN);

        assertThat(get(from, "/api/patients/" + KNOWN + "/summary", clinician).status())
                .isEqualTo(200);
        assertThat(get(from, "/api/patients/" + KNOWN + "/trajectory?analyte=CRP", clinician)
                        .status())
                .isEqualTo(200);
        assertThat(get(from, "/api/patients/" + UNKNOWN + "/summary", clinician).status())
                .isEqualTo(404);
        assertThat(get(from, "/api/patients/" + KNOWN + "/summary", monitor).status())
                .isEqualTo(403);
        assertThat(get(from, "/api/patients/" + UNKNOWN + "/trajectory", monitor)
                        .status())
                .isEqualTo(403);

        List<ConsumerRecord<byte[], byte[]>> all = auditRecords();
        List<PatientDataAccess> ours = all.stream()
                .map(r -> decode(r.value()))
                .filter(a -> a.getSubject().startsWith("audit-"))
                .toList();
        assertThat(ours)
                .extracting(a -> a.getSubject() + " " + a.getRoute() + " " + a.getOutcome() + " " + a.getHttpStatus())
                .containsExactlyInAnyOrder(
                        "audit-clinician " + SUMMARY + " ANSWERED 200",
                        "audit-clinician " + TRAJECTORY + " ANSWERED 200",
                        "audit-clinician " + SUMMARY + " NOT_FOUND 404",
                        "audit-monitor " + SUMMARY + " DENIED 403",
                        "audit-monitor " + TRAJECTORY + " DENIED 403");
        assertThat(ours).allSatisfy(a -> {
            assertThat(a.getPatientPseudonym()).startsWith(Pseudonym.PREFIX);
            assertThat(a.getClient()).isEqualTo(from.getHostAddress());
        });
        Set<String> knownPseudonyms = pseudonymsWhere(ours, AccessOutcome.ANSWERED);
        assertThat(knownPseudonyms).as("one pseudonym for the known patient").hasSize(1);
        assertThat(pseudonymsWhere(ours, AccessOutcome.NOT_FOUND))
                .as("another for the unknown one")
                .hasSize(1)
                .doesNotContainAnyElementsOf(knownPseudonyms);

        for (ConsumerRecord<byte[], byte[]> r : all) {
            String bytes = new String(r.key(), StandardCharsets.ISO_8859_1) + " "
                    + new String(r.value(), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as("audit record at offset %d", r.offset()).doesNotContainPattern(ANY_PATIENT_ID);
        }
    }

    // --- the dashboard's login ------------------------------------------------------------------------------

    @Test
    @Order(30)
    void shouldLogTheDashboardInThroughTheProviderAndDrawTheCharts() throws Exception {
        queried.add(KNOWN);
        try (HeadlessChromium chromium = HeadlessChromium.start(
                dir.resolve("chromium"),
                // The suite's CA is not in Chromium's store; what is checked here is the login, not the chain.
                List.of("--ignore-certificate-errors"))) {
            chromium.navigate(demo.dashboardUrl() + "/#patient=" + KNOWN);
            JsonNode[] page = {null};
            await("the dashboard to log in and draw the patient's and the cohort's charts")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        page[0] = chromium.evaluate(
                                """
                                ({href: location.href,
                                  status: document.getElementById('status').textContent,
                                  patient: document.querySelectorAll('#patient-CRP path').length,
                                  visits: document.querySelectorAll('#visits-CRP path').length,
                                  km: document.querySelectorAll('#km-CRP path').length,
                                  token: sessionStorage.getItem('biomarker-streams.login.token')})
                                """);
                        return page[0].path("patient").asInt() > 1
                                && page[0].path("visits").asInt() > 3
                                && page[0].path("km").asInt() > 2;
                    });
            assertThat(page[0].path("href").asText())
                    .as("the code and state left the address bar; the patient id stayed in the fragment")
                    .isEqualTo(demo.dashboardUrl() + "/#patient=" + KNOWN);
            JsonNode claims = jwtClaims(
                    JSON.readTree(page[0].path("token").asText()).path("token").asText());
            assertThat(claims.path("iss").asText()).isEqualTo(issuer());
            assertThat(claims.path("sub").asText()).isEqualTo(DASHBOARD_USER);
            assertThat(claims.path("aud").toString()).contains(AUDIENCE);
        }
        assertThat(auditRecords().stream().map(r -> decode(r.value())))
                .as("the browser's patient requests, audited under the subject the provider logged in")
                .anySatisfy(a -> {
                    assertThat(a.getSubject()).isEqualTo(DASHBOARD_USER);
                    assertThat(a.getOutcome()).isEqualTo(AccessOutcome.ANSWERED);
                });
    }

    // --- slow and idle clients ------------------------------------------------------------------------------

    @Test
    @Order(40)
    void shouldAnswerHealthAndAuthorizedCallsWhileSlowAndIdleClientsHoldConnections() throws Exception {
        String monitor = token("monitor-under-attack", "monitor");
        List<Long> probeNanos = new ArrayList<>();
        List<Integer> apiStatuses = new ArrayList<>();
        ExecutorService attacker = Executors.newSingleThreadExecutor();
        try (SlowClients attack = SlowClients.open(demo.apiPort(), tls, 500, 64)) {
            long started = System.nanoTime();
            Future<?> trickling = attacker.submit(() -> {
                attack.trickleUntilClosed(Duration.ofSeconds(30));
                return null;
            });
            boolean midCall = false;
            boolean lateCall = false;
            while (!trickling.isDone() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                long t0 = System.nanoTime();
                RawHttp.Answer live = RawHttp.get(client(1), demo.healthPort(), null, "/health/live", null);
                probeNanos.add(System.nanoTime() - t0);
                assertThat(live.status()).isEqualTo(200);
                long elapsed = System.nanoTime() - started;
                if (!midCall && elapsed > TimeUnit.SECONDS.toNanos(3)) {
                    midCall = true;
                    apiStatuses.add(get(client(1), "/api/cohort/visits?analyte=CRP", monitor)
                            .status());
                }
                if (!lateCall && elapsed > TimeUnit.SECONDS.toNanos(7)) {
                    lateCall = true;
                    apiStatuses.add(get(client(1), "/api/cohort/visits?analyte=CRP", monitor)
                            .status());
                }
                Thread.sleep(50);
            }
            trickling.get(35, TimeUnit.SECONDS);

            long[] sorted =
                    probeNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            Duration p99 = Duration.ofNanos(sorted[(int) Math.ceil(sorted.length * 0.99) - 1]);
            Duration max = Duration.ofNanos(sorted[sorted.length - 1]);
            SlowClients.Outcome slow = attack.trickling();
            SlowClients.Outcome idle = attack.idle();
            System.out.printf(
                    "slow clients: /health/live p99 %d ms, max %d ms over %d probes; API calls during the attack %s;"
                            + " slow-loris closed by the server %d/%d (slowest after %d ms);"
                            + " idle closed %d/%d (slowest after %d ms)%n",
                    p99.toMillis(),
                    max.toMillis(),
                    sorted.length,
                    apiStatuses,
                    slow.closedByServer(),
                    slow.opened(),
                    slow.slowestClose().toMillis(),
                    idle.closedByServer(),
                    idle.opened(),
                    idle.slowestClose().toMillis());

            assertThat(sorted.length).as("health probes made").isGreaterThan(50);
            assertThat(p99).as("/health/live p99 under attack").isLessThan(Duration.ofMillis(100));
            assertThat(apiStatuses).as("authorized API calls during the attack").containsExactly(200, 200);
            assertThat(slow.closedByServer())
                    .as("slow-loris connections closed")
                    .isEqualTo(slow.opened());
            assertThat(idle.closedByServer()).as("idle connections closed").isEqualTo(idle.opened());
            assertThat(slow.slowestClose()).isLessThan(Duration.ofSeconds(20));
            assertThat(idle.slowestClose()).isLessThan(Duration.ofSeconds(20));
        } finally {
            attacker.shutdownNow();
        }
    }

    // --- canary ---------------------------------------------------------------------------------------------

    @Test
    @Order(90)
    void shouldKeepQueriedPatientIdsOutOfLogsAndMetrics() throws Exception {
        assertThat(queried).contains(KNOWN, UNKNOWN);
        List<String> lines = demo.outputLines();
        assertThat(lines).as("the demo JVM's output").isNotEmpty();
        for (String line : lines) {
            assertThat(line).doesNotContainPattern(ANY_PATIENT_ID);
        }
        RawHttp.Answer metrics = get(freshClient(), "/metrics", opsToken);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).doesNotContainPattern(ANY_PATIENT_ID);
        for (String id : queried) {
            assertThat(String.join("\n", lines)).doesNotContain(id);
            assertThat(metrics.body()).doesNotContain(id);
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private static String issuer() {
        return provider.issuerUrl(ISSUER_ID).toString();
    }

    private static DefaultOAuth2TokenCallback callback(
            String issuerId, String subject, List<String> audience, long expirySeconds, String... roles) {
        return new DefaultOAuth2TokenCallback(
                issuerId, subject, "JWT", audience, Map.of("roles", List.of(roles)), expirySeconds);
    }

    private static DefaultOAuth2TokenCallback callback(
            String issuerId, String subject, List<String> audience, long expirySeconds) {
        return callback(issuerId, subject, audience, expirySeconds, "clinician", "monitor");
    }

    /** A valid access token for the API from the provider, for {@code subject} with {@code roles}. */
    private static String token(String subject, String... roles) {
        return provider.issueToken(
                        ISSUER_ID, "some-client", callback(ISSUER_ID, subject, List.of(AUDIENCE), 3600, roles))
                .serialize();
    }

    private static void assertRejected(String token) throws IOException {
        queried.add(KNOWN);
        RawHttp.Answer answer = get(freshClient(), "/api/patients/" + KNOWN + "/summary", token);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.header("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("error=\"invalid_token\""));
        assertThat(answer.body()).doesNotContain("summaries");
    }

    private static InetAddress client(int n) {
        return RawHttp.loopback(n);
    }

    private static InetAddress freshClient() {
        return RawHttp.loopback(nextClient.getAndIncrement());
    }

    /** GET on the API listener, over TLS. */
    private static RawHttp.Answer get(InetAddress from, String path, String token) throws IOException {
        return RawHttp.get(from, demo.apiPort(), tls, path, token);
    }

    private static int rows(RawHttp.Answer answer, String field) throws IOException {
        return answer.status() == 200 ? JSON.readTree(answer.body()).path(field).size() : 0;
    }

    private static JsonNode jwtClaims(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    /** Every record on the audit topic up to its end as of now (an answer leaves only after its record). */
    private static List<ConsumerRecord<byte[], byte[]>> auditRecords() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                demo.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(KafkaAuditTrail.DEFAULT_TOPIC).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime())
                        .as("audit topic read to its end in time")
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

    /** The registry wire format: magic byte 0, the schema id (4 bytes), then the Avro binary. */
    private static PatientDataAccess decode(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(value);
        assertThat(buffer.get()).as("magic byte").isZero();
        buffer.getInt();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, buffer.position(), buffer.remaining(), null);
        try {
            return new SpecificDatumReader<>(PatientDataAccess.class).read(null, decoder);
        } catch (IOException e) {
            throw new AssertionError("not a PatientDataAccess record", e);
        }
    }

    private static Set<String> pseudonymsWhere(List<PatientDataAccess> accesses, AccessOutcome outcome) {
        Set<String> patients = new java.util.HashSet<>();
        accesses.stream().filter(a -> a.getOutcome() == outcome).forEach(a -> patients.add(a.getPatientPseudonym()));
        return patients;
    }
}
