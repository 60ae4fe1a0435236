package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.biomarkerstreams.app.Hl7Ingest;
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

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        CountDownLatch stopped = new CountDownLatch(1);
        var deadLetters = pipeline.deadLetters();
        pipeline.warnIfDeadLettersInPlaintext();
        AvroSerdes serdes = kafka.serdes();
        serdes.requireWriterSchemas(pipeline.topics().ingest(serdes));
        try (Hl7Ingest listener = Hl7Ingest.start(
                hl7.settings(pipeline.futureTolerance),
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
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                listener.close();
                stopped.countDown();
            }));
            stopped.await();
        }
        return 0;
    }
}
