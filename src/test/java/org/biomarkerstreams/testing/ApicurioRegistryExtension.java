package org.biomarkerstreams.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real Apicurio Registry (the distribution the build unpacks into {@code ${apicurio.home}}) as a child
 * process on a free loopback port with in-memory storage, and exposes its Confluent-compatible API.
 *
 * <p>One registry serves the whole test JVM: it lives in the root extension store and is stopped when JUnit closes
 * that store (or by a shutdown hook if the JVM goes down first). Tests sharing it should use their own subjects.
 * Its output goes to {@code target/apicurio-<port>.log}.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();
 * ... RegistryConfig.of(REGISTRY.confluentUrl()) ...
 * }</pre>
 */
public final class ApicurioRegistryExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);
    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(3);

    private volatile ApicurioProcess registry;

    @Override
    public void beforeAll(ExtensionContext context) {
        registry = context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(ApicurioProcess.class, key -> ApicurioProcess.start(), ApicurioProcess.class);
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String confluentUrl() {
        return started().baseUrl() + "/apis/ccompat/v7";
    }

    /** Base URL of the server, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return started().baseUrl();
    }

    /** How long the registry took from process start to answering. */
    public Duration startupTime() {
        return started().startupTime();
    }

    private ApicurioProcess started() {
        if (registry == null) {
            throw new IllegalStateException("Apicurio is not started: register the extension with a static"
                    + " @RegisterExtension field so beforeAll runs first");
        }
        return registry;
    }

    /** The child process; closed by JUnit with the root store. */
    static final class ApicurioProcess implements AutoCloseable {

        private static final Logger LOG = LoggerFactory.getLogger(ApicurioProcess.class);

        private final Process process;
        private final String baseUrl;
        private final Path log;
        private final Thread shutdownHook;
        private Duration startupTime;

        private ApicurioProcess(Process process, String baseUrl, Path log) {
            this.process = process;
            this.baseUrl = baseUrl;
            this.log = log;
            this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-shutdown");
        }

        static ApicurioProcess start() {
            Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio"));
            Path jar = findLauncher(home);
            int port = freeLoopbackPort();
            Path log = home.toAbsolutePath().getParent().resolve("apicurio-" + port + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Small heap and C1 only: a test registry holds a few schemas and should start fast on 2 cores.
                    "-Xms64m",
                    "-Xmx384m",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dregistry.auth.enabled=false",
                    "-Dquarkus.oidc.tenant-enabled=false",
                    // Behave like a Confluent registry, whose default compatibility level is BACKWARD.
                    "-Dregistry.rules.global.compatibility=BACKWARD",
                    "-jar",
                    jar.toString()));
            long started = System.nanoTime();
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .directory(jar.getParent().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start Apicurio from " + jar + ": " + e.getMessage(), e);
            }
            ApicurioProcess apicurio = new ApicurioProcess(process, "http://127.0.0.1:" + port, log);
            Runtime.getRuntime().addShutdownHook(apicurio.shutdownHook);
            try {
                apicurio.awaitReady();
            } catch (RuntimeException e) {
                apicurio.close();
                throw e;
            }
            apicurio.startupTime = Duration.ofNanos(System.nanoTime() - started);
            LOG.info(
                    "Apicurio Registry answering at {} after {} ms (pid {}, log {})",
                    apicurio.baseUrl,
                    apicurio.startupTime.toMillis(),
                    process.pid(),
                    log);
            return apicurio;
        }

        String baseUrl() {
            return baseUrl;
        }

        Duration startupTime() {
            return startupTime;
        }

        private void awaitReady() {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl + "/apis/ccompat/v7/subjects"))
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build();
            Awaitility.await("Apicurio to answer on " + probe.uri() + " (log: " + log + ")")
                    .atMost(STARTUP_LIMIT)
                    .pollDelay(Duration.ofMillis(500))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Apicurio exited with code " + process.exitValue()
                                    + " before answering; last output:\n" + tail());
                        }
                        try {
                            return http.send(probe, HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        }

        private String tail() {
            try (Stream<String> lines = Files.lines(log)) {
                List<String> all = lines.toList();
                return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
            } catch (IOException | RuntimeException e) {
                return "(cannot read " + log + ": " + e + ")";
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and runs the hook itself
            }
            LOG.info("Apicurio Registry at {} stopped", baseUrl);
        }

        private static Path findLauncher(Path home) {
            Path quarkusRun = home.resolve("quarkus-app").resolve("quarkus-run.jar");
            if (Files.isRegularFile(quarkusRun)) {
                return quarkusRun;
            }
            try (Stream<Path> files = Files.list(home)) {
                return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                        .findFirst()
                        .orElseThrow(() -> notUnpacked(home));
            } catch (IOException e) {
                throw notUnpacked(home);
            }
        }

        private static IllegalStateException notUnpacked(Path home) {
            return new IllegalStateException("No Apicurio runner jar in " + home.toAbsolutePath()
                    + ": run ./mvnw -B dependency:unpack@unpack-apicurio (or the verify phase) first");
        }

        private static int freeLoopbackPort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("No free loopback port: " + e.getMessage(), e);
            }
        }
    }
}
