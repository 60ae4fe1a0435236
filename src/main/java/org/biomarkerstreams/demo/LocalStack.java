package org.biomarkerstreams.demo;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.registry.server.SchemaRegistryServer;

/**
 * What the {@code broker} command runs: the {@link EmbeddedKafkaBroker} and, when asked, a {@link
 * SchemaRegistryServer} next to it that keeps its schemas in the broker's {@code _schemas} topic, so that commands in
 * separate processes share one registry with no Docker and no other install. Both listen on 127.0.0.1 only.
 *
 * <p>It closes the registry before the broker (the registry's producer needs the broker to close cleanly), on
 * {@link #close()} or at JVM shutdown.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafkaBroker broker;
    private final Optional<SchemaRegistryServer> registry;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread shutdownHook;

    /**
     * @param broker how to start the broker
     * @param registryPort the registry's HTTP port on 127.0.0.1 (0 = any free port), or empty for no registry
     */
    public record Options(EmbeddedKafkaBroker.Options broker, OptionalInt registryPort) {
        public Options {
            Objects.requireNonNull(broker, "broker");
            Objects.requireNonNull(registryPort, "registryPort");
        }
    }

    private LocalStack(EmbeddedKafkaBroker broker, Optional<SchemaRegistryServer> registry) {
        this.broker = broker;
        this.registry = registry;
        this.shutdownHook = new Thread(this::close, "local-stack-shutdown");
    }

    /**
     * Starts the broker, then the registry (creating its topic on first use); nothing is left running when either
     * fails.
     *
     * @throws IllegalStateException when the broker cannot start or the registry cannot read its topic
     * @throws IllegalArgumentException naming {@code --registry-port} when the registry's port cannot be bound
     */
    public static LocalStack start(Options options) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options.broker());
        // The stack closes the broker itself, after the registry.
        broker.removeShutdownHook();
        Optional<SchemaRegistryServer> registry = Optional.empty();
        try {
            if (options.registryPort().isPresent()) {
                try (Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                    TopicSetup.ensureTopics(
                            admin,
                            List.of(SchemaRegistryServer.topic(SchemaRegistryServer.DEFAULT_TOPIC)),
                            TOPIC_TIMEOUT);
                }
                int port = options.registryPort().getAsInt();
                try {
                    registry = Optional.of(SchemaRegistryServer.start(new SchemaRegistryServer.Settings(
                            port, broker.bootstrapServers(), SchemaRegistryServer.DEFAULT_TOPIC)));
                } catch (UncheckedIOException e) {
                    throw new IllegalArgumentException(
                            "--registry-port " + port + ": " + e.getMessage() + "; choose another port (0 = any free)",
                            e);
                }
            }
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LocalStack stack = new LocalStack(broker, registry);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        return stack;
    }

    /**
     * Starts the stack, prints where each part listens to {@code out} and blocks until the JVM shuts down (Ctrl-C) or
     * the calling thread is interrupted; either way the stack is stopped.
     */
    public static void runUntilInterrupted(Options options, PrintStream out) {
        try (LocalStack stack = start(options)) {
            if (stack.registryUrl().isPresent()) {
                out.println("Kafka broker listening on " + stack.bootstrapServers());
                out.println("Schema registry listening on "
                        + stack.registryUrl().get() + " (Confluent-compatible, no authentication; Ctrl-C stops both)");
            } else {
                out.println("Kafka broker listening on " + stack.bootstrapServers() + " (Ctrl-C to stop)");
            }
            out.flush();
            stack.broker.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The broker's address, {@code 127.0.0.1:PORT}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The registry's base URL, {@code http://127.0.0.1:PORT}, when it runs. */
    public Optional<String> registryUrl() {
        return registry.map(SchemaRegistryServer::url);
    }

    /** Stops the registry, then the broker. Safe to call more than once and from the shutdown hook. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            // A second closer (the shutdown hook racing the command) returns only once both parts are down.
            Uninterruptibly.await(stopped);
            return;
        }
        try {
            registry.ifPresent(SchemaRegistryServer::close);
        } finally {
            broker.close();
            stopped.countDown();
            if (Thread.currentThread() != shutdownHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // The JVM is already shutting down; the hook finds the stack closed.
                }
            }
        }
    }
}
