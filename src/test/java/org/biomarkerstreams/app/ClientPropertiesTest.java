package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.biomarkerstreams.app.ClientProperties.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPropertiesTest {

    private static final String FILE_ORIGIN = "--config /etc/app/client.properties";

    @TempDir
    Path dir;

    @Test
    void shouldResolveDirectoryAndFileReferencesWhenProvidersAreConfigured() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("password"), "s3cret-from-a-mount");
        Path registry = Files.writeString(dir.resolve("registry.properties"), "userInfo=svc:reg-pw\n");
        Map<String, Setting> settings = fromFile(
                "config.providers",
                "directory,file",
                "config.providers.directory.class",
                DirectoryConfigProvider.class.getName(),
                "config.providers.file.class",
                FileConfigProvider.class.getName(),
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\" password=\"${directory:"
                        + secrets + ":password}\";",
                "basic.auth.user.info",
                "${file:" + registry + ":userInfo}",
                "security.protocol",
                "SASL_SSL");

        Map<String, String> resolved = ClientProperties.resolve(settings);

        assertThat(resolved)
                .containsEntry(
                        "sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"app\""
                                + " password=\"s3cret-from-a-mount\";")
                .containsEntry("basic.auth.user.info", "svc:reg-pw")
                .containsEntry("security.protocol", "SASL_SSL")
                .doesNotContainKeys("config.providers", "config.providers.directory.class");
    }

    @Test
    void shouldResolveAnEnvironmentReferenceWhenTheEnvProviderIsConfigured() {
        String variable = System.getenv().keySet().stream().sorted().findFirst().orElseThrow();
        Map<String, Setting> settings = fromFile(
                "config.providers",
                "env",
                "config.providers.env.class",
                EnvVarConfigProvider.class.getName(),
                "client.id",
                "${env:" + variable + "}");

        assertThat(ClientProperties.resolve(settings)).containsEntry("client.id", System.getenv(variable));
    }

    @Test
    void shouldNameOriginAndPropertyWhenReferencedFileIsMissing() {
        Map<String, Setting> settings = new LinkedHashMap<>(fromFile(
                "config.providers", "file", "config.providers.file.class", FileConfigProvider.class.getName()));
        settings.put(
                "ssl.truststore.password",
                new Setting(
                        "${file:" + dir.resolve("nope.properties") + ":pw}",
                        "BIOMARKER_KAFKA_SSL_TRUSTSTORE_PASSWORD"));

        assertThatThrownBy(() -> ClientProperties.resolve(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BIOMARKER_KAFKA_SSL_TRUSTSTORE_PASSWORD: ssl.truststore.password:")
                .hasMessageContaining("nope.properties");
    }

    @Test
    void shouldNameTheReferenceWhenTheProviderFindsNoSuchKey() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Map<String, Setting> settings = fromFile(
                "config.providers",
                "directory",
                "config.providers.directory.class",
                DirectoryConfigProvider.class.getName(),
                "ssl.key.password",
                "${directory:" + secrets + ":key-password}");

        assertThatThrownBy(() -> ClientProperties.resolve(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(FILE_ORIGIN + ": ssl.key.password: cannot resolve ${directory:")
                .hasMessageContaining("found no value");
    }

    @Test
    void shouldSayWhichProviderIsMissingWhenAReferenceNamesAnUnconfiguredOne() {
        Map<String, Setting> settings = fromFile("sasl.jaas.config", "${directory:/etc/secrets:jaas}");

        assertThatThrownBy(() -> ClientProperties.resolve(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sasl.jaas.config")
                .hasMessageContaining("'directory' is not listed in config.providers");
    }

    @Test
    void shouldNameTheProviderWhenItsClassIsMissing() {
        Map<String, Setting> settings = fromFile("config.providers", "file", "ssl.key.password", "${file:/x:y}");

        assertThatThrownBy(() -> ClientProperties.resolve(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config.providers.file.class is not set");
    }

    @Test
    void shouldNameTheVariableWhenAKafkaValueIsInvalid() {
        Map<String, Setting> settings =
                Map.of("security.protocol", new Setting("SASL_SSLL", "BIOMARKER_KAFKA_SECURITY_PROTOCOL"));

        assertThatThrownBy(() -> ClientProperties.resolve(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BIOMARKER_KAFKA_SECURITY_PROTOCOL: security.protocol:")
                .hasMessageContaining("SASL_SSLL");
    }

    @Test
    void shouldPassOnAValueThatKafkaStreamsAcceptsThoughTheConsumerDefinitionRefusesIt() {
        // Kafka Streams' rebalance protocol; the consumer's group.protocol knows only classic and consumer.
        assertThat(ClientProperties.resolve(fromFile("group.protocol", "streams")))
                .containsEntry("group.protocol", "streams");
        assertThatThrownBy(() -> ClientProperties.resolve(fromFile("group.protocol", "stream")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(FILE_ORIGIN + ": group.protocol:");
    }

    @Test
    void shouldNameTheOptionWhenANumberIsNotANumber() {
        assertThatThrownBy(() -> ClientProperties.resolve(fromFile("request.timeout.ms", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(FILE_ORIGIN + ": request.timeout.ms:");
    }

    @Test
    void shouldTreatPasswordsJaasUserInfoKeysAndKafkaPasswordTypesAsSecretWhenDecidingWhatToHide() {
        assertThat(ClientProperties.isSecret("sasl.jaas.config")).isTrue();
        assertThat(ClientProperties.isSecret("ssl.keystore.password")).isTrue();
        assertThat(ClientProperties.isSecret("schema.registry.ssl.key.password"))
                .isTrue();
        assertThat(ClientProperties.isSecret("basic.auth.user.info")).isTrue();
        assertThat(ClientProperties.isSecret("sasl.oauthbearer.client.credentials.client.secret"))
                .isTrue();
        assertThat(ClientProperties.isSecret("ssl.keystore.key")).isTrue();
        // A PASSWORD in Kafka's definition, though its name says nothing.
        assertThat(ClientProperties.isSecret("ssl.truststore.certificates")).isTrue();

        assertThat(ClientProperties.isSecret("ssl.keystore.location")).isFalse();
        assertThat(ClientProperties.isSecret("key.serializer")).isFalse();
        assertThat(ClientProperties.isSecret("sasl.mechanism")).isFalse();
        assertThat(ClientProperties.isSecret("security.protocol")).isFalse();
    }

    @Test
    void shouldHideSecretValuesButShowReferencesWhenMasked() {
        Map<String, Setting> settings = fromFile(
                "sasl.jaas.config", "ScramLoginModule required username=\"app\" password=\"pw-inline\";",
                "ssl.truststore.password", "${directory:/etc/secrets:truststore.password}",
                "basic.auth.user.info", "svc:pw-registry",
                "security.protocol", "SASL_SSL");

        String masked = ClientProperties.masked(settings);

        assertThat(masked)
                .isEqualTo("{basic.auth.user.info=[hidden], sasl.jaas.config=[hidden], security.protocol=SASL_SSL,"
                        + " ssl.truststore.password=${directory:/etc/secrets:truststore.password}}");
    }

    private static Map<String, Setting> fromFile(String... keyValues) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], new Setting(keyValues[i + 1], FILE_ORIGIN));
        }
        return settings;
    }
}
