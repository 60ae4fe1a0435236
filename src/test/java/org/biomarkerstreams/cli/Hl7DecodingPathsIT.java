package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.IngestHl7Jvm;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.MllpExchange;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same HL7 bytes through both doors give the same readings: {@code replay --hl7} of a file and {@code ingest-hl7}
 * (its own JVM) over a real MLLP socket, both to a real broker through a real registry. The feed: ORU^R01
 * results with {@code µg/L} and {@code cells/µL} in UTF-8 without MSH-18, which the listener used to read as
 * ISO-8859-1 ({@code Âµg/L}, dead-lettered UNKNOWN_UNIT), beside an older LIS's ISO-8859-1 bytes ({@code µ} = 0xB5,
 * not valid UTF-8) and a message that names its set in MSH-18.
 */
class Hl7DecodingPathsIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Path LOGS = Path.of("target", "hl7-decoding-paths");

    @TempDir
    Path dir;

    private Process ingest;
    private AvroSerdes serdes;

    @BeforeEach
    void registry() {
        serdes = new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), true);
    }

    @AfterEach
    void stopIngest() throws InterruptedException {
        if (ingest != null && ingest.isAlive()) {
            ingest.destroy();
            if (!ingest.waitFor(20, TimeUnit.SECONDS)) {
                ingest.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldGiveTheSameReadingsFromAFileAndOverMllpWhenTheBytesAreTheSame() throws Exception {
        List<byte[]> messages = List.of(
                oru("UTF8-1", "P-UTF8", "").getBytes(StandardCharsets.UTF_8),
                oru("LATIN1-1", "P-LATIN1", "").getBytes(StandardCharsets.ISO_8859_1),
                oru("DECLARED-1", "P-DECLARED", "8859/1").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(messages.get(1)).as("the ISO-8859-1 micro sign").contains((byte) 0xB5);
        Path capture = dir.resolve("feed.hl7");
        Files.write(capture, mllpCapture(messages));

        Topics fromFile = KAFKA.createPipelineTopics(1);
        CommandRun replay = CommandRun.execute(withCluster(fromFile, "replay", "--hl7", capture.toString()));
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).contains("Sent 6 readings and 0 events from 3 HL7 messages (0 rejected");

        Topics overMllp = KAFKA.createPipelineTopics(1);
        int port = startIngest(overMllp);
        for (byte[] message : messages) {
            assertThat(MllpExchange.send(port, message)).contains("MSA|AA|");
        }

        Map<String, String> byFile = readings(fromFile);
        Map<String, String> byMllp = readings(overMllp);
        assertThat(byMllp).isEqualTo(byFile);
        assertThat(byFile)
                .containsEntry("ORD-UTF8-1|48065-7|", "P-UTF8 620 \u00b5g/L")
                .containsEntry("ORD-UTF8-1|731-0|", "P-UTF8 850 cells/\u00b5L")
                .containsEntry("ORD-LATIN1-1|48065-7|", "P-LATIN1 620 \u00b5g/L")
                .containsEntry("ORD-LATIN1-1|731-0|", "P-LATIN1 850 cells/\u00b5L")
                .containsEntry("ORD-DECLARED-1|48065-7|", "P-DECLARED 620 \u00b5g/L")
                .hasSize(6);
        assertThat(read(fromFile.deadLetters(), serdes.value(DeadLetter.class).deserializer()))
                .isEmpty();
        assertThat(read(overMllp.deadLetters(), serdes.value(DeadLetter.class).deserializer()))
                .isEmpty();
    }

    /** An ORU^R01 with a D-dimer in µg/L and lymphocytes in cells/µL; MSH-18 as given (empty: none). */
    private static String oru(String controlId, String patient, String msh18) {
        return "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|" + controlId + "|P|2.5.1||||||" + msh18 + "\r"
                + "PID|1||" + patient + "^^^HOSP^MR\r"
                + "OBR|1||ORD-" + controlId + "|24323-8^Panel^LN|||20200203080000\r"
                + "OBX|1|NM|48065-7^D-dimer FEU^LN||620|\u00b5g/L^^UCUM|<500|H|||F|||20200203080000\r"
                + "OBX|2|NM|731-0^Lymphocytes^LN||850|cells/\u00b5L|1100-3200|L|||F|||20200203080000\r";
    }

    private static byte[] mllpCapture(List<byte[]> messages) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            file.write(0x0B);
            file.writeBytes(message);
            file.write(0x1C);
            file.write(0x0D);
        }
        return file.toByteArray();
    }

    /** Reading id to "patient value unit": what each door made of the bytes. */
    private Map<String, String> readings(Topics topics) {
        Map<String, String> byId = new TreeMap<>();
        await("6 readings on " + topics.readings())
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> {
                    byId.clear();
                    for (LabReading r : read(
                            topics.readings(), serdes.value(LabReading.class).deserializer())) {
                        byId.put(r.getReadingId(), r.getPatientId() + " " + r.getValue() + " " + r.getUnit());
                    }
                    assertThat(byId).hasSize(6);
                });
        return byId;
    }

    private static <V> List<V> read(String topic, Deserializer<V> deserializer) {
        List<V> values = new ArrayList<>();
        TopicExport.read(Map.of(), KAFKA.bootstrapServers(), topic, deserializer, (k, v) -> values.add(v));
        return values;
    }

    private static String[] withCluster(Topics topics, String command, String... rest) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(PipelineArguments.ingest(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), topics));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    /** Starts {@code ingest-hl7} in its own JVM, as an operator runs it, and returns its port. */
    private int startIngest(Topics topics) throws IOException {
        Files.createDirectories(LOGS);
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> arguments = new ArrayList<>(List.of("--port", "0"));
        arguments.addAll(PipelineArguments.ingest(KAFKA.bootstrapServers(), REGISTRY.confluentUrl(), topics));
        IngestHl7Jvm.Started started =
                IngestHl7Jvm.start(arguments, LOGS.resolve(run + ".out"), LOGS.resolve(run + ".err"));
        ingest = started.process();
        return started.port();
    }
}
