package org.biomarkerstreams.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.biomarkerstreams.app.OwnedCluster;
import org.biomarkerstreams.app.TopicSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker running in this JVM: one KRaft process that is both broker
 * and controller, listening on 127.0.0.1 only.
 *
 * <p>It backs the {@code demo}, {@code replay} and {@code broker} commands, so a laptop needs no
 * separate Kafka install. It supports everything the application uses: transactions (Kafka Streams
 * {@code exactly_once_v2}), compacted topics and consumer groups. Topics are not auto-created; the
 * application creates its own with {@link TopicSetup}.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults())) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements OwnedCluster {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** A free port picked by the OS can be taken by someone else before the broker binds it. */
    private static final int BIND_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread shutdownHook;

    /**
     * How to start the broker.
     *
     * @param port the client port on 127.0.0.1; 0 picks a free one
     * @param dataDir where the log and metadata live; empty uses a temporary directory that is deleted
     *     on close. A given directory is formatted on first use and kept, so topics survive restarts.
     * @param overrides broker configs that replace the defaults (for example {@code
     *     log.retention.hours})
     */
    public record Options(int port, Optional<Path> dataDir, Map<String, String> overrides) {
        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 (any free port) or 1-65535, got " + port);
            }
            Objects.requireNonNull(dataDir, "dataDir");
            overrides = Map.copyOf(Objects.requireNonNull(overrides, "overrides"));
        }

        /** A free port, a temporary data directory and no overrides. */
        public static Options defaults() {
            return new Options(0, Optional.empty(), Map.of());
        }
    }

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path dataDir, boolean deleteDataDirOnClose) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.shutdownHook = new Thread(this::close, "embedded-kafka-shutdown");
    }

    /**
     * Formats storage if needed, starts the broker and returns once it accepts clients.
     *
     * @throws IllegalStateException if the broker cannot start; nothing is left running then
     */
    public static EmbeddedKafkaBroker start(Options options) {
        Objects.requireNonNull(options, "options");
        long startedAt = System.nanoTime();
        boolean tempDir = options.dataDir().isEmpty();
        Path dataDir = options.dataDir().orElseGet(EmbeddedKafkaBroker::createTempDataDir);
        try {
            EmbeddedKafkaBroker broker = startWithRetries(options, dataDir, tempDir);
            Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
            log.info(
                    "Embedded Kafka broker ready at {} in {} ms (data in {})",
                    broker.bootstrapServers(),
                    Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
                    dataDir);
            return broker;
        } catch (RuntimeException e) {
            if (tempDir) {
                deleteRecursively(dataDir);
            }
            throw e;
        }
    }

    /**
     * Starts a broker, prints its bootstrap address to {@code out} and blocks until the JVM shuts down
     * (Ctrl-C) or the calling thread is interrupted; either way the broker is stopped.
     */
    public static void runUntilInterrupted(Options options, PrintStream out) {
        try (EmbeddedKafkaBroker broker = start(options)) {
            out.println("Kafka broker listening on " + broker.bootstrapServers() + " (Ctrl-C to stop)");
            out.flush();
            broker.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address clients connect to, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The directory holding the broker's log and metadata. */
    public Path dataDirectory() {
        return dataDir;
    }

    /** Blocks until {@link #close()} has finished, from any thread or the shutdown hook. */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops the broker, waits for it to finish and deletes a temporary data directory. Safe to call
     * more than once and from the JVM shutdown hook.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            // A second closer (say the shutdown hook racing the application) returns only once the broker is down.
            Uninterruptibly.await(stopped);
            return;
        }
        try {
            log.info("Stopping embedded Kafka broker at {}", bootstrapServers());
            server.shutdown();
            server.awaitShutdown();
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
        } finally {
            stopped.countDown();
            removeShutdownHook();
        }
    }

    /**
     * Hands the JVM-shutdown close of this broker to its owner, which must then close it after the
     * clients that use it (otherwise both hooks run at once and the clients lose the broker mid-close).
     */
    public void removeShutdownHook() {
        if (Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook will find the broker closed.
        }
    }

    private static EmbeddedKafkaBroker startWithRetries(Options options, Path dataDir, boolean tempDir) {
        RuntimeException lastFailure = null;
        int attempts = options.port() == 0 ? BIND_ATTEMPTS : 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            int port = options.port() == 0 ? freePort() : options.port();
            int controllerPort = freePort();
            try {
                return startOnce(options, dataDir, tempDir, port, controllerPort);
            } catch (RuntimeException e) {
                lastFailure = e;
                if (!causedByBind(e)) {
                    break;
                }
                log.warn("Port {} or {} was taken before the broker could bind it; retrying", port, controllerPort);
            }
        }
        throw new IllegalStateException("Could not start the embedded Kafka broker: " + lastFailure, lastFailure);
    }

    private static EmbeddedKafkaBroker startOnce(
            Options options, Path dataDir, boolean tempDir, int port, int controllerPort) {
        Path logDir = dataDir.resolve("kafka-logs");
        Map<String, String> props = brokerConfig(logDir, port, controllerPort);
        props.putAll(options.overrides());
        format(dataDir, logDir, props);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            // startup() stops what it started on failure, but shutdown() is idempotent and frees
            // anything a partly failed start left behind.
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        return new EmbeddedKafkaBroker(server, port, dataDir, tempDir);
    }

    static Map<String, String> brokerConfig(Path logDir, int port, int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put(
                "listeners",
                BROKER_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
        props.put(
                "listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", logDir.toString());

        // One node: every internal topic can only have one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the 50 of a production cluster: the first consumer group and
        // the first transaction would otherwise wait for 50 partition leaders to be loaded.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.num.partitions", "5");

        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        // The application creates its topics with the partitions and configs it needs.
        props.put("auto.create.topics.enable", "false");
        // No reason to wait for more members to join a group on a single-node laptop broker.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("group.streams.initial.rebalance.delay.ms", "0");
        // Exactly-once Streams commits every 100 ms. With transactions v2 a commit returns once the
        // coordinator has decided it; its markers are written after, and the next transaction's first
        // produce request waits on the broker until they are, but by default only 100 ms: then the
        // producer gets CONCURRENT_TRANSACTIONS, retries, and the requests it had sent behind that one
        // are refused as out of order (ERROR on the broker, WARN on the client, ~90 lines a demo).
        // Markers took up to 250 ms on a busy 2-core machine, so wait longer (the broker caps this
        // at request.timeout.ms, 30 s).
        props.put("add.partitions.to.txn.retry.backoff.max.ms", "5000");
        // The default 128 MiB dedupe buffer is allocated up front by the log cleaner.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        // The machine this runs on is shared with the application itself.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("background.threads", "4");
        return props;
    }

    /**
     * Formats the storage exactly as {@code kafka-storage.sh format} does (a new cluster id, the latest
     * production metadata version), through the same tool and from the same properties file.
     */
    private static void format(Path dataDir, Path logDir, Map<String, String> props) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            // A kept data directory is reused as it is, with its cluster id and topics.
            return;
        }
        ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
        try {
            Files.createDirectories(logDir);
            Path configFile = dataDir.resolve("server.properties");
            Properties config = new Properties();
            config.putAll(props);
            try (Writer writer = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
                config.store(
                        writer,
                        "The config the embedded broker storage was formatted with (ports change on each start)");
            }
            int exitCode = StorageTool.execute(
                    new String[] {
                        "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configFile.toString()
                    },
                    new PrintStream(toolOutput, true, StandardCharsets.UTF_8));
            if (exitCode != 0) {
                throw new IllegalStateException(
                        toolOutput.toString(StandardCharsets.UTF_8).strip());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("failed to bind"))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static Path createTempDataDir() {
        try {
            return Files.createTempDirectory("biomarker-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary Kafka data directory", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            log.warn("Could not delete the Kafka data directory {}: {}", root, e.toString());
        }
    }
}
