package org.biomarkerstreams.app;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.WriterSchemaMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka client properties as an operator gives them (a {@code --config} file, {@code BIOMARKER_KAFKA_*} variables),
 * turned into the plain values every client of this application gets.
 *
 * <p>Secrets can stay out of both: with Kafka's config providers ({@code config.providers=file,directory,env}) a
 * value such as {@code ${directory:/etc/secrets:password}} is read at start-up from a mounted file. The references
 * are resolved here once, with Kafka's own {@link ConfigTransformer} and providers, so that our own readers of the
 * properties (the schema registry client) see the same values as the Kafka clients; the {@code config.providers*}
 * keys are not passed on.
 *
 * <p>What is logged hides secrets: see {@link #isSecret(String)}.
 */
public final class ClientProperties {

    private static final Logger log = LoggerFactory.getLogger(ClientProperties.class);

    /** What a hidden value is logged as (Kafka's own marker for PASSWORD configs). */
    public static final String HIDDEN = "[hidden]";

    static final String PROVIDERS = AbstractConfig.CONFIG_PROVIDERS_CONFIG;

    private static final List<ConfigDef> KAFKA_DEFS = List.of(
            ProducerConfig.configDef(),
            ConsumerConfig.configDef(),
            AdminClientConfig.configDef(),
            StreamsConfig.configDef());

    /** Kafka Streams passes these on to one of its clients or to its internal topics. */
    private static final List<String> STREAMS_PREFIXES = List.of(
            StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX,
            StreamsConfig.TOPIC_PREFIX);

    private static final Set<String> REGISTRY_KEYS = Set.of(
            RegistryConfig.URL,
            RegistryConfig.BASIC_AUTH_USER_INFO,
            "schema.registry." + RegistryConfig.BASIC_AUTH_USER_INFO,
            RegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
            RegistryConfig.REQUEST_TIMEOUT_MS,
            RegistryConfig.MAX_RETRIES,
            RegistryConfig.RETRY_BACKOFF_MS,
            WriterSchemaMode.AUTO_REGISTER_SCHEMAS,
            WriterSchemaMode.USE_LATEST_VERSION);

    private ClientProperties() {}

    /**
     * One property as given.
     *
     * @param origin where it came from, for messages: {@code --config /etc/app/client.properties} or {@code
     *     BIOMARKER_KAFKA_SASL_JAAS_CONFIG}
     */
    public record Setting(String value, String origin) {}

    /**
     * Resolves config-provider references, checks every value a Kafka client or Kafka Streams defines against its
     * definition, and logs the properties with secrets hidden.
     *
     * @return the resolved properties, without the {@code config.providers*} keys
     * @throws IllegalArgumentException naming the origin and the property of the first value that cannot be
     *     resolved or is invalid; it never quotes a secret value
     */
    public static Map<String, String> resolve(Map<String, Setting> settings) {
        Map<String, String> resolved = new TreeMap<>();
        try (Providers providers = Providers.configure(settings)) {
            ConfigTransformer transformer = new ConfigTransformer(providers.byName);
            settings.forEach((key, setting) -> {
                if (isProviderKey(key)) {
                    return;
                }
                String value = resolveOne(transformer, providers, key, setting);
                validate(key, value, setting.origin());
                resolved.put(key, value);
            });
        }
        warnAboutUnknown(settings);
        if (!settings.isEmpty()) {
            log.info("Kafka client properties (secrets hidden): {}", masked(settings));
        }
        return Collections.unmodifiableMap(resolved);
    }

    /**
     * Whether a property holds a secret, so that its value is never logged: the key contains {@code password},
     * {@code secret}, {@code jaas} or {@code user.info}, or its last part is {@code key} (such as {@code
     * ssl.keystore.key}), or Kafka defines it as a PASSWORD (such as {@code ssl.truststore.certificates}).
     */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.contains("password")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("user.info")
                || k.equals("key")
                || k.endsWith(".key")) {
            return true;
        }
        for (ConfigDef def : KAFKA_DEFS) {
            ConfigDef.ConfigKey definition = def.configKeys().get(key);
            if (definition != null && definition.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        return false;
    }

    /**
     * The properties as they may be logged: {@code key=value} in key order, a secret's value as {@value #HIDDEN}. A
     * value that only refers to a config provider ({@code ${file:/path:key}}) names no secret and is shown as given.
     */
    public static String masked(Map<String, Setting> settings) {
        return new TreeMap<>(settings)
                .entrySet().stream()
                        .map(e -> e.getKey() + "="
                                + maskedValue(e.getKey(), e.getValue().value()))
                        .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String maskedValue(String key, String value) {
        if (!isSecret(key)) {
            return value;
        }
        return ConfigTransformer.DEFAULT_PATTERN.matcher(value).replaceAll("").isBlank() && !value.isBlank()
                ? value
                : HIDDEN;
    }

    private static String resolveOne(ConfigTransformer transformer, Providers providers, String key, Setting setting) {
        String value = setting.value();
        if (!ConfigTransformer.DEFAULT_PATTERN.matcher(value).find()) {
            return value;
        }
        String result;
        try {
            result = transformer.transform(Map.of(key, value)).data().get(key);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    setting.origin() + ": " + key + ": cannot resolve its config provider reference: "
                            + hide(e.getMessage(), value),
                    e);
        }
        // ConfigTransformer leaves a reference it cannot resolve as it is, which Kafka would then send as the
        // password: say so now rather than as an authentication failure later.
        Matcher left = ConfigTransformer.DEFAULT_PATTERN.matcher(result);
        if (left.find()) {
            String provider = left.group(1);
            String why = providers.byName.containsKey(provider)
                    ? "provider '" + provider + "' found no value for it (is the file there, does it have that key?)"
                    : "'" + provider + "' is not listed in " + PROVIDERS + " (" + providers.origin + ")";
            throw new IllegalArgumentException(
                    setting.origin() + ": " + key + ": cannot resolve " + left.group() + ": " + why);
        }
        return result;
    }

    /**
     * Refuses a value that no Kafka definition of {@code key} accepts. One that some accept is passed on: {@code
     * group.protocol=streams} is Kafka Streams' (its rebalance protocol) although the consumer's own {@code
     * group.protocol} knows only {@code classic} and {@code consumer}, and Kafka Streams sets the consumer's itself.
     */
    private static void validate(String key, String value, String origin) {
        ConfigException refused = null;
        for (ConfigDef def : KAFKA_DEFS) {
            ConfigDef.ConfigKey definition = def.configKeys().get(key);
            if (definition == null) {
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(key, value, definition.type);
                if (definition.validator != null) {
                    definition.validator.ensureValid(key, parsed);
                }
                return;
            } catch (ConfigException e) {
                refused = refused == null ? e : refused;
            }
        }
        if (refused != null) {
            throw new IllegalArgumentException(
                    origin + ": " + key + ": "
                            + (isSecret(key) ? hide(refused.getMessage(), value) : refused.getMessage()),
                    refused);
        }
    }

    private static void warnAboutUnknown(Map<String, Setting> settings) {
        settings.forEach((key, setting) -> {
            boolean known = isProviderKey(key)
                    || REGISTRY_KEYS.contains(key)
                    || key.startsWith(RegistryConfig.SSL_PREFIX)
                    || STREAMS_PREFIXES.stream().anyMatch(key::startsWith)
                    || KAFKA_DEFS.stream().anyMatch(def -> def.configKeys().containsKey(key));
            if (!known) {
                log.warn(
                        "{}: {} is not a Kafka client, Kafka Streams or schema registry property; passed on, but"
                                + " probably ignored (a typo?)",
                        setting.origin(),
                        key);
            }
        });
    }

    private static boolean isProviderKey(String key) {
        return key.equals(PROVIDERS) || key.startsWith(PROVIDERS + ".");
    }

    /** A provider's or Kafka's message may quote the value; a secret one is replaced by {@value #HIDDEN}. */
    private static String hide(String message, String value) {
        if (message == null) {
            return "";
        }
        return value == null || value.isEmpty() ? message : message.replace(value, HIDDEN);
    }

    /** The config providers named by {@code config.providers}, configured as Kafka clients configure them. */
    private static final class Providers implements AutoCloseable {
        final Map<String, ConfigProvider> byName;
        final String origin;

        private Providers(Map<String, ConfigProvider> byName, String origin) {
            this.byName = byName;
            this.origin = origin;
        }

        static Providers configure(Map<String, Setting> settings) {
            Setting names = settings.get(PROVIDERS);
            if (names == null || names.value().isBlank()) {
                return new Providers(Map.of(), "not set");
            }
            Set<String> allowed = automaticallyAllowed();
            Map<String, ConfigProvider> byName = new LinkedHashMap<>();
            try {
                for (String name : names.value().split(",", -1)) {
                    name = name.strip();
                    if (name.isEmpty()) {
                        continue;
                    }
                    String classKey = PROVIDERS + "." + name + ".class";
                    Setting className = settings.get(classKey);
                    if (className == null || className.value().isBlank()) {
                        throw new IllegalArgumentException(names.origin() + ": " + PROVIDERS + " lists '" + name
                                + "' but " + classKey + " is not set (e.g. "
                                + org.apache.kafka.common.config.provider.FileConfigProvider.class.getName() + ")");
                    }
                    String klass = className.value().strip();
                    if (allowed != null && !allowed.contains(klass)) {
                        throw new IllegalArgumentException(className.origin() + ": " + classKey + "=" + klass
                                + " is not allowed by the system property "
                                + AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY);
                    }
                    byName.put(name, instantiate(name, klass, className.origin(), params(settings, name)));
                }
            } catch (RuntimeException e) {
                new Providers(byName, "").close();
                throw e;
            }
            return new Providers(byName, names.origin());
        }

        private static ConfigProvider instantiate(
                String name, String klass, String origin, Map<String, String> params) {
            try {
                ConfigProvider provider = Class.forName(klass)
                        .asSubclass(ConfigProvider.class)
                        .getDeclaredConstructor()
                        .newInstance();
                provider.configure(params);
                return provider;
            } catch (ReflectiveOperationException | ClassCastException | ConfigException e) {
                throw new IllegalArgumentException(
                        origin + ": " + PROVIDERS + "." + name + ".class=" + klass + " is not a usable ConfigProvider: "
                                + e,
                        e);
            }
        }

        private static Map<String, String> params(Map<String, Setting> settings, String name) {
            String prefix = PROVIDERS + "." + name + ".param.";
            Map<String, String> params = new HashMap<>();
            settings.forEach((key, setting) -> {
                if (key.startsWith(prefix)) {
                    params.put(key.substring(prefix.length()), setting.value());
                }
            });
            return params;
        }

        /** Kafka clients refuse other providers when this system property is set; so do we. */
        private static Set<String> automaticallyAllowed() {
            String property = System.getProperty(AbstractConfig.AUTOMATIC_CONFIG_PROVIDERS_PROPERTY);
            if (property == null) {
                return null;
            }
            return Arrays.stream(property.split(",", -1)).map(String::strip).collect(Collectors.toSet());
        }

        @Override
        public void close() {
            for (ConfigProvider provider : byName.values()) {
                try {
                    provider.close();
                } catch (IOException e) {
                    log.warn(
                            "Could not close config provider {}: {}",
                            provider.getClass().getName(),
                            e.toString());
                }
            }
        }
    }
}
