package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfluentRegistryClientTest {

    private static final Schema SCHEMA = new Schema.Parser()
            .parse(
                    "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");

    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final FakeRegistryServer server;
    private ConfluentRegistryClient client;

    ConfluentRegistryClientTest() throws IOException {
        server = new FakeRegistryServer();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private ConfluentRegistryClient client(RegistryConfig config) {
        client = new ConfluentRegistryClient(config, waits::add);
        return client;
    }

    @Test
    void shouldRetryWithDoublingBackoffWhenServerFailsTwiceThenSucceeds() {
        server.answer(503, "{\"error_code\":50003,\"message\":\"busy\"}")
                .answer(500, "oops")
                .answer(200, "{\"id\":7}");

        int id = client(RegistryConfig.of(server.url())).register("t-value", SCHEMA);

        assertThat(id).isEqualTo(7);
        assertThat(server.received()).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void shouldPostTheSchemaAsJsonWhenRegistering() throws IOException {
        server.answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}")
                .answer(200, "{\"id\":3}");

        int id = client(RegistryConfig.of(server.url())).register("lab readings/value", SCHEMA);

        assertThat(id).isEqualTo(3);
        assertThat(server.received()).hasSize(2);
        assertThat(server.received().get(0).path()).isEqualTo("/apis/ccompat/v7/subjects/lab%20readings%2Fvalue");
        FakeRegistryServer.Received request = server.received().get(1);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/apis/ccompat/v7/subjects/lab%20readings%2Fvalue/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(new Schema.Parser()
                        .parse(new ObjectMapper()
                                .readTree(request.body())
                                .get("schema")
                                .asText()))
                .isEqualTo(SCHEMA);
    }

    @Test
    void shouldGiveUpNamingTheAttemptsWhenServerKeepsFailing() {
        server.answer(503, "{\"error_code\":50003,\"message\":\"backend down\"}");

        assertThatThrownBy(() -> client(RegistryConfig.of(server.url())).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.errorCode()).isEqualTo(50003);
                })
                .hasMessageContaining("fetch schema id 1")
                .hasMessageContaining("on all 4 attempt(s)")
                .hasMessageContaining("backend down");
        assertThat(server.received()).hasSize(4);
        assertThat(waits).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    }

    @Test
    void shouldNotRetryAndExplainWhenCredentialsAreRejected() {
        server.answer(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");

        assertThatThrownBy(() -> client(RegistryConfig.of(server.url())).register("t-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus())
                        .isEqualTo(401))
                .hasMessageContaining("authentication failed (HTTP 401)")
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining("error_code 40101: Unauthorized");
        assertThat(server.received()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldNotRetryAndQuoteTheRegistryWhenSchemaIsIncompatible() {
        server.answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}")
                .answer(200, "[1]")
                .answer(
                        200,
                        "{\"subject\":\"t-value\",\"version\":1,\"id\":1,"
                                + "\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}")
                .answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}")
                .answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");

        assertThatThrownBy(() -> client(RegistryConfig.of(server.url())).register("t-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("register schema t.R under subject 't-value'")
                .hasMessageContaining("incompatible with earlier versions")
                .hasMessageContaining("Schema being registered is incompatible");
        assertThat(server.received())
                .as("look-up, versions, version 1, register, then a look-up: is the schema there after all?")
                .extracting(r -> r.method() + " " + r.path().replace("/apis/ccompat/v7", ""))
                .containsExactly(
                        "POST /subjects/t-value",
                        "GET /subjects/t-value/versions",
                        "GET /subjects/t-value/versions/1",
                        "POST /subjects/t-value/versions",
                        "POST /subjects/t-value");
    }

    @Test
    void shouldAnswerTheIdWhenAConcurrentRegistrationWonTheRace() {
        server.answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");
        server.answer(409, "{\"error_code\":409,\"message\":\"An artifact with ID 't-value' already exists.\"}");
        server.answer(200, "{\"subject\":\"t-value\",\"version\":1,\"id\":7,\"schema\":\"{}\"}");

        assertThat(client(RegistryConfig.of(server.url())).register("t-value", SCHEMA))
                .isEqualTo(7);
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void shouldFindAVersionThatParsesToTheSchemaWhenTheRegistryComparesText() {
        String pretty = "{\n  \"type\": \"record\",\n  \"namespace\": \"t\",\n  \"name\": \"R\",\n"
                + "  \"fields\": [{\"name\": \"a\", \"type\": \"string\"}]\n}";
        String other =
                "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[{\"name\":\"b\",\"type\":\"int\"}]}";
        server.answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}")
                .answer(200, "[1,2]")
                .answer(200, versionAnswer(2, 12, other))
                .answer(200, versionAnswer(1, 11, pretty));
        ConfluentRegistryClient textComparing = client(RegistryConfig.of(server.url()));

        int id = textComparing.register("t-value", SCHEMA);

        assertThat(id).isEqualTo(11);
        assertThat(server.received())
                .extracting(r -> r.method() + " " + r.path().replace("/apis/ccompat/v7", ""))
                .as("newest version first; nothing registered")
                .containsExactly(
                        "POST /subjects/t-value",
                        "GET /subjects/t-value/versions",
                        "GET /subjects/t-value/versions/2",
                        "GET /subjects/t-value/versions/1");
        assertThat(textComparing.lookup("t-value", SCHEMA)).as("cached").isEqualTo(11);
        assertThat(server.received()).hasSize(4);
    }

    @Test
    void shouldResolveSchemaReferencesWhenFetchingById() {
        String record = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\","
                + "\"fields\":[{\"name\":\"s\",\"type\":\"t.Status\"},{\"name\":\"k\",\"type\":\"t.Kind\"}]}";
        String status = "{\"type\":\"enum\",\"name\":\"Status\",\"namespace\":\"t\",\"symbols\":[\"A\",\"UNKNOWN\"],"
                + "\"default\":\"UNKNOWN\"}";
        String kind = "{\"type\":\"enum\",\"name\":\"Kind\",\"namespace\":\"t\",\"symbols\":[\"X\",\"Y\"]}";
        server.answer(
                        200,
                        "{\"schema\":" + json(record) + ",\"references\":["
                                + "{\"name\":\"t.Status\",\"subject\":\"t.Status\",\"version\":3},"
                                + "{\"name\":\"t.Kind\",\"subject\":\"t.Kind\",\"version\":1}]}")
                .answer(200, versionAnswer(3, 21, status))
                .answer(200, versionAnswer(1, 22, kind));

        Schema schema = client(RegistryConfig.of(server.url())).schemaById(30);

        assertThat(schema.getField("s").schema().getEnumSymbols()).containsExactly("A", "UNKNOWN");
        assertThat(schema.getField("s").schema().getEnumDefault()).isEqualTo("UNKNOWN");
        assertThat(schema.getField("k").schema().getEnumSymbols()).containsExactly("X", "Y");
        assertThat(server.received())
                .extracting(r -> r.method() + " " + r.path().replace("/apis/ccompat/v7", ""))
                .containsExactly(
                        "GET /schemas/ids/30", "GET /subjects/t.Status/versions/3", "GET /subjects/t.Kind/versions/1");
    }

    @Test
    void shouldReadVersionAndIdWhenFetchingTheLatestVersion() {
        server.answer(200, versionAnswer(4, 17, SCHEMA.toString()));

        RegisteredSchema latest = client(RegistryConfig.of(server.url())).latest("t-value");

        assertThat(latest).isEqualTo(new RegisteredSchema("t-value", 4, 17, SCHEMA));
        assertThat(server.received().get(0).path()).isEqualTo("/apis/ccompat/v7/subjects/t-value/versions/latest");
    }

    private static String versionAnswer(int version, int id, String schema) {
        return "{\"subject\":\"t-value\",\"version\":" + version + ",\"id\":" + id + ",\"schema\":" + json(schema)
                + "}";
    }

    private static String json(String text) {
        return new ObjectMapper().valueToTree(text).toString();
    }

    @Test
    void shouldNameTheMissingThingWhenRegistryAnswers404() {
        server.answer(404, "{\"error_code\":40401,\"message\":\"Subject 'x-value' not found.\"}");

        assertThatThrownBy(() -> client(RegistryConfig.of(server.url())).lookup("x-value", SCHEMA))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.errorCode()).isEqualTo(40401);
                })
                .hasMessageContaining("subject not found (HTTP 404)");
    }

    @Test
    void shouldSendBasicAuthHeaderWhenUserInfoIsConfigured() {
        server.answer(200, "{\"id\":1}");

        client(RegistryConfig.of(server.url()).withBasicAuth("svc-streams:s3cr:et"))
                .register("t-value", SCHEMA);

        String expected =
                "Basic " + Base64.getEncoder().encodeToString("svc-streams:s3cr:et".getBytes(StandardCharsets.UTF_8));
        assertThat(server.received().get(0).authorization()).isEqualTo(expected);
    }

    @Test
    void shouldAnswerFromCacheWhenTheSameSchemaOrIdIsAskedAgain() {
        server.answer(200, "{\"id\":5,\"schema\":" + new ObjectMapper().valueToTree(SCHEMA.toString()) + "}");
        ConfluentRegistryClient cached = client(RegistryConfig.of(server.url()));

        cached.register("t-value", SCHEMA);
        cached.register("t-value", SCHEMA);
        cached.lookup("t-value", SCHEMA);
        Schema first = cached.schemaById(5);
        Schema second = cached.schemaById(5);

        assertThat(server.received()).hasSize(2);
        assertThat(first).isEqualTo(SCHEMA).isSameAs(second);
    }

    @Test
    void shouldRetryAndThenReportUnreachableWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RegistryConfig config =
                RegistryConfig.of("http://127.0.0.1:" + closedPort).withRetries(2, Duration.ofMillis(50));

        assertThatThrownBy(() -> client(config).schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus())
                        .isEqualTo(SchemaRegistryException.NO_ANSWER))
                .hasMessageContaining("unreachable after 3 attempt(s)");
        assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void shouldTreatASubjectWithoutVersionsAsCompatibleWhenTestingCompatibility() {
        server.answer(404, "{\"error_code\":40401,\"message\":\"Subject not found\"}");

        assertThat(client(RegistryConfig.of(server.url())).testCompatibility("new-value", SCHEMA))
                .isTrue();
    }

    @Test
    void shouldReadTheVerdictWhenTestingCompatibility() {
        server.answer(200, "{\"is_compatible\":false}");

        assertThat(client(RegistryConfig.of(server.url())).testCompatibility("t-value", SCHEMA))
                .isFalse();
        assertThat(server.received().get(0).path())
                .isEqualTo("/apis/ccompat/v7/compatibility/subjects/t-value/versions/latest");
    }

    @Test
    void shouldPutTheLevelWhenSettingCompatibility() {
        server.answer(200, "{\"compatibility\":\"FULL\"}");

        client(RegistryConfig.of(server.url())).setCompatibility("t-value", "full");

        FakeRegistryServer.Received request = server.received().get(0);
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.path()).isEqualTo("/apis/ccompat/v7/config/t-value");
        assertThat(request.body()).isEqualTo("{\"compatibility\":\"FULL\"}");
    }

    @Test
    void shouldCapTheBackoffWhenManyRetriesAreConfigured() {
        ConfluentRegistryClient patient =
                client(RegistryConfig.of(server.url()).withRetries(40, Duration.ofSeconds(1)));

        assertThat(patient.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(patient.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(patient.backoff(40)).isEqualTo(Duration.ofSeconds(30));
    }
}
