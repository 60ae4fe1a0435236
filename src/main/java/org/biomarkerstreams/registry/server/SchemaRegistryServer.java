package org.biomarkerstreams.registry.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry for development: Confluent's REST API ({@link RegistryRoutes} lists what is
 * served) on Jetty, its state in a compacted Kafka topic, so that separate processes of the application (and any
 * Confluent client) share schema ids, and the ids survive a restart of a broker that keeps its data.
 *
 * <p>A development tool: it listens on 127.0.0.1 only, has no authentication and no TLS, and must be the only
 * registry writing its topic (it does not elect a leader among several instances as Confluent's does).
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry = SchemaRegistryServer.start(
 *         new SchemaRegistryServer.Settings(0, "127.0.0.1:9092", SchemaRegistryServer.DEFAULT_TOPIC))) {
 *     String url = registry.url(); // http://127.0.0.1:PORT, for --schema-registry-url
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

    /** The only address it listens on. */
    public static final String HOST = "127.0.0.1";
    /** The topic Confluent's registry uses too. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Duration STORAGE_TIMEOUT = Duration.ofSeconds(15);
    /** Schemas are a few KiB; anything much larger is a mistake or an attack. */
    private static final long MAX_REQUEST_BYTES = 1024 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final SchemaStore store;

    /**
     * How to start it.
     *
     * @param port the HTTP port on 127.0.0.1; 0 picks a free one
     * @param bootstrapServers the Kafka cluster holding its topic
     * @param topic its topic, which must exist (see {@link #topic(String)})
     */
    public record Settings(int port, String bootstrapServers, String topic) {
        public Settings {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, got " + port);
            }
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
        }
    }

    private SchemaRegistryServer(Server server, ServerConnector connector, SchemaStore store) {
        this.server = server;
        this.connector = connector;
        this.store = store;
    }

    /** The registry's topic as it must be created: one partition, compacted. */
    public static NewTopic topic(String name) {
        return KafkaSchemaLog.topic(name);
    }

    /**
     * Reads the registry's state back from its topic and starts serving.
     *
     * @throws IllegalStateException when the topic is missing or cannot be read
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static SchemaRegistryServer start(Settings settings) {
        long startedAt = System.nanoTime();
        KafkaSchemaLog storage = KafkaSchemaLog.open(settings.bootstrapServers(), settings.topic(), STORAGE_TIMEOUT);
        SchemaStore store;
        try {
            store = SchemaStore.open(storage);
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("schema-registry");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(2_000);
        server.setErrorHandler(new ConfluentErrorHandler());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // A subject may hold a '/', which clients send encoded as %2F; the routes decode each segment themselves.
        http.setUriCompliance(
                UriCompliance.DEFAULT.with("subjects with /", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(HOST);
        connector.setPort(settings.port());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BYTES, -1);
        limit.setHandler(new RegistryRoutes(store));
        server.setHandler(limit);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            store.close();
            throw new UncheckedIOException(
                    "Schema registry cannot listen on " + HOST + ":" + settings.port() + " (" + e.getMessage() + ")",
                    e instanceof IOException io ? io : new IOException(e));
        }
        SchemaRegistryServer started = new SchemaRegistryServer(server, connector, store);
        log.info(
                "Schema registry listening on {} in {} ms (state in topic {} on {}; no authentication, loopback only)",
                started.url(),
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
                settings.topic(),
                settings.bootstrapServers());
        return started;
    }

    /** The port it listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Its base URL, {@code http://127.0.0.1:PORT}: what {@code --schema-registry-url} takes. */
    public String url() {
        return "http://" + HOST + ":" + port();
    }

    /** Stops serving and closes its producer. Safe to call more than once. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("Schema registry at {} did not stop cleanly: {}", HOST, e.toString());
        }
        store.close();
    }

    /** What Jetty answers itself (a bad URI, a body too large): Confluent's error body, never an HTML page. */
    private static final class ConfluentErrorHandler extends ErrorHandler {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            if (request.getAttribute(ERROR_STATUS) instanceof Integer code) {
                status = code;
            }
            if (status < 400) {
                status = 500;
            }
            String reason = HttpStatus.getMessage(status);
            String message = "HTTP " + status + " " + (reason == null ? "Error" : reason);
            if (request.getAttribute(ERROR_MESSAGE) instanceof String detail
                    && !detail.isBlank()
                    && !detail.toLowerCase(Locale.ROOT)
                            .equals(String.valueOf(reason).toLowerCase(Locale.ROOT))) {
                message += ": " + detail;
            }
            byte[] body = JSON.createObjectNode()
                    .put("error_code", status)
                    .put("message", message)
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, RegistryRoutes.CONTENT_TYPE);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
