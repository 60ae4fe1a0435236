package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {

    private static final String STORE_PASSWORD = "changeit-test";

    @TempDir
    Path dir;

    @Test
    void shouldUseDocumentedDefaultsWhenBuiltFromAUrl() {
        RegistryConfig config = RegistryConfig.of("http://registry:8081/");

        assertThat(config.url()).isEqualTo("http://registry:8081");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxRetries()).isEqualTo(3);
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.basicAuthUserInfo()).isEmpty();
        assertThat(config.sslContext()).isEmpty();
    }

    @Test
    void shouldReadKafkaStylePropertiesWhenGiven() {
        RegistryConfig config = RegistryConfig.fromProperties(Map.of(
                "schema.registry.url", "http://a:8081,http://b:8081",
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", new Password("svc:pw"),
                "http.read.timeout.ms", "2500",
                "max.retries", 5,
                "retries.wait.ms", "50"));

        assertThat(config.url()).isEqualTo("http://a:8081");
        assertThat(config.basicAuthUserInfo()).contains("svc:pw");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.maxRetries()).isEqualTo(5);
        assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void shouldNameThePropertyWhenUrlIsMissingOrANumberIsWrong() {
        assertThatThrownBy(() -> RegistryConfig.fromProperties(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() ->
                        RegistryConfig.fromProperties(Map.of("schema.registry.url", "http://a", "max.retries", "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max.retries");
        assertThatThrownBy(() -> RegistryConfig.of("http://a").withBasicAuth("no-colon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user:password");
    }

    @Test
    void shouldResolveConfigProviderReferencesWhenGivenTheKafkaWay() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("registry-user-info"), "svc:from-a-mounted-secret");
        Map<String, Object> props = Map.of(
                "schema.registry.url", "http://a",
                "config.providers", "directory",
                "config.providers.directory.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "basic.auth.user.info", "${directory:" + secrets + ":registry-user-info}");

        RegistryConfig config = RegistryConfig.fromProperties(props);

        assertThat(config.basicAuthUserInfo()).contains("svc:from-a-mounted-secret");
    }

    @Test
    void shouldRefuseAnUnresolvedReferenceRatherThanSendItAsThePassword() {
        Map<String, Object> props = Map.of(
                "schema.registry.url", "http://a", "basic.auth.user.info", "${file:/etc/secrets/r.properties:info}");

        assertThatThrownBy(() -> RegistryConfig.fromProperties(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("basic.auth.user.info")
                .hasMessageContaining("config.providers");
    }

    @Test
    void shouldHideThePasswordWhenPrinted() {
        RegistryConfig config = RegistryConfig.of("http://a").withBasicAuth("svc:very-secret");

        assertThat(config.toString()).contains("svc:*****").doesNotContain("very-secret");
    }

    @Test
    void shouldNameTheStoreWhenTruststoreCannotBeRead() {
        Map<String, Object> props = Map.of(
                "schema.registry.url",
                "https://a",
                "schema.registry.ssl.truststore.location",
                dir.resolve("missing.jks").toString());

        assertThatThrownBy(() -> RegistryConfig.fromProperties(props))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.registry.ssl.truststore.location")
                .hasMessageContaining("missing.jks");
    }

    @Test
    void shouldTalkTlsToARegistryWhenTruststoreTrustsItsCertificate() throws Exception {
        Path keyStore = generateServerKeyStore();
        Path trustStore = trustStoreOf(keyStore);
        HttpsServer server = httpsServer(keyStore);
        try {
            Map<String, Object> props = new HashMap<>();
            props.put(
                    "schema.registry.url",
                    "https://127.0.0.1:" + server.getAddress().getPort());
            props.put("schema.registry.ssl.truststore.location", trustStore.toString());
            props.put("schema.registry.ssl.truststore.password", STORE_PASSWORD);
            props.put("schema.registry.ssl.truststore.type", "PKCS12");
            props.put("max.retries", "0");
            RegistryConfig config = RegistryConfig.fromProperties(props);

            try (ConfluentRegistryClient client = new ConfluentRegistryClient(config)) {
                assertThat(client.register("t-value", Schema.create(Schema.Type.STRING)))
                        .isEqualTo(11);
            }
            try (ConfluentRegistryClient untrusting =
                    new ConfluentRegistryClient(RegistryConfig.of(config.url()).withRetries(0, Duration.ZERO))) {
                assertThatThrownBy(() -> untrusting.register("t-value", Schema.create(Schema.Type.STRING)))
                        .isInstanceOf(SchemaRegistryException.class)
                        .hasMessageContaining("unreachable");
            }
        } finally {
            server.stop(0);
        }
    }

    private Path generateServerKeyStore() throws IOException, InterruptedException {
        Path keyStore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "registry",
                        "-keyalg",
                        "EC",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=ip:127.0.0.1,dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass",
                        STORE_PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        return keyStore;
    }

    private Path trustStoreOf(Path keyStorePath) throws IOException, GeneralSecurityException {
        KeyStore keyStore = load(keyStorePath);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("registry", keyStore.getCertificate("registry"));
        Path path = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(path)) {
            trustStore.store(out, STORE_PASSWORD.toCharArray());
        }
        return path;
    }

    private static HttpsServer httpsServer(Path keyStorePath) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStorePath), STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{\"id\":11}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }

    private static KeyStore load(Path path) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return store;
    }
}
