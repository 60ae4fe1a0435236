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
import javax.net.ssl.SSLException;
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
    public static final Duration BUDGET = Duration.ofSeconds(10);

    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

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
    private record Attempt(String address, boolean connected, String tried, String cause) {

        static Attempt of(String address) {
            String host = Utils.getHost(address);
            int port = Utils.getPort(address);
            InetAddress[] resolved;
            try {
                resolved = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                return new Attempt(
                        address,
                        false,
                        "DNS lookup of " + host,
                        "the DNS name does not resolve; check the host name, or this machine's DNS and /etc/hosts");
            }
            String last = "";
            List<String> tried = new ArrayList<>();
            for (InetAddress ip : resolved) {
                InetSocketAddress target = new InetSocketAddress(ip, port);
                tried.add("TCP connect to " + ip.getHostAddress() + ":" + port);
                try (Socket socket = new Socket()) {
                    socket.connect(target, (int) CONNECT_TIMEOUT.toMillis());
                    return new Attempt(address, true, String.join(", ", tried), "");
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
            return new Attempt(address, false, "DNS lookup of " + host + ", " + String.join(", ", tried), last);
        }

        String describe() {
            return address + ": " + cause + " (tried: " + tried + ")";
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
        boolean reachable = false;
        for (int i = 0; i < attempts.size(); i++) {
            Attempt attempt;
            try {
                attempt = attempts.get(i).get(Math.max(0, tcpDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                attempt = new Attempt(
                        addresses.get(i),
                        false,
                        "DNS lookup of " + Utils.getHost(addresses.get(i)),
                        "the DNS lookup did not answer within " + DNS_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while probing the Kafka cluster", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("Probing the Kafka cluster failed", e.getCause());
            }
            reachable |= attempt.connected();
            if (!attempt.connected()) {
                failures.add(attempt.describe());
            }
        }
        if (!reachable) {
            return Optional.of(prefix + String.join("; ", failures));
        }
        return kafkaAnswer(bootstrapServers, clientProperties, deadline).map(cause -> prefix + cause);
    }

    /** With a TCP connection possible: does Kafka answer, with this client's TLS and SASL settings? */
    private static Optional<String> kafkaAnswer(
            String bootstrapServers, Map<String, String> clientProperties, long deadline) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "biomarker-streams-probe");
        String protocol = clientProperties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
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
        int budget = millisLeft(deadline);
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(budget))
                    .clusterId()
                    .get(budget + 1_000L, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return Optional.of(kafkaFailure(cause, protocol, budget));
        } catch (TimeoutException e) {
            return Optional.of(kafkaFailure(e, protocol, budget));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while probing the Kafka cluster", e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static String kafkaFailure(Throwable cause, String protocol, int budgetMillis) {
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
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "the TCP connection opens, but no Kafka answer came within " + Math.max(1, budgetMillis / 1000)
                    + " s" + tried + ". Likely the listener expects another security.protocol (TLS or SASL), or the"
                    + " brokers' advertised.listeners name addresses this machine cannot reach";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage() + tried;
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
        String tried = " (tried: DNS lookup of " + host + ", GET " + uri + ")";
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
