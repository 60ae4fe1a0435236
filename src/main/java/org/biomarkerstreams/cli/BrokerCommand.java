package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a standalone single-node Kafka (KRaft) broker on 127.0.0.1, for development without Docker.",
            "Point 'run', 'replay' or 'export' at it with --bootstrap-servers 127.0.0.1:PORT. Ctrl-C stops it."
        })
final class BrokerCommand implements Callable<Integer> {

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

    @Override
    public Integer call() {
        EmbeddedKafkaBroker.runUntilInterrupted(
                new EmbeddedKafkaBroker.Options(port, Optional.ofNullable(dataDir), Map.of()), System.out);
        return 0;
    }
}
