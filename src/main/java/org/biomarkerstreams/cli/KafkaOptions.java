package org.biomarkerstreams.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.biomarkerstreams.app.ClientProperties;
import org.biomarkerstreams.app.ClusterProbe;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistries;
import org.biomarkerstreams.registry.SchemaRegistry;
import org.biomarkerstreams.registry.WriterSchemaMode;
import org.biomarkerstreams.streams.AvroSerdes;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and the schema registry are, and any client property for them. */
final class KafkaOptions {

    static final String KAFKA_ENV_PREFIX = "BIOMARKER_KAFKA_";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster to use. Env: BIOMARKER_BOOTSTRAP_SERVERS.")
    String bootstrapServers;

    @Option(
            names = "--schema-registry-url",
            paramLabel = "URL",
            description = "Confluent-compatible schema registry (http(s)://..., or mock://NAME for an in-process one)."
                    + " Env: BIOMARKER_SCHEMA_REGISTRY_URL.")
    String schemaRegistryUrl;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with any Kafka client/Streams property (security.protocol, sasl.*, ssl.*,"
                    + " ...) and registry settings (basic.auth.user.info, schema.registry.ssl.*). Also from env vars"
                    + " BIOMARKER_KAFKA_<PROPERTY> (dots as underscores, e.g. BIOMARKER_KAFKA_SECURITY_PROTOCOL)."
                    + " Secrets can come from files through Kafka's config providers (config.providers=file,directory;"
                    + " see README, Security). Env: BIOMARKER_CONFIG.")
    Path config;

    /** Resolved once per command: config providers may read files, and the masked properties are logged once. */
    private Map<String, String> resolved;

    /**
     * Client properties: the file first, then BIOMARKER_KAFKA_* variables on top; config-provider references
     * ({@code ${file:...}}, {@code ${directory:...}}, {@code ${env:...}}) resolved.
     *
     * @throws IllegalArgumentException naming the option or variable of a value that is unreadable or invalid
     */
    Map<String, String> clientProperties() {
        if (resolved == null) {
            resolved = clientProperties(System.getenv());
        }
        return resolved;
    }

    Map<String, String> clientProperties(Map<String, String> env) {
        Map<String, ClientProperties.Setting> props = new TreeMap<>();
        if (config != null) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--config " + config + ": cannot read the file: " + e.getMessage(), e);
            }
            String origin = "--config " + config;
            file.stringPropertyNames()
                    .forEach(k -> props.put(k, new ClientProperties.Setting(file.getProperty(k), origin)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith(KAFKA_ENV_PREFIX) && k.length() > KAFKA_ENV_PREFIX.length()) {
                props.put(
                        k.substring(KAFKA_ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        new ClientProperties.Setting(v, k));
            }
        });
        return ClientProperties.resolve(props);
    }

    boolean hasCluster() {
        return bootstrapServers != null && !bootstrapServers.isBlank();
    }

    String requireBootstrapServers() {
        if (!hasCluster()) {
            throw new IllegalArgumentException("--bootstrap-servers is required (or BIOMARKER_BOOTSTRAP_SERVERS)");
        }
        return bootstrapServers;
    }

    SchemaRegistry registry() {
        return SchemaRegistries.forConfig(registryConfig());
    }

    RegistryConfig registryConfig() {
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("--schema-registry-url is required (or BIOMARKER_SCHEMA_REGISTRY_URL)");
        }
        Map<String, Object> props = new TreeMap<>(clientProperties());
        props.put("schema.registry.url", schemaRegistryUrl);
        return RegistryConfig.fromProperties(props);
    }

    /**
     * Fails within {@link ClusterProbe#BUDGET} when the cluster or the registry (unless in-process) cannot be
     * reached, naming the address and why.
     */
    void probe() {
        RegistryConfig registry = registryConfig();
        ClusterProbe.check(
                requireBootstrapServers(),
                clientProperties(),
                registry.url().toLowerCase(Locale.ROOT).startsWith(SchemaRegistries.MOCK_SCHEME)
                        ? Optional.empty()
                        : Optional.of(registry));
    }

    /**
     * Serdes on {@link #registry()} that find their schema ids as the client properties {@code auto.register.schemas}
     * and {@code use.latest.version} ask (Confluent's serializer properties).
     */
    AvroSerdes serdes() {
        WriterSchemaMode mode = WriterSchemaMode.fromProperties(clientProperties());
        return new AvroSerdes(registry(), mode);
    }
}
