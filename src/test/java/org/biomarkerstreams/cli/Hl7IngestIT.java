package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.app.DurableHl7Handler;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.MllpExchange;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Real HL7 bytes over a real socket to the listener, with the durable handler writing to a real
 * broker through a real registry: AA only once the readings are in Kafka, AE plus a dead letter for
 * content errors, AR when Kafka cannot take the data; and {@code ingest-hl7} itself, started before anything else on
 * a cluster without its topics.
 */
class Hl7IngestIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    @Test
    void shouldAcknowledgeEachLisStyleOnlyAfterItsReadingsAreInKafka() throws Exception {
        Topics topics = topics();
        AvroSerdes serdes =
                new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), true);
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes);
                MllpListener listener = MllpListener.start(0, handler(publisher), new SimpleMeterRegistry())) {
            for (String fixture :
                    List.of("oru-v251-loinc.hl7", "oru-v23-local-codes.hl7", "oru-v24-custom-encoding.hl7")) {
                String ack = send(listener.port(), resource(fixture));
                assertThat(ack).as(fixture).contains("MSA|AA|").doesNotContain("MSA|AE");
            }
            String ack = send(listener.port(), "MSH|^~\\&|LIS|LAB|||20200203091500||ADT^A08|X1|P|2.5.1\rPID|1||P1\r");
            assertThat(ack).contains("MSA|AE|X1").contains("ERR|");

            List<LabReading> readings =
                    read(topics.readings(), serdes.value(LabReading.class).deserializer());
            assertThat(readings).extracting(LabReading::getSource).allMatch(s -> s.startsWith("hl7"));
            assertThat(readings).extracting(LabReading::getLoinc).contains("1988-5", "26881-3", "731-0");
            assertThat(readings).hasSizeGreaterThanOrEqualTo(8);
            List<DeadLetter> letters =
                    read(topics.deadLetters(), serdes.value(DeadLetter.class).deserializer());
            assertThat(letters).extracting(DeadLetter::getErrorCode).containsExactly("UNSUPPORTED_MESSAGE");

            // a resend of the same message: acknowledged again, same reading ids and revisions
            int before = readings.size();
            assertThat(send(listener.port(), resource("oru-v251-loinc.hl7"))).contains("MSA|AA|");
            List<LabReading> after =
                    read(topics.readings(), serdes.value(LabReading.class).deserializer());
            assertThat(after.subList(before, after.size()))
                    .extracting(r -> r.getReadingId() + "@" + r.getRevision())
                    .allMatch(
                            id -> readings.stream().anyMatch(r -> id.equals(r.getReadingId() + "@" + r.getRevision())));
        }
    }

    @Test
    void shouldAnswerAeAndNeverWriteARevisionWhenTheStatusTimeIsForgedIntoTheFuture() throws Exception {
        Topics topics = topics();
        AvroSerdes serdes =
                new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), true);
        String genuine = "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|G1|P|2.5.1\rPID|1||P-FUT\r"
                + "OBR|1|ORD-9|FIL-9|1988-5^CRP^LN|||20200203080000" + "|".repeat(15) + "20200203090000\r"
                + "OBX|1|NM|1988-5^CRP^LN||61.7|mg/L|||||F|||20200203080000\r";
        // The issue's probe: the same result, value 999, OBR-22 in 2099
        String forged = genuine.replace("|G1|", "|F1|")
                .replace("61.7", "999.0")
                .replace("20200203090000\r", "20990101000000\r")
                .replace("||||F|||", "||||C|||");
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes);
                MllpListener listener = MllpListener.start(0, handler(publisher), new SimpleMeterRegistry())) {
            assertThat(send(listener.port(), genuine)).contains("MSA|AA|G1");
            assertThat(send(listener.port(), forged)).contains("MSA|AE|F1").contains("ERR|");
            String big = genuine.replace("|G1|", "|B1|") + "NTE|1||" + "x".repeat(1 << 20) + "\r";
            assertThat(send(listener.port(), big)).contains("MSA|AE|B1").contains("ERR|");

            List<LabReading> readings =
                    read(topics.readings(), serdes.value(LabReading.class).deserializer());
            assertThat(readings).extracting(LabReading::getValue).containsExactly("61.7");
            List<DeadLetter> letters =
                    read(topics.deadLetters(), serdes.value(DeadLetter.class).deserializer());
            assertThat(letters).extracting(DeadLetter::getErrorCode).containsExactly("FUTURE_TIMESTAMP", "OVERSIZED");
        }
    }

    @Test
    void shouldAnswerAaWhenIngestHl7IsStartedFirstOnAClusterWithoutItsTopics() throws Exception {
        Topics topics =
                Topics.defaults().withSuffix("-" + UUID.randomUUID().toString().substring(0, 8));
        try (Admin admin = KAFKA.admin()) {
            assertThat(admin.listTopics().names().get())
                    .doesNotContain(topics.readings(), topics.events(), topics.deadLetters());
        }
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        IngestHl7Command ingest =
                (IngestHl7Command) cli.getSubcommands().get("ingest-hl7").getCommand();
        List<String> args = new ArrayList<>(List.of("ingest-hl7", "--port", "0"));
        args.addAll(PipelineArguments.ingest(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), topics));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
        try {
            int port = await("ingest-hl7 to listen")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                if (exit.isDone()) {
                                    throw new AssertionError("ingest-hl7 exited with " + exit.get() + ": " + err);
                                }
                                return ingest.listeningPort();
                            },
                            Optional::isPresent)
                    .orElseThrow();

            assertThat(send(port, resource("oru-v251-loinc.hl7")))
                    .as("the first message, on topics ingest-hl7 created")
                    .contains("MSA|AA|");

            AvroSerdes serdes =
                    new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), false);
            assertThat(read(topics.readings(), serdes.value(LabReading.class).deserializer()))
                    .isNotEmpty();
            try (Admin admin = KAFKA.admin()) {
                ConfigResource readings = new ConfigResource(ConfigResource.Type.TOPIC, topics.readings());
                assertThat(admin.describeConfigs(List.of(readings))
                                .all()
                                .get()
                                .get(readings)
                                .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                                .value())
                        .isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
                assertThat(admin.listTopics().names().get()).contains(topics.events(), topics.deadLetters());
            }
        } finally {
            ingest.stop();
            assertThat(exit.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        }
    }

    @Test
    void shouldRejectWithArWhenKafkaCannotTakeTheData() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        AvroSerdes serdes =
                new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), true);
        try (InputPublisher publisher = new InputPublisher(
                        Map.of("max.block.ms", "2000", "delivery.timeout.ms", "3000", "request.timeout.ms", "1000"),
                        "127.0.0.1:" + deadPort,
                        topics(),
                        serdes);
                MllpListener listener = MllpListener.start(
                        0,
                        new DurableHl7Handler(
                                Hl7Settings.defaults(Clock.systemUTC()), publisher, Duration.ofSeconds(2)),
                        new SimpleMeterRegistry())) {
            assertThat(send(listener.port(), resource("oru-v251-loinc.hl7"))).contains("MSA|AR|");
        }
    }

    private static DurableHl7Handler handler(InputPublisher publisher) {
        return new DurableHl7Handler(Hl7Settings.defaults(Clock.systemUTC()), publisher, Duration.ofSeconds(30));
    }

    private static Topics topics() {
        return KAFKA.createPipelineTopics(1);
    }

    private static <V> List<V> read(String topic, Deserializer<V> deserializer) {
        List<V> values = new ArrayList<>();
        TopicExport.read(Map.of(), KAFKA.bootstrapServers(), topic, deserializer, (k, v) -> values.add(v));
        return values;
    }

    private static String send(int port, String message) throws IOException {
        return MllpExchange.send(port, message);
    }

    private static String resource(String name) throws IOException {
        return MllpExchange.sample(name);
    }
}
