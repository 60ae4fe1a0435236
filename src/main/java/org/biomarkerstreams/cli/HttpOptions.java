package org.biomarkerstreams.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.biomarkerstreams.api.HttpSettings;
import org.biomarkerstreams.api.PeerTrust;
import org.biomarkerstreams.api.auth.ApiTokens;
import org.biomarkerstreams.api.auth.Authenticator;
import org.biomarkerstreams.api.auth.Authenticators;
import org.biomarkerstreams.api.auth.OidcAuthenticator;
import org.biomarkerstreams.api.auth.OidcSettings;
import org.biomarkerstreams.app.KafkaAuditTrail;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.tls.ServerTls;
import org.biomarkerstreams.tls.TlsFiles;
import picocli.CommandLine.Option;

/**
 * The HTTP doors: where the API, dashboard and health listen, their TLS, who may call, the bounds, and how other
 * instances reach this one. What each protects: README, "Security".
 */
final class HttpOptions implements AutoCloseable {

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description =
                    "Port of the HTTP query API, dashboard and /metrics; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--http-bind-address",
            paramLabel = "HOST",
            description = "Address the HTTP API binds (default: 0.0.0.0 for run, 127.0.0.1 for demo). Off loopback,"
                    + " run requires authentication and TLS (or --http-insecure).")
    String bindAddress;

    @Option(
            names = "--http-advertised-host",
            paramLabel = "HOST",
            description = "Host name other instances reach this one by: with the bound port it is Kafka Streams'"
                    + " application.server, where patient queries are forwarded (default: this machine's host name;"
                    + " 'localhost' in the demo).")
    String advertisedHost;

    @Option(
            names = "--health-port",
            paramLabel = "PORT",
            description = "Port of the health listener: /health/live and /health/ready only, plaintext, no"
                    + " authentication, its own threads (default: 8081 for run, none for demo; -1 = none).")
    Integer healthPort;

    @Option(names = "--http-tls-cert", paramLabel = "FILE", description = "PEM certificate chain of the HTTP API.")
    Path tlsCert;

    @Option(
            names = "--http-tls-key",
            paramLabel = "FILE",
            description =
                    "PEM private key (PKCS#1, PKCS#8 or EC) of --http-tls-cert; both are reloaded when they change.")
    Path tlsKey;

    @Option(
            names = "--http-tls-keystore",
            paramLabel = "FILE",
            description = "PKCS#12 key store of the HTTP API, instead of PEM files; reloaded when it changes.")
    Path tlsKeystore;

    @Option(
            names = "--http-tls-keystore-password-file",
            paramLabel = "FILE",
            description = "File holding the password of --http-tls-keystore.")
    Path tlsKeystorePasswordFile;

    @Option(
            names = "--http-peer-ca",
            paramLabel = "FILE",
            description = "PEM CA bundle trusted when forwarding a patient query to another instance over TLS"
                    + " (default: the JVM's trust store).")
    Path peerCa;

    @Option(
            names = "--http-insecure",
            description = "Allow plaintext HTTP off loopback (e.g. behind a TLS-terminating proxy); logs a warning.")
    boolean insecure;

    @Option(
            names = "--http-allowed-hosts",
            split = ",",
            paramLabel = "HOST",
            description = "Host header values accepted, against DNS rebinding (default: this machine's names,"
                    + " loopback and the advertised host; '*' = any).")
    List<String> allowedHosts = new ArrayList<>();

    @Option(
            names = "--oidc-issuer",
            paramLabel = "URL",
            description = "OIDC issuer whose bearer tokens (JWT) the API accepts; its JWKS is discovered from"
                    + " <issuer>/.well-known/openid-configuration unless --oidc-jwks-uri is given.")
    URI oidcIssuer;

    @Option(names = "--oidc-audience", paramLabel = "AUD", description = "Audience the tokens must carry (aud).")
    String oidcAudience;

    @Option(names = "--oidc-jwks-uri", paramLabel = "URL", description = "The issuer's JWKS, if not discovered.")
    URI oidcJwksUri;

    @Option(
            names = "--oidc-roles-claim",
            paramLabel = "PATH",
            defaultValue = "roles",
            description = "Claim holding the roles (clinician, monitor, ops, unblinded), a dotted path such as"
                    + " realm_access.roles (default: ${DEFAULT-VALUE}).")
    String oidcRolesClaim;

    @Option(
            names = "--oidc-clock-skew",
            defaultValue = "PT30S",
            description = "Clock skew allowed on exp/nbf (default: ${DEFAULT-VALUE}).")
    Duration oidcClockSkew;

    @Option(
            names = "--oidc-dashboard-client-id",
            paramLabel = "ID",
            description = "Public OIDC client the dashboard logs in as (authorization code with PKCE).")
    String dashboardClientId;

    @Option(
            names = "--api-tokens-file",
            paramLabel = "FILE",
            description = "Hashed API tokens, one 'name:sha256-hex:role,role' per line (see 'api-token');"
                    + " reloaded when it changes.")
    Path apiTokensFile;

    @Option(
            names = "--http-max-connections",
            defaultValue = "1024",
            description = "Open connections on the API listener (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(
            names = "--http-request-timeout",
            defaultValue = "PT10S",
            description = "Time a connection has to deliver a whole request, however slowly it sends (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(
            names = "--http-idle-timeout",
            defaultValue = "PT30S",
            description = "Idle connections are closed after this (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--http-max-concurrent-requests",
            defaultValue = "32",
            description = "Requests handled at once; more wait up to the request timeout, then 503 (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxConcurrentRequests;

    @Option(
            names = "--audit-topic",
            defaultValue = KafkaAuditTrail.DEFAULT_TOPIC,
            description = "Topic recording every access to patient data (default: ${DEFAULT-VALUE}).")
    String auditTopic;

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** How a command listens when the options leave it open. */
    enum Defaults {
        /** {@code run}: every interface, health on 8081; real patient data. */
        CLUSTER("0.0.0.0", 8081, HttpSettings.Data.PATIENT),
        /** {@code demo}: loopback, no health listener; a synthetic cohort. */
        DEMO("127.0.0.1", -1, HttpSettings.Data.SYNTHETIC);

        final String bindAddress;
        final int healthPort;
        final HttpSettings.Data data;

        Defaults(String bindAddress, int healthPort, HttpSettings.Data data) {
            this.bindAddress = bindAddress;
            this.healthPort = healthPort;
            this.data = data;
        }
    }

    /**
     * The HTTP server to start, with {@code fallbackHost} when no advertised host was given (null: this machine's
     * name). Opens the TLS material and authenticators it names; {@link #close()} releases them.
     *
     * @throws IllegalArgumentException when the settings would serve patient data unprotected, or a file is bad
     */
    Pipeline.Http endpoint(String fallbackHost, Defaults defaults) {
        String host = advertisedHost != null && !advertisedHost.isBlank()
                ? advertisedHost.strip()
                : fallbackHost != null ? fallbackHost : localHostName();
        int health = healthPort == null ? defaults.healthPort : healthPort;
        Optional<SSLContext> tls = tls();
        HttpSettings settings = new HttpSettings(
                bindAddress == null ? defaults.bindAddress : bindAddress,
                port,
                host,
                health < 0 ? OptionalInt.empty() : OptionalInt.of(health),
                tls,
                insecure ? HttpSettings.Plaintext.ALLOWED : HttpSettings.Plaintext.LOOPBACK_ONLY,
                access(defaults),
                Set.copyOf(allowedHosts),
                tls.isPresent()
                        ? Optional.of(peerCa == null ? PeerTrust.jvmDefault() : PeerTrust.of(peerCa))
                        : Optional.empty(),
                new HttpSettings.Limits(
                        maxConnections,
                        idleTimeout,
                        requestTimeout,
                        8 * 1024,
                        maxConcurrentRequests,
                        maxConcurrentRequests + 16,
                        10));
        settings.requireSafe();
        return new Pipeline.Http(settings, auditTopic);
    }

    private Optional<SSLContext> tls() {
        Optional<TlsFiles> files =
                TlsFiles.fromOptions("--http-tls", tlsCert, tlsKey, tlsKeystore, tlsKeystorePasswordFile, null);
        if (files.isEmpty()) {
            return Optional.empty();
        }
        ServerTls tls = ServerTls.load(files.get(), ServerTls.DEFAULT_CHECK_EVERY);
        opened.add(tls);
        return Optional.of(tls.sslContext());
    }

    private HttpSettings.Access access(Defaults defaults) {
        List<Authenticator> authenticators = new ArrayList<>();
        Optional<HttpSettings.DashboardLogin> login = Optional.empty();
        if (apiTokensFile != null) {
            ApiTokens tokens = ApiTokens.load(apiTokensFile);
            opened.add(tokens);
            authenticators.add(tokens);
        }
        if (oidcIssuer != null) {
            if (oidcAudience == null || oidcAudience.isBlank()) {
                throw new IllegalArgumentException(
                        "--oidc-issuer needs --oidc-audience: the API accepts only tokens" + " issued for it");
            }
            authenticators.add(OidcAuthenticator.create(new OidcSettings(
                    oidcIssuer,
                    oidcAudience,
                    Optional.ofNullable(oidcJwksUri),
                    oidcRolesClaim,
                    oidcClockSkew,
                    Optional.ofNullable(dashboardClientId))));
            if (dashboardClientId != null) {
                login = Optional.of(
                        new HttpSettings.DashboardLogin(oidcIssuer.toString(), dashboardClientId, oidcAudience));
            }
        } else if (dashboardClientId != null) {
            throw new IllegalArgumentException("--oidc-dashboard-client-id needs --oidc-issuer");
        }
        if (authenticators.isEmpty()) {
            return new HttpSettings.Access.Open(defaults.data);
        }
        return new HttpSettings.Access.Authenticated(Authenticators.firstOf(authenticators), login);
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // releasing file watchers; nothing to report
            }
        }
        opened.clear();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
