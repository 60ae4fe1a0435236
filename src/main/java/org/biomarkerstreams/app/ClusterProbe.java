package org.biomarkerstreams.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.utils.Utils;
import org.biomarkerstreams.registry.RegistryConfig;

/**
 * Finds out, before a command starts work, whether the Kafka cluster and the schema registry answer, and if not, why:
 * the DNS name does not resolve, the connection is refused or dropped, the TLS handshake or the authentication fails.
 * Kafka's clients only say "not present in metadata after 60000 ms"; this names the address, what was tried and the
 * likely cause within {@link #BUDGET}.
 *
 * <p>Kafka: each bootstrap address is resolved ({@link InetAddress}) and connected to over TCP; if any accepts, an
 * admin client asks for the cluster's description (which needs no ACL), so the client's own TLS and SASL settings are
 * tried too. The registry: a {@code GET /subjects} with its TLS and basic-auth settings. Both at once.
 */
public final class ClusterProbe {

    /** The whole probe of cluster and registry; a command that cannot reach them fails within about this. */
    public static final Duration BUDGET = Duration.ofSeconds(8);

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** A cluster that accepts the TCP connection answers a describeCluster in milliseconds, or never. */
    private static final Duration KAFKA_ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration TLS_SNIFF_TIMEOUT = Duration.ofSeconds(2);

    /** Lookups cannot be interrupted: a hung one is left to a daemon thread, and the probe stops waiting. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "cluster-probe");
        thread.setDaemon(true);
        return thread;
    });

    private ClusterProbe() {}

    /**
     * Probes the cluster at {@code bootstrapServers} with the client's {@code clientProperties}, and the registry when
     * one is given (an in-process {@code mock://} registry is not).
     *
     * @throws UnreachableException naming each address that cannot be used and why
     * @throws IllegalArgumentException when {@code bootstrapServers} or the client properties are malformed
     */
    public static void check(
            String bootstrapServers, Map<String, String> clientProperties, Optional<RegistryConfig> registry) {
        List<String> addresses = addresses(bootstrapServers);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        CompletableFuture<Optional<String>> registryProblem = registry.map(
                        config -> CompletableFuture.supplyAsync(() -> registry(config, deadline), THREADS))
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
        List<String> problems = new ArrayList<>();
        kafka(bootstrapServers, addresses, clientProperties, deadline).ifPresent(problems::add);
        try {
            // The registry's own timeouts end within the budget; the margin covers a lookup that hangs.
            registryProblem
                    .get(millisLeft(deadline) + 1_000, TimeUnit.MILLISECONDS)
                    .ifPresent(problems::add);
        } catch (TimeoutException e) {
            problems.add("cannot reach the schema registry at --schema-registry-url "
                    + registry.get().url() + ": no answer within " + BUDGET.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while probing the schema registry", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Probing the schema registry failed", e.getCause());
        }
        if (!problems.isEmpty()) {
            throw new UnreachableException(String.join(System.lineSeparator(), problems));
        }
    }

    /** The {@code HOST:PORT} entries of a bootstrap list. */
    static List<String> addresses(String bootstrapServers) {
        List<String> addresses = new ArrayList<>();
        for (String entry : bootstrapServers.split(",")) {
            String address = entry.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (Utils.getHost(address) == null || Utils.getPort(address) == null) {
                throw new IllegalArgumentException("--bootstrap-servers: '" + address + "' is not HOST:PORT");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--bootstrap-servers: no HOST:PORT in '" + bootstrapServers + "'");
        }
        return addresses;
    }

    /** What happened when one bootstrap address was tried: connected, or why not. */
    private record Attempt(String address, InetSocketAddress connected, String tried, String cause) {

        static Attempt of(String address) {
            String host = Utils.getHost(address);
            int port = Utils.getPort(address);
            List<String> tried = new ArrayList<>();
            if (!isLiteral(host)) {
                tried.add("DNS lookup of " + host);
            }
            InetAddress[] resolved;
            try {
                resolved = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                return new Attempt(
                        address,
                        null,
                        "DNS lookup of " + host,
                        "the DNS name does not resolve; check the host name, or this machine's DNS and /etc/hosts");
            }
            String last = "";
            for (InetAddress ip : resolved) {
                InetSocketAddress target = new InetSocketAddress(ip, port);
                tried.add("TCP connect to " + ip.getHostAddress() + ":" + port);
                try (Socket socket = new Socket()) {
                    socket.connect(target, (int) CONNECT_TIMEOUT.toMillis());
                    return new Attempt(address, target, String.join(", ", tried), "");
                } catch (ConnectException e) {
                    last = "connection refused: nothing listens on that port; is the broker running, and is it the"
                            + " right port?";
                } catch (NoRouteToHostException e) {
                    last = "no route to host: the network does not reach it";
                } catch (SocketTimeoutException e) {
                    last = "no answer to the TCP connect within " + CONNECT_TIMEOUT.toSeconds()
                            + " s: a firewall drops it, or the host is down";
                } catch (IOException e) {
                    last = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
            return new Attempt(address, null, String.join(", ", tried), last);
        }

        String describe(boolean named) {
            return (named ? address + ": " : "") + cause + " (tried: " + tried + ")";
        }
    }

    private static Optional<String> kafka(
            String bootstrapServers, List<String> addresses, Map<String, String> clientProperties, long deadline) {
        String prefix = "cannot reach the Kafka cluster at --bootstrap-servers " + bootstrapServers + ": ";
        List<CompletableFuture<Attempt>> attempts = addresses.stream()
                .map(a -> CompletableFuture.supplyAsync(() -> Attempt.of(a), THREADS))
                .toList();
        long tcpDeadline = Math.min(
                deadline, System.nanoTime() + DNS_TIMEOUT.plus(CONNECT_TIMEOUT).toNanos());
        List<String> failures = new ArrayList<>();
        InetSocketAddress reachable = null;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt;
            try {
                attempt = attempts.get(i).get(Math.max(0, tcpDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                attempt = new Attempt(
                        addresses.get(i),
                        null,
                        "DNS lookup of " + Utils.getHost(addresses.get(i)) + ", TCP connect",
                        "no answer within " + DNS_TIMEOUT.plus(CONNECT_TIMEOUT).toSeconds()
                                + " s: the DNS server or the host does not answer, or a firewall drops the connection");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while probing the Kafka cluster", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Probing the Kafka cluster failed", e.getCause());
            }
            if (attempt.connected() != null) {
                reachable = reachable == null ? attempt.connected() : reachable;
            } else {
                failures.add(attempt.describe(addresses.size() > 1));
            }
        }
        if (reachable == null) {
            return Optional.of(prefix + String.join("; ", failures));
        }
        return kafkaAnswer(bootstrapServers, clientProperties, reachable, deadline)
                .map(cause -> prefix + cause);
    }

    /** An IP address written out, which needs no DNS lookup. */
    private static boolean isLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** With a TCP connection possible: does Kafka answer, with this client's TLS and SASL settings? */
    private static Optional<String> kafkaAnswer(
            String bootstrapServers, Map<String, String> clientProperties, InetSocketAddress reachable, long deadline) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "biomarker-streams-probe");
        // A listener that drops the connection at once is retried; once a second is enough to tell, and logs less.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "1000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        String protocol = clientProperties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        if (usesTls(protocol)) {
            // The client's first bytes would be a TLS hello anyway: asking first spares the client's retries.
            Optional<String> mismatch = tlsMismatch(reachable, protocol, deadline);
            if (mismatch.isPresent()) {
                return mismatch;
            }
        }
        Admin admin;
        try {
            admin = Admin.create(p);
        } catch (KafkaException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalArgumentException(
                    "the Kafka client properties (--config, BIOMARKER_KAFKA_*) are not usable: " + root.getMessage(),
                    e);
        }
        int budget = (int) Math.min(KAFKA_ANSWER_TIMEOUT.toMillis(), millisLeft(deadline));
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(budget))
                    .clusterId()
                    .get(budget + 1_000L, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                return Optional.of(noAnswer(reachable, protocol, budget, deadline));
            }
            return Optional.of(kafkaFailure(cause, protocol));
        } catch (TimeoutException e) {
            return Optional.of(noAnswer(reachable, protocol, budget, deadline));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while probing the Kafka cluster", e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static String kafkaFailure(Throwable cause, String protocol) {
        String tried = " (tried: TCP connect, then a Kafka request with security.protocol=" + protocol + ")";
        if (cause instanceof SslAuthenticationException) {
            return "the TLS handshake failed: " + cause.getMessage() + tried + ". Does the listener speak TLS, and do"
                    + " ssl.truststore.* (in --config) trust its certificate?";
        }
        if (cause instanceof SaslAuthenticationException) {
            return "authentication failed: " + cause.getMessage() + tried + ". Check sasl.mechanism and the user and"
                    + " password of sasl.jaas.config (in --config)";
        }
        if (cause instanceof AuthenticationException) {
            return "authentication failed: " + cause.getMessage() + tried;
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage() + tried;
    }

    /**
     * The connection opens but Kafka does not answer: most often TLS on one side only, which a handshake of our own
     * tells apart (a Kafka client spoken to in the wrong protocol just reconnects until it times out).
     */
    private static String noAnswer(InetSocketAddress reachable, String protocol, int budgetMillis, long deadline) {
        return tlsMismatch(reachable, protocol, deadline)
                .orElse("the TCP connection opens, but no Kafka answer came within " + Math.max(1, budgetMillis / 1000)
                        + " s (tried: TCP connect, a Kafka request with security.protocol=" + protocol + ")."
                        + " Likely the listener expects SASL, or the brokers' advertised.listeners name addresses this"
                        + " machine cannot reach");
    }

    /**
     * TLS on one side only, found by a handshake of our own: a Kafka client spoken to in the wrong protocol just
     * reconnects until it times out.
     */
    private static Optional<String> tlsMismatch(InetSocketAddress reachable, String protocol, long deadline) {
        String tried = " (tried: TCP connect, a TLS handshake with "
                + reachable.getAddress().getHostAddress() + ":" + reachable.getPort() + ")";
        Optional<Boolean> listenerTls =
                speaksTls(reachable, (int) Math.min(TLS_SNIFF_TIMEOUT.toMillis(), millisLeft(deadline)));
        if (usesTls(protocol) && listenerTls.equals(Optional.of(false))) {
            return Optional.of(
                    "the TLS handshake failed: the listener does not speak TLS, but security.protocol=" + protocol
                            + tried + ". Use PLAINTEXT (or SASL_PLAINTEXT), or the port of the brokers' TLS listener");
        }
        if (!usesTls(protocol) && listenerTls.equals(Optional.of(true))) {
            return Optional.of("the listener speaks TLS, but security.protocol=" + protocol + tried
                    + ". Set security.protocol=SSL (or SASL_SSL) and ssl.truststore.* in --config");
        }
        return Optional.empty();
    }

    private static boolean usesTls(String protocol) {
        return protocol.trim().toUpperCase(Locale.ROOT).endsWith("SSL");
    }

    /**
     * Whether the server at {@code address} answers a TLS handshake: present if it said so within the timeout. No
     * data is sent; the server's certificate is looked at, never trusted.
     */
    static Optional<Boolean> speaksTls(InetSocketAddress address, int timeoutMillis) {
        boolean[] certificateSeen = {false};
        X509TrustManager observer = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a probe trusts no one");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                certificateSeen[0] = true;
                throw new CertificateException("a probe only looks whether the server speaks TLS");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try (Socket plain = new Socket()) {
            plain.connect(address, timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {observer}, null);
            try (SSLSocket tls = (SSLSocket)
                    context.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), false)) {
                tls.startHandshake();
                return Optional.of(true);
            }
        } catch (SocketTimeoutException e) {
            return certificateSeen[0] ? Optional.of(true) : Optional.empty();
        } catch (IOException e) {
            return Optional.of(certificateSeen[0]);
        } catch (java.security.GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** A {@code GET /subjects}: any registry answers it, and it needs the registry's credentials. */
    private static Optional<String> registry(RegistryConfig config, long deadline) {
        String prefix = "cannot reach the schema registry at --schema-registry-url " + config.url() + ": ";
        URI uri;
        try {
            uri = URI.create(config.url() + "/subjects");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--schema-registry-url " + config.url() + " is not a URL", e);
        }
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException(
                    "--schema-registry-url " + config.url() + ": expected http(s)://HOST[:PORT][/PATH] or mock://NAME");
        }
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        try {
            // Runs on a probe thread: a lookup that hangs ends in check()'s timeout.
            InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.of(prefix + "the DNS name does not resolve (tried: DNS lookup of " + host
                    + "); check the host name, or this machine's DNS and /etc/hosts");
        }

        Duration left = Duration.ofMillis(millisLeft(deadline));
        Duration connect = CONNECT_TIMEOUT.compareTo(left) < 0 ? CONNECT_TIMEOUT : left;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(THREADS);
        config.sslContext().ifPresent(builder::sslContext);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(left)
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
                .GET();
        config.basicAuthUserInfo()
                .ifPresent(info -> request.header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8))));
        String tried = " (tried: " + (isLiteral(host) ? "" : "DNS lookup of " + host + ", ") + "GET " + uri + ")";
        int status;
        try {
            status = builder.build()
                    .send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (HttpConnectTimeoutException e) {
            return Optional.of(prefix + "no answer to the TCP connect to " + host + ":" + port + " within "
                    + connect.toSeconds() + " s: a firewall drops it, or the host is down" + tried);
        } catch (HttpTimeoutException e) {
            return Optional.of(prefix + "connected, but no HTTP answer within " + left.toSeconds() + " s" + tried);
        } catch (ConnectException e) {
            return Optional.of(prefix + "connection refused: nothing listens on " + host + ":" + port
                    + "; is the registry running, and is it the right port?" + tried);
        } catch (SSLException e) {
            return Optional.of(prefix + "the TLS handshake failed: " + e.getMessage() + tried
                    + ". Is it an https URL of a TLS server, and do schema.registry.ssl.truststore.* (in --config)"
                    + " trust its certificate?");
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof SSLException ssl ? ssl : e;
            String kind = cause instanceof SSLException ? "the TLS handshake failed: " : "";
            return Optional.of(prefix + kind + cause.getClass().getSimpleName() + ": " + cause.getMessage() + tried);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while probing the schema registry", e);
        }
        if (status == 401) {
            return Optional.of(
                    prefix + "authentication failed (HTTP 401)" + tried + ". Check basic.auth.user.info (in --config)");
        }
        if (status == 404) {
            return Optional.of(prefix + "HTTP 404" + tried + ": not the base URL of a Confluent-compatible registry"
                    + " API (Apicurio's ends in /apis/ccompat/v7)");
        }
        if (status >= 500 || (status >= 400 && status != 403)) {
            return Optional.of(prefix + "it answers HTTP " + status + tried
                    + (status >= 500
                            ? ": the registry is up" + " but failing"
                            : ": does it expect https, or is this not a schema registry?"));
        }
        // 2xx, or 403: authenticated; what this principal may read and register is checked per subject.
        return Optional.empty();
    }

    private static int millisLeft(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }
}
