package org.biomarkerstreams.registry;

import java.util.Locale;
import java.util.Map;

/** Picks the {@link SchemaRegistry} implementation a URL asks for. */
public final class SchemaRegistries {

    /** URL scheme of the shared in-memory registries: {@code mock://<scope>}. */
    public static final String MOCK_SCHEME = "mock://";

    private SchemaRegistries() {}

    /**
     * {@code mock://<scope>} gives the shared {@link InMemorySchemaRegistry} of that scope; {@code http(s)://} a
     * {@link ConfluentRegistryClient} (which the caller should close when done).
     */
    public static SchemaRegistry forConfig(RegistryConfig config) {
        String url = config.url();
        if (url.toLowerCase(Locale.ROOT).startsWith(MOCK_SCHEME)) {
            String scope = url.substring(MOCK_SCHEME.length());
            if (scope.isEmpty()) {
                throw new IllegalArgumentException(RegistryConfig.URL + "=" + url + " needs a scope: mock://<scope>");
            }
            return InMemorySchemaRegistry.scope(scope);
        }
        return new ConfluentRegistryClient(config);
    }

    /** {@link #forConfig} of {@link RegistryConfig#fromProperties(Map) Kafka-style properties}. */
    public static SchemaRegistry fromProperties(Map<String, ?> props) {
        return forConfig(RegistryConfig.fromProperties(props));
    }
}
