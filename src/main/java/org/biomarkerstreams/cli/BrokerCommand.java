package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.demo.LocalStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a standalone single-node Kafka (KRaft) broker on 127.0.0.1, for development without Docker.",
            "Point 'run', 'replay' or 'export' at it with --bootstrap-servers 127.0.0.1:PORT. Ctrl-C stops it.",
            "With --with-registry it also serves a Confluent-compatible schema registry on 127.0.0.1 (no",
            "authentication), kept in the broker's _schemas topic: pass its URL as --schema-registry-url."
        })
final class BrokerCommand implements Callable<Integer> {

    static final int DEFAULT_REGISTRY_PORT = 8085;

    @Option(
            names = "--port",
            defaultValue = "9092",
            description = "Client port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Keep the broker's data here across restarts (default: a temporary directory removed on exit).")
    Path dataDir;

    @Option(
            names = "--with-registry",
            description = "Also serve a Confluent-compatible schema registry (HTTP on 127.0.0.1, no authentication),"
                    + " its schemas kept in the broker's _schemas topic (and so in --data-dir).")
    boolean withRegistry;

    @Option(
            names = "--registry-port",
            paramLabel = "PORT",
            description = "The registry's HTTP port (default: " + DEFAULT_REGISTRY_PORT + ", not Confluent's 8081,"
                    + " which is the health port of 'run'; 0 = any free port). Needs --with-registry.")
    Integer registryPort;

    @Override
    public Integer call() {
        if (registryPort != null && !withRegistry) {
            throw new IllegalArgumentException("--registry-port needs --with-registry");
        }
        if (registryPort != null && (registryPort < 0 || registryPort > 65_535)) {
            throw new IllegalArgumentException(
                    "--registry-port must be 0 (any free port) or 1-65535, got " + registryPort);
        }
        OptionalInt registry = withRegistry
                ? OptionalInt.of(registryPort == null ? DEFAULT_REGISTRY_PORT : registryPort)
                : OptionalInt.empty();
        LocalStack.runUntilInterrupted(
                new LocalStack.Options(
                        new EmbeddedKafkaBroker.Options(port, Optional.ofNullable(dataDir), Map.of()), registry),
                System.out);
        return 0;
    }
}
