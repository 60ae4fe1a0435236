package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistries;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay of files with the errors users make (a JSON line cut short, a date written 14/02/2020 08:15, a time
 * without offset, an events CSV from a spreadsheet that separates with ';'): what is readable is processed, every
 * other line is dead-lettered by the file reader with its file, line and field, and the line itself; sealed when a
 * dead-letter key is configured.
 */
class RefusedFileLinesIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final String CUT_SHORT = "{\"readingId\":\"FE-CRP-2\",\"patientId\":\"FE-1\",\"analyte\":\"CRP\",";
    private static final String DAY_MONTH_YEAR = reading("FE-CRP-3", "40", "14/02/2020 08:15");
    private static final String NO_OFFSET = reading("FE-CRP-4", "30", "2020-02-15T08:15:00");
    private static final String DOTTED_EVENT = "FE-E3;FE-1;DISCHARGED;20.02.2020 10:00;;";

    @TempDir
    Path dir;

    @Test
    void shouldProcessWhatIsReadableAndDeadLetterEachBadLineNamedWhenReplayingEmbedded() throws Exception {
        Path readings = readings();
        Path events = events();
        Path out = dir.resolve("out");

        CommandRun replay = CommandRun.execute(
                "replay", "--readings", readings.toString(), "--events", events.toString(), "--out", out.toString());

        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out())
                .contains("Sent 2 events (1 malformed lines) to clinical-events; 1 malformed lines dead-lettered"
                        + " UNDESERIALIZABLE to lab-readings-dlq")
                .contains("Sent 2 readings (3 malformed lines) to lab-readings")
                .contains("and 4 file lines dead-lettered by the file reader (lab-readings-dlq)");
        List<Map<String, Object>> letters = records(out.resolve("lab-readings-dlq.ndjson"));
        assertThat(letters)
                .extracting(d -> d.get("sourceTopic"), d -> d.get("errorCode"), d -> d.get("payload"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("file:events.csv", "UNDESERIALIZABLE", DOTTED_EVENT),
                        org.assertj.core.groups.Tuple.tuple("file:readings.ndjson", "UNDESERIALIZABLE", CUT_SHORT),
                        org.assertj.core.groups.Tuple.tuple("file:readings.ndjson", "UNDESERIALIZABLE", DAY_MONTH_YEAR),
                        org.assertj.core.groups.Tuple.tuple("file:readings.ndjson", "UNDESERIALIZABLE", NO_OFFSET));
        assertThat(letters)
                .extracting(d -> (String) d.get("message"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("events.csv line 4: field 'at' must be an ISO-8601 date-time with an offset, e.g."
                                + " 2020-02-14T08:15:00+08:00"))
                .anySatisfy(m -> assertThat(m).startsWith("readings.ndjson line 2: line is not valid JSON: it ends"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("readings.ndjson line 3: field 'observedAt' must be")
                        .contains("day/month/year"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("readings.ndjson line 4: field 'observedAt' must be")
                        .contains("no offset"))
                .allSatisfy(m -> assertThat(m).doesNotContain("Unknown magic byte"));
        // The semicolon-separated events anchor the patient: the readable readings normalize against them.
        assertThat(records(out.resolve("time-to-normalization.ndjson"))).last().satisfies(t -> assertThat(t)
                .containsEntry("patientId", "FE-1")
                .containsEntry("arm", "MSC")
                .containsEntry("status", "NORMALIZED"));
    }

    @Test
    void shouldSealTheLineInTheDeadLetterWhenADeadLetterKeyIsConfigured() throws Exception {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.defaults().withSuffix(suffix);
        String registry = "mock://refused" + suffix;
        byte[] key = new byte[DeadLetterKeys.KEY_BYTES];
        new java.security.SecureRandom().nextBytes(key);
        Path keyFile = Files.writeString(
                dir.resolve("dlq.key"), "file-key:" + Base64.getEncoder().encodeToString(key) + "\n");
        List<String> args =
                new ArrayList<>(List.of("replay", "--readings", readings().toString()));
        args.addAll(PipelineArguments.cluster(KAFKA.bootstrapServers(), registry));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of("--dead-letter-key-file", keyFile.toString()));

        CommandRun replay = CommandRun.execute(args.toArray(String[]::new));

        assertThat(replay.exit()).as(replay.err()).isZero();
        AvroSerdes serdes =
                new AvroSerdes(SchemaRegistries.fromProperties(Map.of(RegistryConfig.URL, registry)), false);
        List<DeadLetter> letters = new ArrayList<>();
        for (byte[] value : values(topics.deadLetters())) {
            letters.add(serdes.value(DeadLetter.class).deserializer().deserialize(topics.deadLetters(), value));
        }
        assertThat(letters).hasSize(3).allSatisfy(letter -> {
            assertThat(letter.getPayload()).isNull();
            assertThat(letter.getSealed()).isNotNull();
            assertThat(letter.getMessage()).doesNotContain("line");
        });
        DeadLetterKeys keys = DeadLetterKeys.parse(Files.readAllBytes(keyFile));
        assertThat(letters)
                .map(letter -> DeadLetters.open(letter, keys))
                .extracting(letter -> utf8(letter.getPayload()), DeadLetter::getSourceTopic)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(CUT_SHORT, "file:readings.ndjson"),
                        org.assertj.core.groups.Tuple.tuple(DAY_MONTH_YEAR, "file:readings.ndjson"),
                        org.assertj.core.groups.Tuple.tuple(NO_OFFSET, "file:readings.ndjson"));
        assertThat(letters)
                .map(letter -> DeadLetters.open(letter, keys).getMessage())
                .anySatisfy(m -> assertThat(m).startsWith("readings.ndjson line 3: field 'observedAt'"));
    }

    private Path readings() throws Exception {
        return Files.write(
                dir.resolve("readings.ndjson"),
                List.of(
                        reading("FE-CRP-1", "85", "2020-02-13T08:00:00+08:00"),
                        CUT_SHORT,
                        DAY_MONTH_YEAR,
                        NO_OFFSET,
                        reading("FE-CRP-5", "8", "2020-02-17T08:00:00+08:00")),
                StandardCharsets.UTF_8);
    }

    private Path events() throws Exception {
        // What a spreadsheet with the comma as decimal separator writes: ';' between cells, strata quoted.
        return Files.write(
                dir.resolve("events.csv"),
                List.of(
                        "eventId;patientId;type;at;arm;strata",
                        "FE-E1;FE-1;RANDOMIZED;2020-02-13T09:00:00+08:00;MSC;\"severity=severe;ageBand=40-59\"",
                        "FE-E2;FE-1;INFUSION;2020-02-14T10:00:00+08:00;;",
                        DOTTED_EVENT),
                StandardCharsets.UTF_8);
    }

    private static String reading(String readingId, String value, String observedAt) {
        return "{\"readingId\":\"" + readingId + "\",\"patientId\":\"FE-1\",\"analyte\":\"CRP\",\"value\":\"" + value
                + "\",\"unit\":\"mg/L\",\"observedAt\":\"" + observedAt + "\"}";
    }

    private static List<Map<String, Object>> records(Path file) throws Exception {
        List<Map<String, Object>> records = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            records.add(AvroJson.parse(line));
        }
        return records;
    }

    /** Every value on the topic's single partition, from the beginning to its end now. */
    private static List<byte[]> values(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static String utf8(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
