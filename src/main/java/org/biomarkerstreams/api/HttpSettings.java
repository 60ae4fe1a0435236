package org.biomarkerstreams.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.biomarkerstreams.api.auth.Authenticator;

/**
 * How the HTTP doors of an instance are opened: the API listener (query API, dashboard, {@code /metrics}), the
 * health listener, TLS, who may call, and the bounds that keep a slow or hostile client from starving anyone.
 * What each setting protects: README, "Security".
 *
 * @param bindAddress the API listener's address
 * @param port the API listener's port (0: any free port)
 * @param advertisedHost how other instances reach this one ({@code application.server}); also an allowed Host
 * @param healthPort the health listener's port (0: any free port), empty for none; it serves only {@code
 *     /health/live} and {@code /health/ready}, in plaintext, on its own threads
 * @param tls the API listener's TLS (a context whose certificate reloads when its files change), empty for plaintext
 * @param plaintext whether plaintext is allowed off loopback
 * @param access who may call: open (loopback only) or authenticated
 * @param allowedHosts the Host header values accepted (no port); empty: this machine's names and the advertised
 *     host; {@code *}: any
 * @param peerTls the TLS context used to forward a query to the instance that owns the patient, when the API
 *     listener runs TLS
 * @param limits connections, timeouts, sizes and concurrency
 */
public record HttpSettings(
        String bindAddress,
        int port,
        String advertisedHost,
        OptionalInt healthPort,
        Optional<SSLContext> tls,
        Plaintext plaintext,
        Access access,
        Set<String> allowedHosts,
        Optional<SSLContext> peerTls,
        Limits limits) {

    /** What an open server would give away. */
    public enum Data {
        /** Real patients' data: never open off loopback. */
        PATIENT,
        /** The demo's synthetic cohort. */
        SYNTHETIC
    }

    /** Whether the API may listen without TLS on a non-loopback address. */
    public enum Plaintext {
        /** Plaintext only on a loopback address (the default). */
        LOOPBACK_ONLY,
        /** {@code --http-insecure}: plaintext anywhere, with a warning. */
        ALLOWED
    }

    /**
     * Who may call the API. Open access serves everything to anyone and is only allowed on a loopback address
     * (the demo, a laptop); authenticated access checks each request's bearer token and its roles.
     */
    public sealed interface Access {
        /**
         * Everything to anyone.
         *
         * @param data what the server holds: patient data may be open only on loopback; the demo's synthetic
         *     cohort may be opened wider explicitly (a container's published port)
         */
        record Open(Data data) implements Access {
            public Open {
                Objects.requireNonNull(data, "data");
            }

            public Open() {
                this(Data.PATIENT);
            }
        }

        /**
         * @param authenticator checks bearer tokens (OIDC and/or API tokens)
         * @param dashboardLogin how the dashboard logs in (OIDC authorization code with PKCE), empty when it cannot
         */
        record Authenticated(Authenticator authenticator, Optional<DashboardLogin> dashboardLogin) implements Access {
            public Authenticated {
                Objects.requireNonNull(authenticator, "authenticator");
                Objects.requireNonNull(dashboardLogin, "dashboardLogin");
            }
        }
    }

    /**
     * The OIDC public client the dashboard logs in as (authorization code flow with PKCE, no client secret).
     *
     * @param issuer the issuer URL
     * @param clientId the public client's id
     * @param audience the audience the API requires (some providers need it as a scope or parameter)
     */
    public record DashboardLogin(String issuer, String clientId, String audience) {}

    /**
     * @param maxConnections open connections on the API listener; beyond it new connections wait in the backlog,
     *     and open ones get the short {@code requestTimeout} as their idle timeout
     * @param idleTimeout a connection with no bytes moving is closed after this
     * @param requestTimeout a connection must deliver a whole request (headers and body) within this of opening or
     *     of its previous answer, however slowly it trickles bytes (slow-loris)
     * @param maxRequestHeaderBytes request line (with the URI) and headers together
     * @param maxConcurrentRequests requests handled at once on the API listener; more wait up to {@code
     *     requestTimeout}, then 503
     * @param threads the API listener's thread pool (health has its own)
     * @param failedAuthenticationsPerMinute per client address; beyond it, 429 until the minute has passed
     */
    public record Limits(
            int maxConnections,
            Duration idleTimeout,
            Duration requestTimeout,
            int maxRequestHeaderBytes,
            int maxConcurrentRequests,
            int threads,
            int failedAuthenticationsPerMinute) {

        public Limits {
            positive(maxConnections, "max connections");
            positive(maxRequestHeaderBytes, "max request header bytes");
            positive(maxConcurrentRequests, "max concurrent requests");
            positive(failedAuthenticationsPerMinute, "failed authentications per minute");
            if (threads < maxConcurrentRequests + 4) {
                throw new IllegalArgumentException(
                        "the HTTP thread pool (" + threads + ") must exceed the concurrent requests by at least 4");
            }
            if (idleTimeout.isNegative()
                    || idleTimeout.isZero()
                    || requestTimeout.isNegative()
                    || requestTimeout.isZero()) {
                throw new IllegalArgumentException("HTTP timeouts must be positive");
            }
        }

        public static Limits defaults() {
            return new Limits(1024, Duration.ofSeconds(30), Duration.ofSeconds(10), 8 * 1024, 32, 48, 10);
        }

        private static void positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
        }
    }

    public HttpSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(healthPort, "healthPort");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(peerTls, "peerTls");
        Objects.requireNonNull(limits, "limits");
        allowedHosts = Set.copyOf(allowedHosts);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535, got " + port);
        }
        if (healthPort.isPresent() && (healthPort.getAsInt() < 0 || healthPort.getAsInt() > 65535)) {
            throw new IllegalArgumentException("--health-port must be 0..65535, got " + healthPort.getAsInt());
        }
    }

    /** Open, plaintext, on loopback: the demo and tests. */
    public static HttpSettings loopback(int port) {
        return new HttpSettings(
                "127.0.0.1",
                port,
                "127.0.0.1",
                OptionalInt.empty(),
                Optional.empty(),
                Plaintext.LOOPBACK_ONLY,
                new Access.Open(),
                Set.of(),
                Optional.empty(),
                Limits.defaults());
    }

    /**
     * Refuses settings that would serve patient data to the network unprotected: open access off loopback, or
     * plaintext off loopback without {@link Plaintext#ALLOWED}.
     *
     * @throws IllegalArgumentException naming the options that make it safe
     */
    public void requireSafe() {
        if (isLoopback(bindAddress)) {
            return;
        }
        if (access instanceof Access.Open open && open.data() == Data.PATIENT) {
            throw new IllegalArgumentException("the HTTP API would serve patient data to anyone on "
                    + bindAddress
                    + ": configure authentication (--oidc-issuer with --oidc-audience, or --api-tokens-file),"
                    + " or bind it to loopback (--http-bind-address 127.0.0.1)");
        }
        if (tls.isEmpty() && plaintext == Plaintext.LOOPBACK_ONLY) {
            throw new IllegalArgumentException("the HTTP API would send patient data and tokens unencrypted on "
                    + bindAddress
                    + ": give it a certificate (--http-tls-cert and --http-tls-key, or --http-tls-keystore),"
                    + " or accept plaintext explicitly with --http-insecure (e.g. behind a TLS-terminating proxy)");
        }
    }

    /** The Host header values accepted; {@code *} in the set accepts any. */
    Set<String> effectiveAllowedHosts() {
        if (!allowedHosts.isEmpty()) {
            Set<String> hosts = new LinkedHashSet<>();
            allowedHosts.forEach(h -> hosts.add(normalizeHost(h)));
            return hosts;
        }
        Set<String> hosts = new LinkedHashSet<>(Set.of("localhost", "127.0.0.1", "::1"));
        hosts.add(normalizeHost(advertisedHost));
        if (!isWildcard(bindAddress)) {
            hosts.add(normalizeHost(bindAddress));
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            hosts.add(normalizeHost(local.getHostName()));
            hosts.add(normalizeHost(local.getCanonicalHostName()));
            hosts.add(normalizeHost(local.getHostAddress()));
        } catch (UnknownHostException e) {
            // only the names above
        }
        return hosts;
    }

    /** Lower case, without IPv6 brackets. */
    static String normalizeHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    static boolean isLoopback(String address) {
        String a = normalizeHost(address);
        if (a.equals("localhost")) {
            return true;
        }
        try {
            return !isWildcard(a) && InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isWildcard(String address) {
        String a = normalizeHost(address);
        return a.equals("0.0.0.0") || a.equals("::") || a.equals("*");
    }
}
