package org.biomarkerstreams.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.streams.patient.PatientViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of an instance: the JSON query API, health, and the dashboard with its chart library (from
 * the ECharts WebJar on the class path). It binds before Kafka Streams starts, because the bound port is
 * part of {@code application.server}; until {@link #attach} it answers queries with 503.
 *
 * <p>Logs name the route template ({@code /api/patients/{id}/summary}), never the path: paths carry
 * patient ids.
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);
    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private final HttpServer server;
    private final ExecutorService executor;
    private final QueryService service;
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

    private final MetricsEndpoint metrics;

    private QueryServer(HttpServer server, ExecutorService executor, QueryService service, MetricsEndpoint metrics) {
        this.server = server;
        this.executor = executor;
        this.service = service;
        this.metrics = metrics;
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts serving.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static QueryServer start(String bindHost, int port, SiteProfile profile) {
        return start(bindHost, port, profile, Blinding.none());
    }

    /** Starts serving; a blinded protocol's arm labels are replaced in patient answers as in cohort outputs. */
    public static QueryServer start(String bindHost, int port, SiteProfile profile, Blinding blinding) {
        return start(bindHost, port, profile, blinding, null);
    }

    /** Starts serving, with {@code /metrics} scraping {@code metrics} (none: 404). */
    public static QueryServer start(
            String bindHost, int port, SiteProfile profile, Blinding blinding, MetricsEndpoint metrics) {
        return start(bindHost, port, profile, blinding, metrics, false);
    }

    /**
     * Starts serving; with {@code pseudonymous} (the topology runs with a pseudonym key) patients are asked for
     * by their pseudonym, and the patient id is not accepted.
     */
    public static QueryServer start(
            String bindHost,
            int port,
            SiteProfile profile,
            Blinding blinding,
            MetricsEndpoint metrics,
            boolean pseudonymous) {
        QueryService service = new QueryService(profile, blinding, pseudonymous, Forwarder.http(FORWARD_TIMEOUT));
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(bindHost, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("--http-port " + port + ": cannot listen (" + e.getMessage() + ")", e);
        }
        AtomicInteger threads = new AtomicInteger();
        // A forwarded request holds a thread of the forwarding instance while the owner answers; a few
        // threads keep two instances forwarding to each other from starving.
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        QueryServer server = new QueryServer(http, executor, service, metrics);
        http.createContext("/", server::exchange);
        http.setExecutor(executor);
        http.start();
        log.info("HTTP server listening on port {}", http.getAddress().getPort());
        return server;
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers queries from {@code streams}, whose per-patient stores {@code patients} reads; {@code self} is the
     * {@code application.server} it was started with.
     */
    public void attach(KafkaStreams streams, PatientViews patients, HostInfo self) {
        service.attach(QueryViews.of(streams, patients), self);
    }

    private void exchange(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String template = "(no route)";
        int status = 500;
        try (exchange) {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            Optional<ApiRequest> parsed = ApiRequest.parse(rawPath, rawQuery);
            Reply reply;
            if (parsed.isEmpty()) {
                reply = Reply.error(404, "no such route");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                template = parsed.get().template();
                reply = Reply.error(405, "only GET");
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            } else {
                ApiRequest request = parsed.get();
                template = request.template();
                if (request instanceof ApiRequest.Asset asset) {
                    reply = asset(asset.name());
                } else if (request instanceof ApiRequest.Metrics) {
                    reply = metrics == null
                            ? Reply.error(404, "no metrics registry")
                            : metrics.scrape(exchange.getRequestHeaders().getFirst("Accept"));
                } else {
                    boolean forwarded = exchange.getRequestHeaders().containsKey(Forwarder.HEADER);
                    String pathAndQuery = rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
                    reply = service.handle(request, forwarded, pathAndQuery);
                }
            }
            status = reply.status();
            send(exchange, reply, method.equals("HEAD"));
        } catch (RuntimeException e) {
            log.error("{} failed", template, e);
            throw e;
        } finally {
            log.debug("{} -> {} in {} ms", template, status, (System.nanoTime() - started) / 1_000_000);
        }
    }

    private static void send(HttpExchange exchange, Reply reply, boolean headOnly) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        if (reply.status() == 503) {
            exchange.getResponseHeaders().set("Retry-After", "1");
        }
        if (reply.contentType().startsWith("application/json")) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
        }
        if (headOnly) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    private Reply asset(String name) {
        String resource = name.equals(ApiRequest.ECHARTS) ? echartsResource() : "dashboard/" + name;
        byte[] body = resource == null ? null : assets.computeIfAbsent(resource, QueryServer::load);
        if (body == null || body.length == 0) {
            return Reply.error(404, "not found");
        }
        return new Reply(200, contentType(name), body);
    }

    private static String echartsResource() {
        try (InputStream in = QueryServer.class.getClassLoader().getResourceAsStream(ECHARTS_POM)) {
            if (in == null) {
                return null;
            }
            Properties pom = new Properties();
            pom.load(in);
            return "META-INF/resources/webjars/echarts/" + pom.getProperty("version") + "/dist/echarts.min.js";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] load(String resource) {
        try (InputStream in = QueryServer.class.getClassLoader().getResourceAsStream(resource)) {
            // An empty array marks a missing resource (computeIfAbsent does not store null).
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "application/octet-stream";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
