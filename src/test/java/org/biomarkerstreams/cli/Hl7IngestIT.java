package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real HL7 bytes over a real socket to the listener, with the durable handler writing to a real
 * broker through a real registry: AA only once the readings are in Kafka, AE plus a dead letter for
 * content errors, AR when Kafka cannot take the data.
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
