package org.biomarkerstreams.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.biomarkerstreams.registry.CompatibilityLevel;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subset of Confluent's Schema Registry REST API that Confluent's serializers and this project's client use, and
 * that a developer reaches for with curl, on {@link SchemaStore}:
 *
 * <pre>
 * GET    /                                                  {}
 * GET    /schemas/types                                     ["AVRO"]
 * GET    /schemas/ids/{id}[/schema|/versions]
 * GET    /subjects                                          ?deleted=true
 * POST   /subjects/{subject}                                look up a schema; ?deleted=true
 * DELETE /subjects/{subject}                                ?permanent=true
 * GET    /subjects/{subject}/versions                       ?deleted=true
 * POST   /subjects/{subject}/versions                       register
 * GET    /subjects/{subject}/versions/{version}[/schema|/referencedby]     version = 1.. | latest | -1
 * DELETE /subjects/{subject}/versions/{version}             ?permanent=true
 * GET|PUT|DELETE /config[/{subject}]                        GET /config/{subject}?defaultToGlobal=true
 * POST   /compatibility/subjects/{subject}/versions[/{version}]         ?verbose=true
 * </pre>
 *
 * Answers are {@code application/vnd.schemaregistry.v1+json}; refusals are Confluent's {@code {"error_code",
 * "message"}} bodies. Not served: other schema types (422), modes, contexts, exporters, metadata and rule sets (a
 * request's {@code metadata} and {@code ruleSet} are ignored).
 */
final class RegistryRoutes extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(RegistryRoutes.class);

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** What Confluent's registry accepts as a request body's type (plus none at all). */
    private static final Set<String> BODY_TYPES = Set.of(
            "application/vnd.schemaregistry.v1+json",
            "application/vnd.schemaregistry+json",
            "application/json",
            "application/octet-stream");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaStore store;

    RegistryRoutes(SchemaStore store) {
        this.store = store;
    }

    /** An answer: its status and JSON body. */
    private record Reply(int status, byte[] body) {
        static Reply ok(JsonNode json) {
            return new Reply(200, json.toString().getBytes(StandardCharsets.UTF_8));
        }

        /** A schema's own text as the body, as Confluent's {@code /schema} routes answer it. */
        static Reply raw(String text) {
            return new Reply(200, text.getBytes(StandardCharsets.UTF_8));
        }

        static Reply error(int status, int code, String message) {
            ObjectNode body = JSON.createObjectNode().put("error_code", code).put("message", message);
            return new Reply(status, body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply;
        try {
            reply = route(request);
        } catch (RegistryError e) {
            reply = Reply.error(e.status(), e.errorCode(), e.getMessage());
        } catch (RuntimeException e) {
            log.error(
                    "Schema registry: {} {} failed",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            reply = Reply.error(500, 500, "Internal Server Error: " + e);
        }
        log.debug("{} {} -> {}", request.getMethod(), request.getHttpURI().getPath(), reply.status());
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }

    private Reply route(Request request) {
        String method = request.getMethod();
        List<String> path = segments(request.getHttpURI().getPath());
        Fields query = Request.extractQueryParameters(request);
        if (path.isEmpty()) {
            return on(method, "GET", () -> Reply.ok(JSON.createObjectNode()));
        }
        return switch (path.get(0)) {
            case "schemas" -> schemas(method, path, query);
            case "subjects" -> subjects(method, path, query, request);
            case "config" -> config(method, path, query, request);
            case "compatibility" -> compatibility(method, path, query, request);
            default -> throw notFound();
        };
    }

    private Reply schemas(String method, List<String> path, Fields query) {
        if (path.size() == 2 && path.get(1).equals("types")) {
            return on(method, "GET", () -> Reply.ok(JSON.createArrayNode().add(SchemaRequest.AVRO)));
        }
        if (path.size() < 3 || path.size() > 4 || !path.get(1).equals("ids")) {
            throw notFound();
        }
        int id = id(path.get(2));
        if (path.size() == 3) {
            return on(method, "GET", () -> {
                SchemaIdentity schema = store.schema(id);
                ObjectNode body = JSON.createObjectNode().put("schema", schema.canonical());
                references(body, schema.references());
                return Reply.ok(body);
            });
        }
        return switch (path.get(3)) {
            case "schema" -> on(method, "GET", () -> Reply.raw(store.schema(id).canonical()));
            case "versions" ->
                on(method, "GET", () -> {
                    ArrayNode body = JSON.createArrayNode();
                    for (LogEntry.Version v : store.versionsOf(id, flag(query, "deleted"))) {
                        body.addObject().put("subject", v.subject()).put("version", v.version());
                    }
                    return Reply.ok(body);
                });
            default -> throw notFound();
        };
    }

    private Reply subjects(String method, List<String> path, Fields query, Request request) {
        boolean deleted = flag(query, "deleted");
        if (path.size() == 1) {
            return on(method, "GET", () -> Reply.ok(strings(store.subjects(deleted))));
        }
        String subject = path.get(1);
        if (path.size() == 2) {
            return switch (method) {
                case "POST" -> Reply.ok(version(store.lookup(subject, schemaRequest(request), deleted)));
                case "DELETE" -> Reply.ok(integers(store.deleteSubject(subject, flag(query, "permanent"))));
                default -> throw notAllowed();
            };
        }
        if (!path.get(2).equals("versions")) {
            throw notFound();
        }
        if (path.size() == 3) {
            return switch (method) {
                case "GET" -> Reply.ok(integers(store.versions(subject, deleted)));
                case "POST" -> {
                    int id = store.register(subject, schemaRequest(request));
                    yield Reply.ok(JSON.createObjectNode().put("id", id));
                }
                default -> throw notAllowed();
            };
        }
        VersionSelector selector = VersionSelector.parse(path.get(3));
        if (path.size() == 4) {
            return switch (method) {
                case "GET" -> Reply.ok(version(store.version(subject, selector, deleted)));
                case "DELETE" ->
                    Reply.ok(JSON.getNodeFactory()
                            .numberNode(store.deleteVersion(subject, selector, flag(query, "permanent"))));
                default -> throw notAllowed();
            };
        }
        if (path.size() == 5 && path.get(4).equals("schema")) {
            return on(
                    method,
                    "GET",
                    () -> Reply.raw(store.version(subject, selector, deleted).schema()));
        }
        if (path.size() == 5 && path.get(4).equals("referencedby")) {
            return on(method, "GET", () -> Reply.ok(integers(store.referencedBy(subject, selector))));
        }
        throw notFound();
    }

    private Reply config(String method, List<String> path, Fields query, Request request) {
        if (path.size() == 1) {
            return switch (method) {
                case "GET" -> Reply.ok(levelBody("compatibilityLevel", store.globalLevel()));
                case "PUT" -> {
                    CompatibilityLevel level = level(request);
                    store.setGlobalLevel(level);
                    yield Reply.ok(levelBody("compatibility", level));
                }
                case "DELETE" -> Reply.ok(levelBody("compatibilityLevel", store.deleteGlobalLevel()));
                default -> throw notAllowed();
            };
        }
        if (path.size() != 2) {
            throw notFound();
        }
        String subject = path.get(1);
        return switch (method) {
            case "GET" ->
                Reply.ok(levelBody("compatibilityLevel", store.subjectLevel(subject, flag(query, "defaultToGlobal"))));
            case "PUT" -> {
                CompatibilityLevel level = level(request);
                store.setSubjectLevel(subject, level);
                yield Reply.ok(levelBody("compatibility", level));
            }
            case "DELETE" -> Reply.ok(levelBody("compatibilityLevel", store.deleteSubjectLevel(subject)));
            default -> throw notAllowed();
        };
    }

    private Reply compatibility(String method, List<String> path, Fields query, Request request) {
        if (path.size() < 4
                || path.size() > 5
                || !path.get(1).equals("subjects")
                || !path.get(3).equals("versions")) {
            throw notFound();
        }
        String subject = path.get(2);
        boolean verbose = flag(query, "verbose");
        return on(method, "POST", () -> {
            List<String> problems = path.size() == 5
                    ? store.problemsWithVersion(subject, VersionSelector.parse(path.get(4)), schemaRequest(request))
                    : store.problemsWithSubject(subject, schemaRequest(request));
            ObjectNode body = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
            if (verbose) {
                body.set("messages", strings(problems));
            }
            return Reply.ok(body);
        });
    }

    // ---- request parts ----

    /** The path's segments, each percent-decoded on its own, so that a subject may hold an encoded {@code /}. */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URIUtil.decodePath(s));
            }
        }
        return out;
    }

    private static int id(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw notFound();
        }
    }

    private static boolean flag(Fields query, String name) {
        return "true".equalsIgnoreCase(query.getValue(name));
    }

    private static ObjectNode body(Request request) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null) {
            String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!media.isEmpty() && !BODY_TYPES.contains(media)) {
                throw RegistryError.http(415, "HTTP 415 Unsupported Media Type: send " + CONTENT_TYPE);
            }
        }
        String text;
        try {
            text = Content.Source.asString(request, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HttpException http) {
                    // 413 from the size limit: the body is larger than a schema ever is.
                    throw RegistryError.http(
                            http.getCode(), "HTTP " + http.getCode() + " " + HttpStatus.getMessage(http.getCode()));
                }
            }
            throw RegistryError.http(400, "Could not read the request body: " + e.getMessage());
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw RegistryError.http(400, "The request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw RegistryError.http(400, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static SchemaRequest schemaRequest(Request request) {
        ObjectNode body = body(request);
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryError.invalidSchema("Invalid schema: the request has no 'schema' text");
        }
        JsonNode id = body.get("id");
        if (id != null && id.isIntegralNumber() && id.intValue() > 0) {
            throw RegistryError.operationNotPermitted(
                    "This registry assigns ids itself; a request may not choose one (no IMPORT mode)");
        }
        JsonNode type = body.get("schemaType");
        String schemaType = type == null || type.isNull()
                ? SchemaRequest.AVRO
                : type.asText().toUpperCase(Locale.ROOT);
        List<SchemaReference> references = new ArrayList<>();
        JsonNode refs = body.get("references");
        if (refs != null && !refs.isNull()) {
            if (!refs.isArray()) {
                throw RegistryError.invalidSchema("Invalid schema: 'references' must be an array");
            }
            for (JsonNode r : refs) {
                JsonNode name = r.get("name");
                JsonNode subject = r.get("subject");
                JsonNode version = r.get("version");
                if (name == null
                        || !name.isTextual()
                        || subject == null
                        || !subject.isTextual()
                        || version == null
                        || !version.isIntegralNumber()) {
                    throw RegistryError.invalidSchema(
                            "Invalid schema: a reference needs 'name' and 'subject' text and an integer 'version',"
                                    + " got " + r);
                }
                references.add(new SchemaReference(name.asText(), subject.asText(), version.intValue()));
            }
        }
        return new SchemaRequest(schema.asText(), schemaType, references);
    }

    private static CompatibilityLevel level(Request request) {
        ObjectNode body = body(request);
        JsonNode level = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        String text = level == null || level.isNull() ? null : level.asText();
        if (text != null) {
            try {
                return CompatibilityLevel.valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // answered below
            }
        }
        throw RegistryError.invalidCompatibilityLevel(String.valueOf(text));
    }

    // ---- answers ----

    private static ObjectNode version(LogEntry.Version v) {
        ObjectNode body = JSON.createObjectNode()
                .put("subject", v.subject())
                .put("version", v.version())
                .put("id", v.id())
                .put("schema", v.schema());
        references(body, v.references());
        return body;
    }

    /** Confluent leaves {@code references} out when there are none. */
    private static void references(ObjectNode body, List<SchemaReference> references) {
        if (references.isEmpty()) {
            return;
        }
        ArrayNode array = body.putArray("references");
        for (SchemaReference r : references) {
            array.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
        }
    }

    private static ObjectNode levelBody(String field, CompatibilityLevel level) {
        return JSON.createObjectNode().put(field, level.name());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static ArrayNode integers(List<Integer> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static Reply on(String method, String allowed, Supplier<Reply> answer) {
        if (!method.equals(allowed)) {
            throw notAllowed();
        }
        return answer.get();
    }

    private static RegistryError notFound() {
        return RegistryError.http(404, "HTTP 404 Not Found");
    }

    private static RegistryError notAllowed() {
        return RegistryError.http(405, "HTTP 405 Method Not Allowed");
    }
}
