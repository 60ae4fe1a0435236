package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "ingest-hl7",
        mixinStandardHelpOptions = true,
        description = {
            "Receives HL7 v2 (2.3-2.5.1) over MLLP from a lab system or interface engine: ORU^R01 results,",
            "RAS^O17 infusions, ADT^A01/A04 enrollment, ADT^A03 discharge/death. Acknowledges AA only once every",
            "reading of the message is durably in Kafka, AE (with an ERR segment, message dead-lettered) for",
            "content errors, AR when Kafka cannot take the data, so the sender resends."
        })
final class IngestHl7Command implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    PipelineOptions pipeline;

    @Option(
            names = "--port",
            defaultValue = "2575",
            description = "MLLP port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(
            names = "--local-code",
            paramLabel = "CODE=LOINC",
            description = "Map a local OBX-3 code (CODE or CODE^SYSTEM) to a LOINC code; repeatable.")
    Map<String, String> localCodes = Map.of();

    @Option(
            names = "--arm-field",
            defaultValue = Hl7Settings.DEFAULT_ARM_FIELD,
            description =
                    "Where ADT^A01/A04 carry the trial arm: a field such as PV1-18, or OBX:CODE (default: ${DEFAULT-VALUE}).")
    String armField;

    @Option(
            names = "--write-timeout",
            defaultValue = "PT10S",
            description = "How long a message may wait for Kafka before it is answered AR (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.requireBootstrapServers();
        Hl7Settings settings = settings(Hl7Settings.defaults(Clock.systemUTC()));
        CountDownLatch stopped = new CountDownLatch(1);
        // A send must not block longer than the ACK may wait: with Kafka down, the sender gets AR in time.
        Map<String, String> producer = new java.util.HashMap<>(kafka.clientProperties());
        producer.putIfAbsent("max.block.ms", Long.toString(writeTimeout.toMillis()));
        // Each message waits for its own records before its ACK, so on one connection nothing can join a batch while
        // the producer lingers: InputPublisher's 5 ms linger (right for file replay) only added 5 ms to
        // every ACK and held one connection at ~100 messages/s (bench/README.md).
        producer.putIfAbsent("linger.ms", "0");
        try (InputPublisher publisher = new InputPublisher(
                        producer, bootstrap, pipeline.topics(), new AvroSerdes(kafka.registry(), true));
                MllpListener listener = MllpListener.start(
                        port, new DurableHl7Handler(settings, publisher, writeTimeout), new SimpleMeterRegistry())) {
            spec.commandLine()
                    .getOut()
                    .printf("Listening for HL7 v2 over MLLP on port %d (Ctrl-C to stop)%n", listener.port());
            spec.commandLine().getOut().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                listener.close();
                stopped.countDown();
            }));
            stopped.await();
        }
        return 0;
    }

    Hl7Settings settings(Hl7Settings defaults) {
        Hl7Settings s = defaults.withSiteZone(pipeline.zone()).withArmField(armField);
        for (Map.Entry<String, String> e : localCodes.entrySet()) {
            s = s.withLocalCode(e.getKey(), e.getValue());
        }
        return s;
    }
}
