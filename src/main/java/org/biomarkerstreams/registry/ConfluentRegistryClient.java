package org.biomarkerstreams.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Confluent Schema Registry REST API (also served by Apicurio's {@code /apis/ccompat/v7}),
 * built on {@link HttpClient} and Jackson because Confluent's own client is not available to us.
 *
 * <p>It uses: {@code POST /subjects/{subject}} (look up), {@code POST /subjects/{subject}/versions} (register),
 * {@code GET /subjects/{subject}/versions} and {@code GET /subjects/{subject}/versions/{version|latest}}, {@code GET
 * /schemas/ids/{id}}, {@code POST /compatibility/subjects/{subject}/versions/latest} and {@code PUT
 * /config/{subject}}. Schemas it reads may name schema references ({@code references: [{name, subject, version}]}):
 * it fetches each referenced version and parses it first. It registers schemas without references.
 *
 * <p>A schema counts as registered when a version is the same schema once parsed (Confluent's canonical form, {@link
 * Schema#toString()}), as Confluent's registry decides it; Apicurio compares the text as sent, so when its look-up
 * finds nothing the client compares the subject's versions itself before registering another one.
 *
 * <p>Thread-safe. Caches (subject, schema) to id and id to schema, so steady-state serialization makes no HTTP calls.
 * Retries with exponential backoff on I/O errors and on 408, 429 and 5xx answers; never on other 4xx answers, which
 * a retry cannot fix. Registry error bodies ({@code {"error_code":..,"message":..}}) are quoted in the exceptions.
 */
public final class ConfluentRegistryClient implements SchemaRegistry, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfluentRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CLIENT_COUNT = new AtomicInteger();
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int SCHEMA_NOT_FOUND = 40403;

    /** How the client waits between attempts; tests replace it to observe the backoff without waiting. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record SubjectSchema(String subject, String schemaText) {}

    private record SubjectVersion(String subject, String version) {}

    private final RegistryConfig config;
    private final Sleeper sleeper;
    private final ExecutorService executor;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A client of the registry at {@code config.url()}, which must be an {@code http} or {@code https} URL. */
    public ConfluentRegistryClient(RegistryConfig config) {
        this(config, duration -> Thread.sleep(duration.toMillis()));
    }

    ConfluentRegistryClient(RegistryConfig config, Sleeper sleeper) {
        String scheme = URI.create(config.url()).getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException(
                    RegistryConfig.URL + " must be an http(s) URL, was '" + config.url() + "'");
        }
        this.config = config;
        this.sleeper = sleeper;
        int clientNumber = CLIENT_COUNT.incrementAndGet();
        AtomicInteger threadCount = new AtomicInteger();
        // Our own daemon executor so close() can release the client's threads on Java 17 (HttpClient has no close()).
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "schema-registry-" + clientNumber + "-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                // HTTP/1.1: registries behind proxies mishandle the h2c upgrade, and requests are small.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor);
        config.sslContext().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.authorization = config.basicAuthUserInfo()
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    /** The configuration this client was built with. */
    public RegistryConfig config() {
        return config;
    }

    @Override
    public int register(String subject, Schema schema) {
        try {
            // Look first: a registry that compares schema text would add a version for the same schema sent with
            // other whitespace, where Confluent's answers the id it has.
            return lookup(subject, schema);
        } catch (SchemaRegistryException absent) {
            if (!absent.isNotFound()
                    || (absent.errorCode() != SUBJECT_NOT_FOUND && absent.errorCode() != SCHEMA_NOT_FOUND)) {
                throw absent;
            }
        }
        try {
            return idOf(subject, schema, "/subjects/" + encode(subject) + "/versions", "register");
        } catch (SchemaRegistryException refused) {
            if (refused.httpStatus() != 409) {
                throw refused;
            }
            // Two producers registering the same new schema at once: Apicurio refuses the second with a
            // 409 ("artifact already exists") where Confluent's registry answers the id. If the schema
            // is now there (as the text just sent), that is the answer; otherwise the 409 was a real
            // incompatibility.
            try {
                return idOf(subject, schema, "/subjects/" + encode(subject), "look up");
            } catch (SchemaRegistryException notThere) {
                refused.addSuppressed(notThere);
                throw refused;
            }
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        try {
            return idOf(subject, schema, "/subjects/" + encode(subject), "look up");
        } catch (SchemaRegistryException notFound) {
            if (!notFound.isNotFound() || notFound.errorCode() != SCHEMA_NOT_FOUND) {
                throw notFound;
            }
            OptionalInt id = parsedEqualVersion(subject, schema);
            if (id.isEmpty()) {
                throw notFound;
            }
            idsBySubjectSchema.putIfAbsent(new SubjectSchema(subject, schema.toString()), id.getAsInt());
            return id.getAsInt();
        }
    }

    /** The id of the newest version of {@code subject} that parses to {@code schema}, if any. */
    private OptionalInt parsedEqualVersion(String subject, Schema schema) {
        JsonNode versions = send(
                "GET",
                "/subjects/" + encode(subject) + "/versions",
                null,
                "list the versions of subject '" + subject + "'");
        List<Integer> newestFirst = new ArrayList<>();
        versions.forEach(v -> newestFirst.add(v.asInt()));
        newestFirst.sort(Comparator.reverseOrder());
        String wanted = schema.toString();
        for (int version : newestFirst) {
            RegisteredSchema registered;
            try {
                registered = version(subject, Integer.toString(version));
            } catch (SchemaRegistryException unusable) {
                if (unusable.httpStatus() == 200) {
                    continue; // not Avro, or not parseable: not the schema we look for
                }
                throw unusable;
            }
            if (registered.schema().toString().equals(wanted)) {
                LOG.debug(
                        "Schema {} is version {} of subject {} (id {}) as parsed, though not as text",
                        schema.getFullName(),
                        version,
                        subject,
                        registered.id());
                return OptionalInt.of(registered.id());
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    /** Version {@code version} (a number or {@code latest}) of {@code subject}, its references resolved. */
    private RegisteredSchema version(String subject, String version) {
        String what = "version " + version + " of subject '" + subject + "'";
        JsonNode answer =
                send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null, "fetch " + what);
        Schema schema = parse(answer, what);
        return new RegisteredSchema(
                subject, intField(answer, "version", "fetch " + what), intField(answer, "id", "fetch " + what), schema);
    }

    /** Registering and looking up are the same POST of the schema to different paths; both answer an id. */
    private int idOf(String subject, Schema schema, String path, String action) {
        SubjectSchema key = new SubjectSchema(subject, schema.toString());
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send(
                "POST",
                path,
                schemaBody(key.schemaText()),
                action + " schema " + schema.getFullName() + " under subject '" + subject + "'");
        int id = intField(answer, "id", action + " under subject '" + subject + "'");
        idsBySubjectSchema.putIfAbsent(key, id);
        LOG.debug("Schema {} has id {} under subject {}", schema.getFullName(), id, subject);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
        Schema schema = parse(answer, "Schema id " + id);
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    /**
     * The Avro schema of a registry answer ({@code schema}, {@code schemaType}, {@code references}), the schemas it
     * references parsed first into the same parser so that their names resolve. Problems with the answer's content
     * are reported with HTTP status 200: the registry answered, with something unusable.
     */
    private Schema parse(JsonNode answer, String what) {
        String text = avroText(answer, what);
        // A fresh parser per schema: the names it learns belong to this schema and its references only.
        Schema.Parser parser = new Schema.Parser();
        try {
            parseReferences(parser, answer.path("references"), new HashSet<>(), what);
            return parser.parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    what + " from the registry is not a valid Avro schema: " + e.getMessage(), 200, 200, e);
        }
    }

    private void parseReferences(Schema.Parser parser, JsonNode references, Set<SubjectVersion> seen, String what) {
        for (JsonNode reference : references) {
            String subject = reference.path("subject").asText("");
            String version = reference.path("version").asText("");
            if (subject.isEmpty() || version.isEmpty()) {
                throw new SchemaRegistryException(
                        what + " names a schema reference without subject and version: " + reference, 200, 200);
            }
            if (!seen.add(new SubjectVersion(subject, version))) {
                continue; // a diamond: already parsed
            }
            String referenced = "version " + version + " of subject '" + subject + "' (referenced by " + what + ")";
            JsonNode answer = send(
                    "GET",
                    "/subjects/" + encode(subject) + "/versions/" + encode(version),
                    null,
                    "fetch " + referenced);
            parseReferences(parser, answer.path("references"), seen, referenced);
            parser.parse(avroText(answer, referenced));
        }
    }

    private static String avroText(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(what + " is a " + type + " schema; only AVRO is supported", 200, 200);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(
                    "Registry answer for " + what + " has no 'schema' text: " + abbreviate(answer.toString()),
                    200,
                    200);
        }
        return text.asText();
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = send(
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    schemaBody(schema.toString()),
                    "test compatibility of schema " + schema.getFullName() + " with subject '" + subject + "'");
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw new SchemaRegistryException(
                        "Registry compatibility answer for subject '" + subject + "' has no 'is_compatible': " + answer,
                        200,
                        200);
            }
            return compatible.booleanValue();
        } catch (SchemaRegistryException e) {
            // Nothing registered yet: the first schema of a subject is compatible by definition.
            if (e.isNotFound() && (e.errorCode() == 40401 || e.errorCode() == 40402)) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        CompatibilityLevel parsed = CompatibilityLevel.parse(level);
        ObjectNode body = JSON.createObjectNode().put("compatibility", parsed.name());
        send(
                "PUT",
                "/config/" + encode(subject),
                body.toString(),
                "set compatibility of subject '" + subject + "' to " + parsed);
    }

    /** Releases the client's threads; later calls fail. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "ConfluentRegistryClient[" + config + "]";
    }

    private JsonNode send(String method, String path, String body, String what) {
        if (closed) {
            throw new IllegalStateException("Schema registry client for " + config.url() + " is closed");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.url() + path))
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();

        int attempts = config.maxRetries() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return parseAnswer(response.body(), status, what);
                }
                RegistryError error = RegistryError.parse(response.body(), status);
                if (!isRetryable(status) || attempt == attempts) {
                    throw failure(what, status, error, attempt);
                }
                LOG.warn(
                        "Schema registry {} answered HTTP {} to '{}' (attempt {} of {}); retrying",
                        config.url(),
                        status,
                        what,
                        attempt,
                        attempts);
            } catch (IOException e) {
                if (attempt == attempts) {
                    throw new SchemaRegistryException(
                            "Could not " + what + ": schema registry " + config.url() + " unreachable after " + attempts
                                    + " attempt(s): " + e,
                            SchemaRegistryException.NO_ANSWER,
                            SchemaRegistryException.NO_ANSWER,
                            e);
                }
                LOG.warn(
                        "Schema registry {} unreachable for '{}' (attempt {} of {}): {}; retrying",
                        config.url(),
                        what,
                        attempt,
                        attempts,
                        e.toString());
            } catch (InterruptedException e) {
                throw interrupted(what, e);
            }
            try {
                sleeper.sleep(backoff(attempt));
            } catch (InterruptedException e) {
                throw interrupted(what, e);
            }
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial backoff doubled per further attempt. */
    Duration backoff(int attempt) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private static boolean isRetryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private SchemaRegistryException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new SchemaRegistryException(
                "Interrupted while trying to " + what,
                SchemaRegistryException.NO_ANSWER,
                SchemaRegistryException.NO_ANSWER,
                e);
    }

    private SchemaRegistryException failure(String what, int status, RegistryError error, int attempts) {
        String reason =
                switch (status) {
                    case 401 -> "authentication failed (HTTP 401); check " + RegistryConfig.BASIC_AUTH_USER_INFO;
                    case 403 -> "access denied (HTTP 403) for these credentials";
                    case 404 ->
                        switch (error.code()) {
                            case 40401 -> "subject not found (HTTP 404)";
                            case 40402 -> "version not found (HTTP 404)";
                            case 40403 -> "schema not found (HTTP 404)";
                            default -> "not found (HTTP 404)";
                        };
                    case 409 ->
                        "the schema is incompatible with earlier versions of the subject under its"
                                + " compatibility level (HTTP 409)";
                    case 422 ->
                        switch (error.code()) {
                            case 42201 -> "invalid schema (HTTP 422)";
                            case 42202 -> "invalid version (HTTP 422)";
                            case 42203 -> "invalid compatibility level (HTTP 422)";
                            default -> "request rejected as invalid (HTTP 422)";
                        };
                    case 408 -> "registry timed out (HTTP 408) on all " + attempts + " attempt(s)";
                    case 429 -> "registry rate-limited us (HTTP 429) on all " + attempts + " attempt(s)";
                    default ->
                        status >= 500
                                ? "registry server error (HTTP " + status + ") on all " + attempts + " attempt(s)"
                                : "unexpected answer (HTTP " + status + ")";
                };
        return new SchemaRegistryException(
                "Could not " + what + " at " + config.url() + ": " + reason + "; registry said: " + error.describe(),
                status,
                error.code());
    }

    private static JsonNode parseAnswer(String body, int status, String what) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(
                    "Could not " + what + ": the registry's answer is not JSON: " + abbreviate(body),
                    status,
                    status,
                    e);
        }
    }

    private static int intField(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "Registry answer to " + what + " has no integer '" + field + "': " + abbreviate(answer.toString()),
                    200,
                    200);
        }
        return value.intValue();
    }

    private static String schemaBody(String schemaText) {
        return JSON.createObjectNode().put("schema", schemaText).toString();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }

    /** The registry's error body; falls back to the raw text when it is not the usual JSON. */
    private record RegistryError(int code, String message) {
        static RegistryError parse(String body, int status) {
            try {
                JsonNode node = JSON.readTree(body);
                if (node != null && node.isObject()) {
                    return new RegistryError(
                            node.path("error_code").asInt(status),
                            node.path("message").asText(abbreviate(body)));
                }
            } catch (JsonProcessingException e) {
                // not JSON: a proxy or load balancer answered; quote it as is
            }
            return new RegistryError(status, body == null || body.isBlank() ? "(empty body)" : abbreviate(body));
        }

        String describe() {
            return "error_code " + code + ": " + message;
        }
    }
}
