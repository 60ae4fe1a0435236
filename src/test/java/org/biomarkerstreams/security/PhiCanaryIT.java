package org.biomarkerstreams.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.cli.BackgroundRun;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistries;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.CanaryLog;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.MllpExchange;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * PHI minimized by default (issue 16, item 6), end to end: {@code run} with a pseudonym key and a dead-letter key on a
 * real KRaft broker and a real Apicurio registry, fed a canary patient through NDJSON and HL7 file replay and HL7 over
 * MLLP, with good and bad readings. The canary is then looked for in every log line, in the meters a Prometheus scrape
 * would get (read in process: the HTTP server is being replaced), on every output topic, on the internal topics, and
 * in the dead letters, which are sealed; {@code replay --from-dlq} refuses without the key and replays the original
 * bytes with it.
 *
 * <p>What keeps the id by design: the input topics, and the changelogs of the patient processor's own stores, which
 * are keyed by patient id as the inputs are. What this test holds them to: none of them holds a pseudonym, so no
 * internal topic maps a pseudonym back to an id.
 */
class PhiCanaryIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String CANARY = "PHICANARY-q7z4-0001";
    /** The HL7 id is PID-3 with its assigning authority: {@code run} keys HL7 by {@code id-authority} here. */
    private static final String CANARY_HL7 = CANARY + "^WUHAN_UH";
    /** Any part that names the planted patient. */
    private static final List<String> WATCHED = List.of("PHICANARY", "q7z4-0001");

    @TempDir
    Path dir;

    private final String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = new Topics(
            "lab-readings" + suffix,
            "clinical-events" + suffix,
            "biomarker-trajectory-points" + suffix,
            "biomarker-summaries" + suffix,
            "time-to-normalization" + suffix,
            "lab-readings-dlq" + suffix,
            "cohort-visit-summaries" + suffix,
            "cohort-normalization-curves" + suffix,
            "biomarker-alerts" + suffix);
    private final String applicationId = "phi-canary" + suffix;

    @Test
    void shouldFindTheCanaryNowhereButInTheInputsAndSealedDeadLettersThatOnlyTheKeyOpens() throws Exception {
        byte[] pseudonymKey = random(48);
        Path pseudonymKeyFile = Files.writeString(
                dir.resolve("pseudonym.key"), Base64.getEncoder().encodeToString(pseudonymKey));
        Path deadLetterKeyFile = Files.writeString(
                dir.resolve("dead-letter.key"),
                "# rotated: the first key seals\ncanary-2:"
                        + Base64.getEncoder().encodeToString(random(32)) + "\ncanary-1:"
                        + Base64.getEncoder().encodeToString(random(32)) + "\n");
        DeadLetterKeys keys = DeadLetterKeys.parse(Files.readAllBytes(deadLetterKeyFile));
        Pseudonym pseudonym = Pseudonym.withKey(
                Base64.getEncoder().encodeToString(pseudonymKey).getBytes(StandardCharsets.US_ASCII));
        Path config = Files.writeString(dir.resolve("client.properties"), "commit.interval.ms=200\n");
        Path readings = Files.writeString(
                dir.resolve("readings.ndjson"),
                String.join(
                        "\n",
                        ndjsonReading("R-" + CANARY + "-1", "40", "mg/L", "2020-02-02T00:00:00Z"),
                        ndjsonReading("R-" + CANARY + "-2", "4", "mg/L", "2020-02-05T00:00:00Z"),
                        ndjsonReading("R-" + CANARY + "-3", "12", "furlongs", "2020-02-05T00:00:00Z"),
                        ndjsonReading("R-" + CANARY + "-4", "lots-" + CANARY, "mg/L", "2020-02-06T00:00:00Z"),
                        "{\"readingId\":\"R-" + CANARY + "-5\",\"patientId\":\"" + CANARY + "\",\"value\":",
                        ""));
        Path events = Files.writeString(
                dir.resolve("events.ndjson"),
                String.join(
                        "\n",
                        event(CANARY, "RANDOMIZED", "2020-02-01T09:00:00Z", ",\"arm\":\"MSC\""),
                        event(CANARY, "INFUSION", "2020-02-02T10:00:00Z", ""),
                        event(CANARY_HL7, "RANDOMIZED", "2020-02-01T09:00:00Z", ",\"arm\":\"MSC\""),
                        event(CANARY_HL7, "INFUSION", "2020-02-02T01:00:00Z", ""),
                        ""));
        Path hl7 = Files.writeString(
                dir.resolve("messages.hl7"), unsupported("H-1").replace('\r', '\n'));

        CanaryLog log = CanaryLog.watch(WATCHED);
        List<DeadLetter> letters = new ArrayList<>();
        try {
            try (BackgroundRun run = BackgroundRun.start(
                    LIMIT,
                    withCluster(
                            "--application-id",
                            applicationId,
                            "--state-dir",
                            dir.resolve("state").toString(),
                            "--config",
                            config.toString(),
                            // The fixtures are from 2020: keep the canary's state whatever stream time does.
                            "--state-retention-days",
                            "0",
                            "--pseudonym-key-file",
                            pseudonymKeyFile.toString(),
                            "--dead-letter-key-file",
                            deadLetterKeyFile.toString(),
                            "--http-port",
                            "0",
                            "--health-port",
                            "0",
                            "--http-bind-address",
                            "127.0.0.1",
                            "--mllp-port",
                            "0",
                            "--patient-id-rule",
                            "id-authority"))) {
                Command replay = command(withCluster(
                        "replay",
                        "--events",
                        events.toString(),
                        "--readings",
                        readings.toString(),
                        "--hl7",
                        hl7.toString(),
                        "--pseudonym-key-file",
                        pseudonymKeyFile.toString(),
                        "--dead-letter-key-file",
                        deadLetterKeyFile.toString()));
                assertThat(replay.exit()).as(replay.printed()).isZero();
                assertThat(MllpExchange.send(run.mllpPort(), oru("MSG-1"))).contains("MSA|AA|");
                assertThat(MllpExchange.send(run.mllpPort(), unsupported("MSG-2")))
                        .contains("MSA|AE|MSG-2");

                // 2 bad NDJSON readings, 1 malformed line, 1 HL7 file and 1 MLLP message nobody takes.
                await("the dead letters and the canary's points").atMost(LIMIT).untilAsserted(() -> {
                    assertThat(raw(topics.deadLetters())).hasSizeGreaterThanOrEqualTo(5);
                    assertThat(raw(topics.trajectory()))
                            .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                            .anyMatch(k -> k.startsWith(pseudonym.of(CANARY) + "|"))
                            .anyMatch(k -> k.startsWith(pseudonym.of(CANARY_HL7) + "|"));
                });

                String scrape = run.scrape();
                assertThat(scrape).contains("biomarker_records_dead_lettered_total");
                WATCHED.forEach(w -> assertThat(scrape).as("the meters").doesNotContain(w));
                assertThat(run.printed()).doesNotContain("PHICANARY");
            }

            for (String topic : topics.outputs()) {
                if (topic.equals(topics.deadLetters())) {
                    continue;
                }
                assertNoCanary(topic, raw(topic));
            }
            AvroSerdes serdes = new AvroSerdes(
                    SchemaRegistries.fromProperties(Map.of(RegistryConfig.URL, REGISTRY.confluentUrl())), false);
            List<ConsumerRecord<byte[], byte[]>> dlq = raw(topics.deadLetters());
            assertNoCanary(topics.deadLetters(), dlq);
            for (ConsumerRecord<byte[], byte[]> r : dlq) {
                DeadLetter letter =
                        serdes.value(DeadLetter.class).deserializer().deserialize(topics.deadLetters(), r.value());
                assertThat(letter.getSealed()).as("%s", letter.getErrorCode()).isNotNull();
                assertThat(letter.getSealed().getKeyId()).isEqualTo("canary-2");
                assertThat(letter.getKey()).isNull();
                assertThat(letter.getPayload()).isNull();
                assertThat(r.key() == null || new String(r.key(), StandardCharsets.UTF_8).startsWith(Pseudonym.PREFIX))
                        .as("a sealed dead letter is keyed by pseudonym or not at all")
                        .isTrue();
                letters.add(letter);
            }
            assertThat(letters)
                    .extracting(DeadLetter::getErrorCode)
                    .contains("UNKNOWN_UNIT", "NON_NUMERIC", "UNDESERIALIZABLE", "UNSUPPORTED_MESSAGE");

            Set<String> internal = KAFKA.admin().listTopics().names().get();
            assertThat(internal)
                    .as("no table from pseudonyms back to ids")
                    .doesNotContain(applicationId + "-" + PatientStores.REMOVED_PSEUDONYMS + "-changelog")
                    .contains(applicationId + "-" + PatientStores.READINGS + "-changelog");
            List<String> patientStoreChangelogs = List.of(PatientStores.names()).stream()
                    .map(s -> applicationId + "-" + s + "-changelog")
                    .toList();
            for (String topic : internal) {
                if (!topic.startsWith(applicationId + "-")) {
                    continue;
                }
                List<ConsumerRecord<byte[], byte[]>> records = raw(topic);
                if (patientStoreChangelogs.contains(topic)) {
                    // Keyed by patient id like the inputs; never beside a pseudonym.
                    assertThat(records)
                            .as("%s holds no pseudonym", topic)
                            .noneMatch(
                                    r -> contains(r.value(), Pseudonym.PREFIX) || contains(r.key(), Pseudonym.PREFIX));
                } else {
                    assertNoCanary(topic, records);
                }
            }

            // Without the key the replay refuses; with it, the original bytes go back to the input topic.
            Command refused = command(withCluster("replay", "--from-dlq"));
            assertThat(refused.exit()).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(refused.printed()).contains("sealed").contains("--dead-letter-key-file");
            Command replayed = command(
                    withCluster("replay", "--from-dlq", "--dead-letter-key-file", deadLetterKeyFile.toString()));
            assertThat(replayed.exit()).as(replayed.printed()).isZero();
            // The two bad readings go back; the malformed line (dead-lettered by the file reader, source file:...) and
            // the two HL7 messages (hl7:...) never were on an input topic: a fixed file or message is sent again.
            assertThat(replayed.printed())
                    .contains("2 replayed")
                    .contains("3 not from an input topic")
                    .contains("0 sealed and not opened");
        } finally {
            log.close();
        }
        assertThat(log.debugEvents()).as("DEBUG lines were watched").isPositive();
        assertThat(log.leaks()).as("log lines naming the canary").isEmpty();

        DeadLetter nonNumeric = letters.stream()
                .filter(l -> l.getErrorCode().equals("NON_NUMERIC"))
                .findFirst()
                .orElseThrow();
        DeadLetter opened = DeadLetters.open(nonNumeric, keys);
        assertThat(StandardCharsets.UTF_8.decode(opened.getKey()).toString()).isEqualTo(CANARY);
        AvroSerdes serdes = new AvroSerdes(
                SchemaRegistries.fromProperties(Map.of(RegistryConfig.URL, REGISTRY.confluentUrl())), false);
        LabReading original = serdes.value(LabReading.class)
                .deserializer()
                .deserialize(topics.readings(), bytes(opened.getPayload()));
        assertThat(original.getPatientId()).isEqualTo(CANARY);
        assertThat(original.getValue()).isEqualTo("lots-" + CANARY);
        byte[] payload = bytes(opened.getPayload());
        assertThat(raw(topics.readings()))
                .as("the replayed record is the original, byte for byte")
                .filteredOn(r -> java.util.Arrays.equals(r.value(), payload))
                .hasSize(2);
        DeadLetter hl7Letter = letters.stream()
                .filter(l -> l.getErrorCode().equals("UNSUPPORTED_MESSAGE"))
                .findFirst()
                .orElseThrow();
        assertThat(StandardCharsets.UTF_8
                        .decode(DeadLetters.open(hl7Letter, keys).getPayload())
                        .toString())
                .contains("PID|1||" + CANARY);
    }

    private record Command(int exit, String printed) {}

    private static Command command(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return new Command(exit, out.toString());
    }

    /** The command with the cluster, the registry and this test's topic names. */
    private String[] withCluster(String... rest) {
        List<String> args = new ArrayList<>();
        boolean command = !rest[0].startsWith("-");
        if (command) {
            args.add(rest[0]);
        }
        args.addAll(PipelineArguments.cluster(KAFKA.bootstrapServers(), REGISTRY.confluentUrl()));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of(rest).subList(command ? 1 : 0, rest.length));
        return args.toArray(String[]::new);
    }

    private static void assertNoCanary(String topic, List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            for (String w : WATCHED) {
                assertThat(contains(r.key(), w) || contains(r.value(), w))
                        .as("a record on %s names the canary", topic)
                        .isFalse();
            }
        }
    }

    /** Every committed record of the topic, as bytes. */
    private static List<ConsumerRecord<byte[], byte[]>> raw(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean contains(byte[] haystack, String needle) {
        return haystack != null && new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] b = new byte[view.remaining()];
        view.get(b);
        return b;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static String ndjsonReading(String id, String value, String unit, String at) {
        return "{\"readingId\":\"" + id + "\",\"patientId\":\"" + CANARY + "\",\"loinc\":\"1988-5\",\"value\":\""
                + value + "\",\"unit\":\"" + unit + "\",\"observedAt\":\"" + at
                + "\",\"status\":\"FINAL\",\"revision\":0}";
    }

    private static String event(String patient, String type, String at, String more) {
        return "{\"eventId\":\"E-" + patient + "-" + type + "\",\"patientId\":\"" + patient + "\",\"type\":\"" + type
                + "\",\"at\":\"" + at + "\"" + more + "}";
    }

    /** An ADT^A08 (not taken) naming the canary with a name and birth date: AE and a dead letter. */
    private static String unsupported(String controlId) {
        return "MSH|^~\\&|ADT|LAB|||20200203091500||ADT^A08|" + controlId + "|P|2.5.1\rPID|1||" + CANARY
                + "^^^WUHAN_UH^MR||Canary^Carla||19500101|F\r";
    }

    /** The bundled v2.5.1 ORU with the canary as patient. */
    private static String oru(String controlId) throws java.io.IOException {
        return MllpExchange.sample("oru-v251-loinc.hl7")
                .replace("P-017", CANARY)
                .replace("ORD-9001", "ORD-" + controlId)
                .replace("MSG00001", controlId)
                .replace("\r\n", "\r")
                .replace('\n', '\r');
    }
}
