package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.biomarkerstreams.app.Hl7Ingest;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.streams.AvroSerdes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "ingest-hl7",
        mixinStandardHelpOptions = true,
        description = {
            "Receives HL7 v2 (2.3-2.5.1) over MLLP from a lab system or interface engine: ORU^R01 results,",
            "RAS^O17 infusions, ADT^A01/A04 enrollment, ADT^A03 discharge/death. Acknowledges AA only once every",
            "reading of the message is durably in Kafka, AE (with an ERR segment, message dead-lettered) for",
            "content errors, AR when Kafka cannot take the data, so the sender resends."
        })
final class IngestHl7Command extends ClusterCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            defaultValue = "2575",
            description = "MLLP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Mixin
    Hl7Options hl7;

    @Mixin
    TopicOptions topicOptions;

    /** Counted down to stop: by SIGTERM / Ctrl-C, or by an embedding caller (tests) through {@link #stop()}. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The listener while {@link #call()} runs, for an embedding caller (tests) to find its port. */
    private volatile Hl7Ingest running;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        var deadLetters = pipeline.deadLetters();
        // Options first (usage errors, exit 2), then the cluster and registry (exit 3).
        var settings = hl7.settings(pipeline.futureTolerance);
        // Before the first message: a missing topic would otherwise answer every message AR.
        prepareCluster(topicOptions, PipelineTopics::feeds);
        pipeline.warnIfDeadLettersInPlaintext();
        AvroSerdes serdes = kafka.serdes();
        serdes.requireWriterSchemas(pipeline.topics().ingest(serdes));
        try (Hl7Ingest listener = Hl7Ingest.start(
                settings,
                port,
                pipeline.zone(),
                bootstrap,
                kafka.clientProperties(),
                pipeline.topics(),
                serdes,
                new SimpleMeterRegistry(),
                deadLetters)) {
            spec.commandLine()
                    .getOut()
                    .printf("Listening for HL7 v2 over MLLP on port %d (Ctrl-C to stop)%n", listener.port());
            out().flush();
            Thread closeOnShutdown = new Thread(() -> {
                listener.close();
                stopped.countDown();
            });
            Runtime.getRuntime().addShutdownHook(closeOnShutdown);
            running = listener;
            try {
                stopped.await();
            } finally {
                running = null;
                try {
                    Runtime.getRuntime().removeShutdownHook(closeOnShutdown);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is what stopped us
                }
            }
        }
        return 0;
    }

    /** The bound MLLP port while listening. */
    Optional<Integer> listeningPort() {
        Hl7Ingest current = running;
        return current == null ? Optional.empty() : Optional.of(current.port());
    }

    /** Stops listening as SIGTERM does; {@link #call()} then returns. */
    void stop() {
        stopped.countDown();
    }
}
