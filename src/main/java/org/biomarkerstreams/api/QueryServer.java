package org.biomarkerstreams.api;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.streams.patient.PatientViews;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP doors of an instance, on Jetty: the API listener (JSON query API, dashboard, {@code /metrics}; TLS when
 * configured; authenticated when configured) and the health listener ({@code /health/*} only, plaintext, its own
 * small thread pool, so that probes answer while the API is busy or under attack). It binds before Kafka Streams
 * starts, because the bound port is part of {@code application.server}; until {@link #attach} it answers queries
 * with 503.
 *
 * <p>Bounds (see {@link HttpSettings.Limits}): connections, request header size (request line with URI included),
 * a whole-request deadline against slow clients, an idle timeout, concurrent requests (more wait briefly, then
 * 503), and the thread pools. Jetty's selectors hold no thread for a connection that is waiting for bytes.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    private final Server server;
    private final ServerConnector api;
    private final ServerConnector health;
    private final QueryService service;
    private final ApiHandler handler;
    private final SlowRequestGuard guard;
    private final boolean secure;
    private final AuditTrail audit;

    private QueryServer(
            Server server,
            ServerConnector api,
            ServerConnector health,
            QueryService service,
            ApiHandler handler,
            SlowRequestGuard guard,
            boolean secure,
            AuditTrail audit) {
        this.server = server;
        this.api = api;
        this.health = health;
        this.service = service;
        this.handler = handler;
        this.guard = guard;
        this.secure = secure;
        this.audit = audit;
    }

    /**
     * What the API answers from, besides the stores it is attached to later.
     *
     * @param blinding how a blinded protocol's arms are shown to callers without the {@code unblinded} role
     * @param metrics {@code /metrics}, or null for none (404)
     * @param pseudonym names patients in audit records (the outputs' pseudonym when a key is set)
     * @param audit where each access to patient data is recorded before it is answered
     * @param protocol the rules the topology runs with ({@code /api/protocol}: visit windows, follow-up, quartiles)
     * @param study the protocol file's title, citation, arms and day convention
     */
    public record Content(
            SiteProfile profile,
            Blinding blinding,
            MetricsEndpoint metrics,
            Pseudonym pseudonym,
            AuditTrail audit,
            Protocol protocol,
            Study study) {

        /** Without a protocol: the default rules, described by their name ({@code /api/protocol}). */
        public Content(
                SiteProfile profile,
                Blinding blinding,
                MetricsEndpoint metrics,
                Pseudonym pseudonym,
                AuditTrail audit) {
            this(profile, blinding, metrics, pseudonym, audit, Protocol.defaults(), Study.of(Protocol.defaults()));
        }
    }

    /**
     * Binds the listeners and starts serving.
     *
     * @throws IllegalArgumentException when the settings would expose patient data (see {@link
     *     HttpSettings#requireSafe()})
     * @throws UncheckedIOException when a port cannot be bound
     */
    public static QueryServer start(HttpSettings settings, Content content) {
        settings.requireSafe();
        if (settings.access() instanceof HttpSettings.Access.Open && !HttpSettings.isLoopback(settings.bindAddress())) {
            log.warn(
                    "The HTTP API serves the synthetic demo cohort to anyone who reaches {}: no authentication",
                    settings.bindAddress());
        }
        if (settings.tls().isEmpty() && !HttpSettings.isLoopback(settings.bindAddress())) {
            log.warn(
                    "--http-insecure: the HTTP API listens without TLS on {}; tokens and patient data cross the"
                            + " network unencrypted unless a TLS proxy sits in front",
                    settings.bindAddress());
        }
        HttpSettings.Limits limits = settings.limits();
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), 4);
        threads.setName("http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(2_000);
        server.setErrorHandler(new JsonErrorHandler());

        QueryService service = new QueryService(
                content.profile(),
                content.protocol(),
                content.blinding(),
                content.study(),
                Forwarder.http(FORWARD_TIMEOUT, settings.tls().isPresent() ? settings.peerTls() : Optional.empty()));

        SlowRequestGuard guard = new SlowRequestGuard(limits.requestTimeout(), System::nanoTime);
        ServerConnector api = apiConnector(server, settings, guard);
        server.addConnector(api);
        NetworkConnectionLimit connectionLimit = new NetworkConnectionLimit(limits.maxConnections(), api);
        connectionLimit.setEndPointIdleTimeout(limits.requestTimeout().toMillis());
        server.addBean(connectionLimit);

        ApiHandler handler = new ApiHandler(
                service, content.metrics(), settings, content.audit(), content.pseudonym(), guard, Clock.systemUTC());
        QoSHandler concurrency = new QoSHandler(handler);
        concurrency.setMaxRequestCount(limits.maxConcurrentRequests());
        concurrency.setMaxSuspend(limits.requestTimeout());
        concurrency.setMaxSuspendedRequestCount(limits.maxConnections());

        ServerConnector health = null;
        if (settings.healthPort().isPresent()) {
            health = healthConnector(server, settings);
            server.addConnector(health);
            server.setHandler(new ListenerRouter(health, service, concurrency));
        } else {
            server.setHandler(concurrency);
        }
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException(
                    "--http-port " + settings.port() + ": cannot listen (" + e.getMessage() + ")",
                    e instanceof java.io.IOException io ? io : new java.io.IOException(e));
        }
        QueryServer started = new QueryServer(
                server, api, health, service, handler, guard, settings.tls().isPresent(), content.audit());
        log.info(
                "HTTP API listening on {}:{} ({}, {}){}",
                settings.bindAddress(),
                started.port(),
                settings.tls().isPresent() ? "TLS" : "plaintext",
                settings.access() instanceof HttpSettings.Access.Open
                        ? "no authentication: loopback only"
                        : "authenticated",
                health == null ? "" : "; health on port " + health.getLocalPort());
        return started;
    }

    private static ServerConnector apiConnector(Server server, HttpSettings settings, SlowRequestGuard guard) {
        HttpSettings.Limits limits = settings.limits();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setIdleTimeout(limits.idleTimeout().toMillis());
        http.setHttpCompliance(HttpCompliance.RFC9110);
        http.setUriCompliance(UriCompliance.DEFAULT);
        // A body (no route takes one) must arrive at a reasonable pace; answers must be read at one too.
        http.setMinRequestDataRate(1024);
        http.setMinResponseDataRate(1024);
        ConnectionFactory[] factories;
        if (settings.tls().isPresent()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Instances forward to each other by advertised name; the Host allowlist does the Host check.
            secure.setSniHostCheck(false);
            secure.setStsMaxAge(Duration.ofDays(365).toSeconds());
            http.addCustomizer(secure);
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(settings.tls().get());
            tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            factories =
                    new ConnectionFactory[] {new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http)
                    };
        } else {
            factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
        }
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        connector.addBean(guard);
        return connector;
    }

    /** Plaintext, tiny, on its own threads: a probe gets an answer even when the API's pool is saturated. */
    private static ServerConnector healthConnector(Server server, HttpSettings settings) {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(4 * 1024);
        http.setSendServerVersion(false);
        http.setIdleTimeout(5_000);
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("http-health");
        threads.setDaemon(true);
        ServerConnector connector =
                new ServerConnector(server, threads, null, null, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.healthPort().getAsInt());
        connector.setIdleTimeout(5_000);
        server.addBean(new NetworkConnectionLimit(64, connector));
        return connector;
    }

    /** The API listener's bound port. */
    public int port() {
        return api.getLocalPort();
    }

    /** The health listener's bound port, when there is one. */
    public Optional<Integer> healthPort() {
        return health == null ? Optional.empty() : Optional.of(health.getLocalPort());
    }

    /** Whether the API listener speaks TLS. */
    public boolean secure() {
        return secure;
    }

    /** Connections closed for delivering their request too slowly, since start. */
    public long slowConnectionsClosed() {
        return guard.closedCount();
    }

    /**
     * Answers queries from {@code streams}, whose per-patient stores {@code patients} reads; {@code self} is the
     * {@code application.server} it was started with.
     */
    public void attach(KafkaStreams streams, PatientViews patients, HostInfo self) {
        handler.instance(self.host() + ":" + self.port());
        service.attach(QueryViews.of(streams, patients), self);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        if (audit instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("audit trail did not close cleanly: {}", e.toString());
            }
        }
    }
}
