package org.biomarkerstreams.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;

/**
 * How to reach a Confluent-compatible schema registry.
 *
 * @param url base URL such as {@code https://registry:8081} or {@code http://host/apis/ccompat/v7}; {@code mock://scope}
 *     selects a shared in-memory registry (see {@link SchemaRegistries})
 * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication
 * @param sslContext TLS trust and client keys for {@code https} URLs; the JVM default when empty
 * @param requestTimeout time limit of one HTTP request (also used as the connect timeout)
 * @param maxRetries retries after the first attempt, on I/O errors and 408, 429 and 5xx answers only
 * @param initialBackoff wait before the first retry; doubles for each further retry
 */
public record RegistryConfig(
        String url,
        Optional<String> basicAuthUserInfo,
        Optional<SSLContext> sslContext,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String REQUEST_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retries.wait.ms";

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_RETRIES = 3;
    static final Duration DEFAULT_BACKOFF = Duration.ofMillis(200);

    public RegistryConfig {
        Objects.requireNonNull(url, "url");
        url = url.strip();
        if (url.isEmpty()) {
            throw new IllegalArgumentException(URL + " must not be empty");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        basicAuthUserInfo = basicAuthUserInfo.filter(s -> !s.isBlank());
        basicAuthUserInfo.ifPresent(info -> {
            if (!info.contains(":")) {
                throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must have the form user:password");
            }
        });
        Objects.requireNonNull(sslContext, "sslContext");
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must be >= 0, was " + initialBackoff);
        }
    }

    /** A config with defaults: no auth, JVM TLS defaults, 10 s timeout, 3 retries, 200 ms backoff doubling. */
    public static RegistryConfig of(String url) {
        return new RegistryConfig(
                url, Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_BACKOFF);
    }

    /**
     * Builds a config from Kafka-style serde properties: {@code schema.registry.url}, {@code basic.auth.user.info}
     * (or {@code schema.registry.basic.auth.user.info}), {@code schema.registry.ssl.truststore.location/.password/.type},
     * {@code schema.registry.ssl.keystore.location/.password/.type}, {@code schema.registry.ssl.key.password}, and
     * optionally {@code http.read.timeout.ms}, {@code max.retries}, {@code retries.wait.ms}.
     *
     * <p>Of a comma-separated URL list only the first URL is used.
     *
     * <p>Values may refer to Kafka config providers ({@code config.providers=file} with {@code
     * basic.auth.user.info=${file:/etc/secrets/registry.properties:userInfo}}): they are resolved with Kafka's own
     * providers, as a Kafka client resolves its properties.
     *
     * @throws IllegalArgumentException naming the property that is missing or wrong
     */
    public static RegistryConfig fromProperties(Map<String, ?> given) {
        Map<String, ?> props = resolveConfigProviders(given);
        String urls =
                string(props, URL).orElseThrow(() -> new IllegalArgumentException("Missing required property " + URL));
        String url = urls.split(",", -1)[0].strip();
        String source = string(props, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("USER_INFO");
        if (!source.equalsIgnoreCase("USER_INFO")) {
            throw new IllegalArgumentException(
                    BASIC_AUTH_CREDENTIALS_SOURCE + "=" + source + " is not supported; use USER_INFO");
        }
        Optional<String> userInfo =
                string(props, BASIC_AUTH_USER_INFO).or(() -> string(props, "schema.registry." + BASIC_AUTH_USER_INFO));
        return new RegistryConfig(
                url,
                userInfo,
                sslContext(props),
                string(props, REQUEST_TIMEOUT_MS)
                        .map(v -> Duration.ofMillis(parseLong(REQUEST_TIMEOUT_MS, v)))
                        .orElse(DEFAULT_TIMEOUT),
                string(props, MAX_RETRIES)
                        .map(v -> (int) parseLong(MAX_RETRIES, v))
                        .orElse(DEFAULT_MAX_RETRIES),
                string(props, RETRY_BACKOFF_MS)
                        .map(v -> Duration.ofMillis(parseLong(RETRY_BACKOFF_MS, v)))
                        .orElse(DEFAULT_BACKOFF));
    }

    /** This config with basic-auth credentials {@code user:password}. */
    public RegistryConfig withBasicAuth(String userInfo) {
        return new RegistryConfig(url, Optional.of(userInfo), sslContext, requestTimeout, maxRetries, initialBackoff);
    }

    /** This config with another retry policy. */
    public RegistryConfig withRetries(int maxRetries, Duration initialBackoff) {
        return new RegistryConfig(url, basicAuthUserInfo, sslContext, requestTimeout, maxRetries, initialBackoff);
    }

    /** This config with another request timeout. */
    public RegistryConfig withRequestTimeout(Duration requestTimeout) {
        return new RegistryConfig(url, basicAuthUserInfo, sslContext, requestTimeout, maxRetries, initialBackoff);
    }

    /** This config with a TLS context for {@code https} URLs. */
    public RegistryConfig withSslContext(SSLContext sslContext) {
        return new RegistryConfig(
                url, basicAuthUserInfo, Optional.of(sslContext), requestTimeout, maxRetries, initialBackoff);
    }

    /** Masks the password so configs can be logged. */
    @Override
    public String toString() {
        return "RegistryConfig[url=" + url
                + ", basicAuthUserInfo=" + basicAuthUserInfo.map(u -> u.substring(0, u.indexOf(':')) + ":*****")
                + ", sslContext=" + sslContext.map(c -> c.getProtocol()).orElse("default")
                + ", requestTimeout=" + requestTimeout
                + ", maxRetries=" + maxRetries
                + ", initialBackoff=" + initialBackoff + "]";
    }

    private static Map<String, ?> resolveConfigProviders(Map<String, ?> props) {
        if (!props.containsKey(AbstractConfig.CONFIG_PROVIDERS_CONFIG)) {
            return props;
        }
        try {
            // An empty ConfigDef: only the originals matter, with their ${provider:path:key} references resolved.
            return new AbstractConfig(new ConfigDef(), props, Map.of(), false).originals();
        } catch (ConfigException e) {
            throw new IllegalArgumentException("Cannot resolve the config provider references: " + e.getMessage(), e);
        }
    }

    private static Optional<SSLContext> sslContext(Map<String, ?> props) {
        Optional<String> trustLocation = string(props, SSL_PREFIX + "truststore.location");
        Optional<String> keyLocation = string(props, SSL_PREFIX + "keystore.location");
        if (trustLocation.isEmpty() && keyLocation.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManager[] trustManagers = null;
            if (trustLocation.isPresent()) {
                KeyStore trustStore = loadStore(props, "truststore", trustLocation.get());
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trustStore);
                trustManagers = tmf.getTrustManagers();
            }
            KeyManager[] keyManagers = null;
            if (keyLocation.isPresent()) {
                KeyStore keyStore = loadStore(props, "keystore", keyLocation.get());
                char[] keyPassword = string(props, SSL_PREFIX + "key.password")
                        .or(() -> string(props, SSL_PREFIX + "keystore.password"))
                        .map(String::toCharArray)
                        .orElse(new char[0]);
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, keyPassword);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManagers, null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Cannot build TLS context from " + SSL_PREFIX + "* properties: " + e.getMessage(), e);
        }
    }

    private static KeyStore loadStore(Map<String, ?> props, String kind, String location)
            throws GeneralSecurityException {
        String prefix = SSL_PREFIX + kind;
        String type = string(props, prefix + ".type").orElse("JKS");
        char[] password =
                string(props, prefix + ".password").map(String::toCharArray).orElse(null);
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot read " + prefix + ".location=" + location + " as " + type + ": " + e.getMessage(), e);
        }
        return store;
    }

    private static Optional<String> string(Map<String, ?> props, String key) {
        Object value = props.get(key);
        if (value == null) {
            return Optional.empty();
        }
        // Kafka's ConfigDef turns PASSWORD values into org.apache.kafka.common.config.types.Password.
        String text = value instanceof org.apache.kafka.common.config.types.Password p ? p.value() : value.toString();
        Matcher reference = ConfigTransformer.DEFAULT_PATTERN.matcher(text);
        if (reference.find()) {
            // Left unresolved: the provider is not configured, or found nothing. Never send the reference as a secret.
            throw new IllegalArgumentException(key + " refers to " + reference.group()
                    + ", which no config provider resolved (is '" + reference.group(1) + "' listed in "
                    + AbstractConfig.CONFIG_PROVIDERS_CONFIG + ", and is the file there with that key?)");
        }
        return text.isBlank() ? Optional.empty() : Optional.of(text.strip());
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'", e);
        }
    }
}
