package org.biomarkerstreams.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistries;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.streams.AvroSerdes;

/**
 * The part of the Confluent Schema Registry REST API that the product's client uses (register, look up, schema by
 * id, and the subject list the start-up probe asks for), served on loopback from an {@link InMemorySchemaRegistry}, so that the benchmark driver, the raw consumer and
 * the application — separate JVMs — agree on schema ids. Every client caches what it learns, so after the first
 * record of each topic no request reaches this server: it is not on the measured path.
 */
final class BenchRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final HttpServer server;

    /**
     * The product's wire-format serde of readings, talking to the registry at {@code url} as the measured JVMs (raw
     * consumer, anchors) do; {@code register} lets a serializer register its subject.
     */
    static Serde<LabReading> readingSerde(String url, boolean register) {
        return new AvroSerdes(
                        SchemaRegistries.forConfig(RegistryConfig.fromProperties(Map.of(RegistryConfig.URL, url))),
                        register)
                .value(LabReading.class);
    }

    BenchRegistry() throws IOException {
        // The JDK server writes a response's headers and body apart; with Nagle's algorithm on, the body waits for
        // the client's delayed ACK of the headers: 40 ms per registry call (~1.5 s of the backfill's start-up).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-registry");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The registry itself, for clients in this JVM. */
    InMemorySchemaRegistry registry() {
        return registry;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 200;
            JsonNode answer;
            try {
                answer = answer(method, path, body);
            } catch (SchemaRegistryException e) {
                status = e.httpStatus() > 0 ? e.httpStatus() : 500;
                answer = error(e.errorCode() > 0 ? e.errorCode() : 50001, e.getMessage());
            } catch (RuntimeException e) {
                status = 500;
                answer = error(50001, String.valueOf(e));
            }
            if (answer == null) {
                status = 404;
                answer = error(404, "not served by the benchmark registry: " + method + " " + path);
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private JsonNode answer(String method, String path, String body) throws IOException {
        String[] parts = path.split("/");
        // "", "subjects", "<subject>"[, "versions"]  |  "", "schemas", "ids", "<id>"
        if (method.equals("POST") && parts.length >= 3 && parts[1].equals("subjects")) {
            String subject = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
            Schema schema =
                    new Schema.Parser().parse(JSON.readTree(body).get("schema").asText());
            int id = parts.length == 4 && parts[3].equals("versions")
                    ? registry.register(subject, schema)
                    : registry.lookup(subject, schema);
            return JSON.createObjectNode().put("id", id);
        }
        if (method.equals("GET") && parts.length == 2 && parts[1].equals("subjects")) {
            // The product's start-up probe (ClusterProbe) asks this before anything else.
            var subjects = JSON.createArrayNode();
            registry.subjects().forEach(subjects::add);
            return subjects;
        }
        if (method.equals("GET") && parts.length == 4 && parts[1].equals("schemas") && parts[2].equals("ids")) {
            Schema schema = registry.schemaById(Integer.parseInt(parts[3]));
            return JSON.createObjectNode().put("schema", schema.toString());
        }
        return null;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
