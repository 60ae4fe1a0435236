package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.biomarkerstreams.registry.WriterSchemaMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOptionsTest {

    @TempDir
    Path dir;

    @Test
    void shouldLetTheEnvironmentWinOverTheFileWhenBothSetAProperty() throws IOException {
        KafkaOptions options = new KafkaOptions();
        options.config = Files.writeString(
                dir.resolve("client.properties"), "security.protocol=SSL\nrequest.timeout.ms=30000\n");

        Map<String, String> props = options.clientProperties(Map.of(
                "BIOMARKER_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "BIOMARKER_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "BIOMARKER_BOOTSTRAP_SERVERS", "not-a-client-property:9092"));

        assertThat(props)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", "SCRAM-SHA-512",
                        "request.timeout.ms", "30000"));
    }

    @Test
    void shouldResolveASecretFromAMountedDirectoryWhenTheFileNamesTheProvider() throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("registry-user-info"), "svc:mounted");
        KafkaOptions options = new KafkaOptions();
        options.config = Files.writeString(
                dir.resolve("client.properties"),
                "config.providers=directory\n"
                        + "config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider\n"
                        + "basic.auth.user.info=${directory:" + secrets + ":registry-user-info}\n");

        assertThat(options.clientProperties(Map.of()))
                .containsExactly(Map.entry("basic.auth.user.info", "svc:mounted"));
    }

    @Test
    void shouldNameTheVariableWhenAnEnvironmentValueIsInvalid() {
        KafkaOptions options = new KafkaOptions();

        assertThatThrownBy(() -> options.clientProperties(Map.of("BIOMARKER_KAFKA_MAX_POLL_RECORDS", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BIOMARKER_KAFKA_MAX_POLL_RECORDS: max.poll.records:");
    }

    @Test
    void shouldWriteWithTheLatestVersionWhenTheConfigFileTurnsAutoRegistrationOffAndLatestOn() throws IOException {
        KafkaOptions options = new KafkaOptions();
        options.schemaRegistryUrl = "mock://kafka-options-test";
        options.config = Files.writeString(
                dir.resolve("client.properties"), "auto.register.schemas=false\nuse.latest.version=true\n");

        assertThat(options.serdes().mode()).isEqualTo(WriterSchemaMode.LATEST_VERSION);
    }

    @Test
    void shouldRefuseBothAutoRegistrationAndTheLatestVersionNamingBothProperties() throws IOException {
        KafkaOptions options = new KafkaOptions();
        options.schemaRegistryUrl = "mock://kafka-options-test";
        options.config = Files.writeString(dir.resolve("client.properties"), "use.latest.version=true\n");

        assertThatThrownBy(options::serdes)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("use.latest.version=true needs auto.register.schemas=false");
    }

    @Test
    void shouldNameTheOptionWhenTheConfigFileIsMissing() {
        KafkaOptions options = new KafkaOptions();
        options.config = dir.resolve("missing.properties");

        assertThatThrownBy(() -> options.clientProperties(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--config " + options.config + ": cannot read the file");
    }
}
