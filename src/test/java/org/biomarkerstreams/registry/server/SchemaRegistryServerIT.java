package org.biomarkerstreams.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Stream;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.demo.LocalStack;
import org.biomarkerstreams.testing.LocalRegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry of {@code broker --with-registry} over plain HTTP, as any Confluent client or curl sees it: status
 * codes and Confluent's error codes, idempotent and shared ids, compatibility levels, schema references, soft and
 * permanent deletes, and its state across a broker restart.
 */
class SchemaRegistryServerIT {

    @RegisterExtension
    static final LocalRegistryExtension REGISTRY = new LocalRegistryExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** A subject of this test alone: the registry is shared by the JVM. */
    private final String subject = "srv-" + UUID.randomUUID().toString().substring(0, 8);

    // ---- ids ----

    @Test
    void shouldAnswerTheSameIdWhenTheSameSchemaIsRegisteredAgainInAnotherLayout() throws Exception {
        String compact = record("Reading", field("value", "\"double\""));
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(compact));

        int first = register(subject, compact);
        // Confluent's serializers add ?normalize=false; the answer is the same.
        Answer again = post(REGISTRY.url(), "/subjects/" + subject + "/versions?normalize=false", body(pretty));

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").intValue()).isEqualTo(first);
        assertThat(get("/subjects/" + subject + "/versions").json()).isEqualTo(ints(1));
    }

    @Test
    void shouldShareTheIdAcrossSubjectsWhileEachSubjectNumbersItsOwnVersions() throws Exception {
        String v1 = record("Shared", field("a", "\"int\""));
        String v2 = record("Shared", field("a", "\"int\""), optionalField("b"));
        int firstId = register(subject + "-a", v1);
        int secondId = register(subject + "-a", v2);

        int shared = register(subject + "-b", v2);

        assertThat(shared).isEqualTo(secondId).isNotEqualTo(firstId);
        Answer inB = get("/subjects/" + subject + "-b/versions/latest");
        assertThat(inB.json().get("version").intValue()).isEqualTo(1);
        assertThat(inB.json().get("id").intValue()).isEqualTo(shared);
        assertThat(get("/schemas/ids/" + shared + "/versions").json())
                .containsExactlyInAnyOrder(subjectVersion(subject + "-a", 2), subjectVersion(subject + "-b", 1));
    }

    @Test
    void shouldGiveAnotherIdWhenOnlyADefaultDiffers() throws Exception {
        int withoutDefault = register(subject + "-x", record("Defaulted", field("n", "\"int\"")));

        int withDefault =
                register(subject + "-y", record("Defaulted", "{\"name\":\"n\",\"type\":\"int\",\"default\":0}"));

        assertThat(withDefault).isNotEqualTo(withoutDefault);
    }

    @Test
    void shouldAnswerTheStoredSchemaWithItsIdAndVersionWhenLookedUp() throws Exception {
        String schema = record("Looked", field("a", "\"string\""));
        int id = register(subject, schema);

        Answer found = post("/subjects/" + subject, body(schema));

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().get("subject").asText()).isEqualTo(subject);
        assertThat(found.json().get("version").intValue()).isEqualTo(1);
        assertThat(found.json().get("id").intValue()).isEqualTo(id);
        assertThat(JSON.readTree(found.json().get("schema").asText())).isEqualTo(JSON.readTree(schema));
        assertThat(found.json().has("references"))
                .as("left out when empty, as Confluent does")
                .isFalse();
        assertThat(JSON.readTree(
                        get("/subjects/" + subject + "/versions/1/schema").body()))
                .isEqualTo(JSON.readTree(schema));
        assertThat(JSON.readTree(get("/schemas/ids/" + id + "/schema").body())).isEqualTo(JSON.readTree(schema));
    }

    // ---- compatibility ----

    @Test
    void shouldRefuseWith409NamingTheFieldWhenANewFieldHasNoDefaultUnderTheDefaultBackwardLevel() throws Exception {
        register(subject, record("Evolving", field("a", "\"int\"")));
        String required = record("Evolving", field("a", "\"int\""), field("lab", "\"string\""));

        Answer refused = post("/subjects/" + subject + "/versions", body(required));
        Answer check = post("/compatibility/subjects/" + subject + "/versions/latest?verbose=true", body(required));

        assertThat(get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.errorCode()).isEqualTo(409);
        assertThat(refused.message()).contains(subject).contains("BACKWARD").contains("lab");
        assertThat(check.json().get("is_compatible").booleanValue()).isFalse();
        assertThat(check.json().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(get("/subjects/" + subject + "/versions").json()).isEqualTo(ints(1));
    }

    @Test
    void shouldAcceptUnderNoneWhatBackwardRefuses() throws Exception {
        register(subject, record("Loose", field("a", "\"int\"")));
        Answer set = put("/config/" + subject, "{\"compatibility\":\"none\"}");

        Answer registered = post("/subjects/" + subject + "/versions", body(record("Loose", field("a", "\"string\""))));

        assertThat(set.json()).isEqualTo(JSON.readTree("{\"compatibility\":\"NONE\"}"));
        assertThat(get("/config/" + subject).json().get("compatibilityLevel").asText())
                .isEqualTo("NONE");
        assertThat(registered.status()).isEqualTo(200);
        assertThat(get("/subjects/" + subject + "/versions").json()).isEqualTo(ints(1, 2));
    }

    @Test
    void shouldCheckEveryLiveVersionOnlyWhenTheLevelIsTransitive() throws Exception {
        String v1 = record("Chain", field("x", "\"int\""));
        String v2 = record("Chain");
        // Reads v2 data (no x: default) but not v1 data (x an int).
        String v3 = record("Chain", "{\"name\":\"x\",\"type\":\"string\",\"default\":\"\"}");
        for (String s : List.of(subject + "-plain", subject + "-transitive")) {
            register(s, v1);
            register(s, v2);
        }
        put("/config/" + subject + "-transitive", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");

        Answer plain = post("/subjects/" + subject + "-plain/versions", body(v3));
        Answer transitive = post("/subjects/" + subject + "-transitive/versions", body(v3));

        assertThat(plain.status()).isEqualTo(200);
        assertThat(transitive.status()).isEqualTo(409);
        assertThat(transitive.message()).contains("version 1").doesNotContain("version 2");
    }

    @Test
    void shouldRequireTheOldSchemaToReadTheNewUnderForward() throws Exception {
        register(subject, record("Direction", field("a", "\"int\""), field("b", "\"int\"")));
        put("/config/" + subject, "{\"compatibility\":\"FORWARD\"}");
        String withoutB = record("Direction", field("a", "\"int\""));

        Answer check = post("/compatibility/subjects/" + subject + "/versions", body(withoutB));
        Answer refused = post("/subjects/" + subject + "/versions", body(withoutB));

        assertThat(check.json().get("is_compatible").booleanValue()).isFalse();
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.message()).contains("version 1 cannot read data written with the new schema");
        put("/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
        assertThat(post("/subjects/" + subject + "/versions", body(withoutB)).status())
                .isEqualTo(200);
    }

    // ---- errors ----

    static Stream<Arguments> refusals() {
        String valid = record("Refused", field("a", "\"int\""));
        String other = record("Refused", field("a", "\"int\""), optionalField("z"));
        return Stream.of(
                Arguments.of("GET", "/subjects/nobody-{s}/versions", null, 404, 40401),
                Arguments.of("GET", "/subjects/{s}/versions/99", null, 404, 40402),
                Arguments.of("GET", "/schemas/ids/987654", null, 404, 40403),
                Arguments.of("POST", "/subjects/{s}", bodyText(other), 404, 40403),
                Arguments.of("POST", "/subjects/nobody-{s}", bodyText(valid), 404, 40401),
                Arguments.of("POST", "/subjects/{s}/versions", "{\"schema\":\"not avro\"}", 422, 42201),
                Arguments.of("POST", "/subjects/{s}/versions", "{}", 422, 42201),
                Arguments.of(
                        "POST",
                        "/subjects/{s}/versions",
                        "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}",
                        422,
                        42201),
                Arguments.of(
                        "POST",
                        "/subjects/{s}/versions",
                        "{\"schema\":" + JSON.valueToTree(valid)
                                + ",\"references\":[{\"name\":\"x.Y\",\"subject\":\"nobody\",\"version\":1}]}",
                        422,
                        42201),
                Arguments.of("POST", "/subjects/{s}/versions", "{\"schema\":\"\\\"int\\\"\",\"id\":7}", 422, 42205),
                Arguments.of("GET", "/subjects/{s}/versions/0", null, 422, 42202),
                Arguments.of("GET", "/subjects/{s}/versions/abc", null, 422, 42202),
                Arguments.of("PUT", "/config/{s}", "{\"compatibility\":\"SIDEWAYS\"}", 422, 42203),
                Arguments.of("GET", "/config/{s}", null, 404, 40408),
                Arguments.of("POST", "/compatibility/subjects/{s}/versions/9", bodyText(valid), 404, 40402),
                Arguments.of("GET", "/nowhere", null, 404, 404),
                Arguments.of("DELETE", "/schemas/ids/1", null, 405, 405),
                Arguments.of("POST", "/subjects/{s}/versions", "{", 400, 400),
                Arguments.of("POST", "/subjects/{s}/versions", bodyText("x".repeat(1_100_000)), 413, 413));
    }

    @ParameterizedTest(name = "{0} {1} -> {3} {4}")
    @MethodSource("refusals")
    void shouldAnswerConfluentErrorBodiesWhenRefusing(
            String method, String path, String body, int status, int errorCode) throws Exception {
        register(subject, record("Refused", field("a", "\"int\"")));

        Answer answer = send(REGISTRY.url(), method, path.replace("{s}", subject), body, CONTENT_TYPE);

        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).isEqualTo(CONTENT_TYPE);
        assertThat(answer.json().size()).as(answer.body()).isEqualTo(2);
        assertThat(answer.errorCode()).isEqualTo(errorCode);
        assertThat(answer.message()).isNotBlank();
    }

    @Test
    void shouldRefuseWith415WhenTheBodyIsNotJsonTyped() throws Exception {
        Answer answer = send(
                REGISTRY.url(),
                "POST",
                "/subjects/" + subject + "/versions",
                body("\"int\""),
                "application/x-www-form-urlencoded");

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.errorCode()).isEqualTo(415);
    }

    // ---- references ----

    @Test
    void shouldResolveReferencesWhenRegisteringAndAnswerThemWithTheId() throws Exception {
        String status =
                "{\"type\":\"enum\",\"name\":\"Status\",\"namespace\":\"t\",\"symbols\":[\"FINAL\",\"UNKNOWN\"],"
                        + "\"default\":\"UNKNOWN\"}";
        int statusId = register(subject + "-status", status);
        String reading = "{\"type\":\"record\",\"name\":\"Reading\",\"namespace\":\"t\",\"fields\":["
                + "{\"name\":\"status\",\"type\":\"Status\"}]}";
        String references = "[{\"name\":\"t.Status\",\"subject\":\"" + subject + "-status\",\"version\":1}]";

        Answer unresolved = post("/subjects/" + subject + "-reading/versions", body(reading));
        int readingId = register(subject + "-reading", reading, references);

        assertThat(unresolved.status()).isEqualTo(422);
        assertThat(unresolved.errorCode()).isEqualTo(42201);
        assertThat(unresolved.message()).contains("t.Status");
        assertThat(readingId).isNotEqualTo(statusId);
        Answer byId = get("/schemas/ids/" + readingId);
        assertThat(byId.json().get("references")).isEqualTo(JSON.readTree(references));
        assertThat(byId.json().get("schema").asText())
                .as("the referenced type is named, not repeated")
                .doesNotContain("FINAL");
        assertThat(register(subject + "-reading-copy", reading, references))
                .as("same text and references: same id")
                .isEqualTo(readingId);
        assertThat(post("/subjects/" + subject + "-reading", bodyWithReferences(reading, references))
                        .json()
                        .get("version")
                        .intValue())
                .isEqualTo(1);
        assertThat(get("/subjects/" + subject + "-status/versions/1/referencedby")
                        .json())
                .isEqualTo(ints(readingId));
        assertThat(get("/subjects/" + subject + "-reading/versions/1").json().get("references"))
                .isEqualTo(JSON.readTree(references));
    }

    @Test
    void shouldResolveReferencesOfReferencesAndCheckEvolutionOnTheResolvedSchemas() throws Exception {
        String unit = "{\"type\":\"enum\",\"name\":\"Unit\",\"namespace\":\"t\",\"symbols\":[\"MG_L\"]}";
        register(subject + "-unit", unit);
        String quantity = "{\"type\":\"record\",\"name\":\"Quantity\",\"namespace\":\"t\",\"fields\":["
                + "{\"name\":\"value\",\"type\":\"double\"},{\"name\":\"unit\",\"type\":\"Unit\"}]}";
        register(
                subject + "-quantity",
                quantity,
                "[{\"name\":\"t.Unit\",\"subject\":\"" + subject + "-unit\",\"version\":1}]");
        // The top schema names both the referenced record and the type that record itself references.
        String result = "{\"type\":\"record\",\"name\":\"Result\",\"namespace\":\"t\",\"fields\":["
                + "{\"name\":\"q\",\"type\":\"Quantity\"},{\"name\":\"display\",\"type\":\"Unit\"}]}";
        String toQuantityV1 = "[{\"name\":\"t.Quantity\",\"subject\":\"" + subject + "-quantity\",\"version\":1}]";
        int resultId = register(subject + "-result", result, toQuantityV1);
        // Unit v2 drops a symbol the data may hold: under NONE in its own subject, but Result must still refuse it.
        put("/config/" + subject + "-unit", "{\"compatibility\":\"NONE\"}");
        register(subject + "-unit", "{\"type\":\"enum\",\"name\":\"Unit\",\"namespace\":\"t\",\"symbols\":[\"G_L\"]}");
        put("/config/" + subject + "-quantity", "{\"compatibility\":\"NONE\"}");
        register(
                subject + "-quantity",
                quantity,
                "[{\"name\":\"t.Unit\",\"subject\":\"" + subject + "-unit\",\"version\":2}]");

        Answer evolved = post(
                "/subjects/" + subject + "-result/versions",
                bodyWithReferences(
                        result, "[{\"name\":\"t.Quantity\",\"subject\":\"" + subject + "-quantity\",\"version\":2}]"));

        assertThat(get("/schemas/ids/" + resultId).json().get("references")).isEqualTo(JSON.readTree(toQuantityV1));
        assertThat(evolved.status()).as(evolved.body()).isEqualTo(409);
        assertThat(evolved.message()).contains("MG_L");
    }

    @Test
    void shouldRefuseToDeleteAVersionAnotherSchemaReferences() throws Exception {
        register(subject + "-enum", "{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"d\",\"symbols\":[\"A\"]}");
        register(
                subject + "-user",
                "{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"d\",\"fields\":[{\"name\":\"e\",\"type\":\"E\"}]}",
                "[{\"name\":\"d.E\",\"subject\":\"" + subject + "-enum\",\"version\":1}]");

        Answer version = send(REGISTRY.url(), "DELETE", "/subjects/" + subject + "-enum/versions/1", null, null);
        Answer whole = send(REGISTRY.url(), "DELETE", "/subjects/" + subject + "-enum", null, null);

        assertThat(version.status()).isEqualTo(422);
        assertThat(version.errorCode()).isEqualTo(42206);
        assertThat(whole.errorCode()).isEqualTo(42206);
        assertThat(get("/subjects/" + subject + "-enum/versions").json()).isEqualTo(ints(1));
    }

    // ---- deletes ----

    @Test
    void shouldHideSoftDeletedVersionsUnlessAskedAndDeletePermanentlyOnlyAfterASoftDelete() throws Exception {
        int id1 = register(subject, record("Deleted", field("a", "\"int\"")));
        int id2 = register(subject, record("Deleted", field("a", "\"int\""), optionalField("b")));

        assertThat(delete("/subjects/" + subject + "/versions/1").json().intValue())
                .isEqualTo(1);
        assertThat(get("/subjects/" + subject + "/versions").json()).isEqualTo(ints(2));
        assertThat(get("/subjects/" + subject + "/versions?deleted=true").json())
                .isEqualTo(ints(1, 2));
        assertThat(get("/subjects/" + subject + "/versions/1").errorCode()).isEqualTo(40402);
        assertThat(get("/subjects/" + subject + "/versions/1?deleted=true").status())
                .isEqualTo(200);
        assertThat(get("/schemas/ids/" + id1).status())
                .as("a soft-deleted version's id still resolves: data written with it stays readable")
                .isEqualTo(200);
        assertThat(delete("/subjects/" + subject + "/versions/1").errorCode()).isEqualTo(40406);
        assertThat(delete("/subjects/" + subject + "/versions/2?permanent=true").errorCode())
                .isEqualTo(40407);
        assertThat(delete("/subjects/" + subject + "?permanent=true").errorCode())
                .isEqualTo(40405);

        assertThat(delete("/subjects/" + subject).json()).isEqualTo(ints(2));
        assertThat(get("/subjects").json().toString()).doesNotContain(subject);
        assertThat(get("/subjects?deleted=true").json().toString()).contains(subject);
        assertThat(delete("/subjects/" + subject).errorCode()).isEqualTo(40404);
        assertThat(delete("/subjects/" + subject + "?permanent=true").json()).isEqualTo(ints(1, 2));

        assertThat(get("/schemas/ids/" + id1).errorCode()).isEqualTo(40403);
        assertThat(get("/subjects?deleted=true").json().toString()).doesNotContain(subject);
        int again = register(subject, record("Deleted", field("a", "\"int\"")));
        assertThat(again).as("a permanently deleted id is never given again").isGreaterThan(id2);
        assertThat(get("/subjects/" + subject + "/versions").json()).isEqualTo(ints(1));
    }

    // ---- storage and binding ----

    @Test
    void shouldKeepIdsVersionsLevelsAndDeletesWhenTheBrokerRestartsWithItsDataDirectory(@TempDir Path data)
            throws Exception {
        LocalStack.Options options = new LocalStack.Options(
                new EmbeddedKafkaBroker.Options(0, Optional.of(data), java.util.Map.of()), OptionalInt.of(0));
        int kept;
        int softDeleted;
        int gone;
        String evolving = record("Kept", field("a", "\"int\""));
        String evolved = record("Kept", field("a", "\"int\""), optionalField("b"));
        try (LocalStack first = LocalStack.start(options)) {
            String url = first.registryUrl().orElseThrow();
            kept = registerAt(url, "kept", evolving);
            assertThat(registerAt(url, "kept", evolved)).isNotEqualTo(kept);
            softDeleted = registerAt(url, "soft", record("Soft"));
            send(url, "DELETE", "/subjects/soft", null, null);
            gone = registerAt(url, "gone", record("Gone", field("g", "\"long\"")));
            send(url, "DELETE", "/subjects/gone", null, null);
            send(url, "DELETE", "/subjects/gone?permanent=true", null, null);
            send(url, "PUT", "/config/kept", "{\"compatibility\":\"FULL\"}", CONTENT_TYPE);
            send(url, "PUT", "/config", "{\"compatibility\":\"FORWARD\"}", CONTENT_TYPE);
        }

        try (LocalStack second = LocalStack.start(options)) {
            String url = second.registryUrl().orElseThrow();

            assertThat(post(url, "/subjects/kept", body(evolving))
                            .json()
                            .get("id")
                            .intValue())
                    .isEqualTo(kept);
            assertThat(send(url, "GET", "/subjects/kept/versions", null, null).json())
                    .isEqualTo(ints(1, 2));
            assertThat(send(url, "GET", "/config/kept", null, null)
                            .json()
                            .get("compatibilityLevel")
                            .asText())
                    .isEqualTo("FULL");
            assertThat(send(url, "GET", "/config", null, null)
                            .json()
                            .get("compatibilityLevel")
                            .asText())
                    .isEqualTo("FORWARD");
            assertThat(send(url, "GET", "/subjects", null, null).json()).isEqualTo(strings("kept"));
            assertThat(send(url, "GET", "/subjects?deleted=true", null, null).json())
                    .isEqualTo(strings("kept", "soft"));
            assertThat(send(url, "GET", "/schemas/ids/" + softDeleted, null, null)
                            .status())
                    .isEqualTo(200);
            assertThat(send(url, "GET", "/schemas/ids/" + gone, null, null).errorCode())
                    .isEqualTo(40403);
            assertThat(registerAt(url, "new", record("New")))
                    .as("the next id follows every id ever given, the permanently deleted one too")
                    .isEqualTo(gone + 1);
        }
    }

    @Test
    void shouldListenOnLoopbackOnly() throws Exception {
        int port = URI.create(REGISTRY.url()).getPort();
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeThat(outside).as("this host has a non-loopback IPv4 address").isPresent();

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(outside.get(), port), 2_000);
            throw new AssertionError("connected to the registry through " + outside.get());
        } catch (ConnectException refused) {
            assertThat(refused).hasMessageContaining("refused");
        }
        assertThat(get("/").json()).isEqualTo(JSON.createObjectNode());
        assertThat(get("/schemas/types").json()).isEqualTo(strings("AVRO"));
    }

    // ---- helpers ----

    private record Answer(int status, String body, String contentType) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        int errorCode() throws IOException {
            return json().path("error_code").asInt(-1);
        }

        String message() throws IOException {
            return json().path("message").asText();
        }
    }

    private static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"it\",\"fields\":["
                + String.join(",", fields) + "]}";
    }

    private static String field(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":" + type + "}";
    }

    private static String optionalField(String name) {
        return "{\"name\":\"" + name + "\",\"type\":[\"null\",\"string\"],\"default\":null}";
    }

    private static String body(String schema) {
        return bodyText(schema);
    }

    private static String bodyText(String schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema);
        return body.toString();
    }

    private static String bodyWithReferences(String schema, String references) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("schema", schema);
        body.set("references", JSON.readTree(references));
        return body.toString();
    }

    private static int register(String subject, String schema) throws Exception {
        return registerAt(REGISTRY.url(), subject, schema);
    }

    private static int register(String subject, String schema, String references) throws Exception {
        Answer answer = post("/subjects/" + subject + "/versions", bodyWithReferences(schema, references));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("id").intValue();
    }

    private static int registerAt(String url, String subject, String schema) throws Exception {
        Answer answer = post(url, "/subjects/" + subject + "/versions", body(schema));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("id").intValue();
    }

    private static Answer get(String path) throws Exception {
        return send(REGISTRY.url(), "GET", path, null, null);
    }

    private static Answer delete(String path) throws Exception {
        return send(REGISTRY.url(), "DELETE", path, null, null);
    }

    private static Answer post(String path, String body) throws Exception {
        return post(REGISTRY.url(), path, body);
    }

    private static Answer post(String url, String path, String body) throws Exception {
        return send(url, "POST", path, body, CONTENT_TYPE);
    }

    private static Answer put(String path, String body) throws Exception {
        return send(REGISTRY.url(), "PUT", path, body, CONTENT_TYPE);
    }

    private static Answer send(String url, String method, String path, String body, String contentType)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Content-Type").orElse(""));
    }

    private static ArrayNode ints(int... values) {
        ArrayNode array = JSON.createArrayNode();
        for (int v : values) {
            array.add(v);
        }
        return array;
    }

    private static ArrayNode strings(String... values) {
        ArrayNode array = JSON.createArrayNode();
        for (String v : values) {
            array.add(v);
        }
        return array;
    }

    private static JsonNode subjectVersion(String subject, int version) {
        return JSON.createObjectNode().put("subject", subject).put("version", version);
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        List<InetAddress> found = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                nic.inetAddresses()
                        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                        .forEach(found::add);
            }
        }
        return found.stream().findFirst();
    }
}
