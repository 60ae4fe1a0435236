package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.ops.StreamsRuntime;
import org.biomarkerstreams.streams.AvroSerdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the topology against a Kafka cluster until stopped (SIGTERM / Ctrl-C closes it cleanly).",
            "Missing topics are created with the broker's default partitions and replication."
        })
final class RunCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    @Option(
            names = "--application-id",
            defaultValue = "biomarker-streams",
            description =
                    "Kafka Streams application.id: consumer group and prefix of internal topics (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--state-dir",
            defaultValue = "state",
            paramLabel = "DIR",
            description = "Where RocksDB state lives; keep it on a persistent volume (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--processing-guarantee",
            defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
            description = "exactly_once_v2 or at_least_once (default: ${DEFAULT-VALUE}).")
    String processingGuarantee;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "Port for health, metrics and queries (reserved; default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        if (!processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)
                && !processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("--processing-guarantee must be exactly_once_v2 or at_least_once");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1");
        }
        StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                bootstrap, applicationId, stateDir, processingGuarantee, threads, kafka.clientProperties());
        try (Pipeline p = Pipeline.onCluster(
                settings,
                kafka.clientProperties(),
                new AvroSerdes(kafka.registry(), true),
                pipeline.topologyConfig(Clock.systemUTC()),
                new SimpleMeterRegistry())) {
            // SIGTERM / Ctrl-C: close Streams cleanly (commit, flush state) before the JVM exits.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> p.runtime().close(java.time.Duration.ofSeconds(30))));
            p.runtime().awaitStopped();
            return p.runtime().fatalError() == null ? 0 : 1;
        }
    }
}
