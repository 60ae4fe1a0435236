package org.biomarkerstreams.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.biomarkerstreams.streams.AvroJson;

/**
 * Reads a topic from the beginning to the end offsets taken at start (read_committed), without a
 * consumer group: a snapshot of what the pipeline has written, in partition order.
 */
public final class TopicExport {

    private TopicExport() {}

    /** Feeds every committed record of {@code topic} to {@code sink}; returns the count. */
    public static <V> long read(
            Map<String, String> clientProperties,
            String bootstrapServers,
            String topic,
            Deserializer<V> values,
            BiConsumer<String, V> sink) {
        return read(clientProperties, bootstrapServers, topic, values, sink, null);
    }

    /**
     * As above, with a {@link ProgressLine} on stderr named {@code progress} (e.g. {@code "export: <topic>"}) when
     * reading takes longer than its first interval; none when {@code progress} is null.
     */
    public static <V> long read(
            Map<String, String> clientProperties,
            String bootstrapServers,
            String topic,
            Deserializer<V> values,
            BiConsumer<String, V> sink,
            String progress) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "biomarker-export-" + UUID.randomUUID());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        long count = 0;
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions));
            ProgressLine line = null;
            if (progress != null) {
                // Offsets, not records: under exactly-once, transaction markers take offsets too, so the total
                // is an upper bound and the ETA errs on the long side.
                long total = 0;
                for (Map.Entry<TopicPartition, Long> b :
                        consumer.beginningOffsets(partitions).entrySet()) {
                    total += ends.get(b.getKey()) - b.getValue();
                }
                line = ProgressLine.onStderr(progress, total);
            }
            while (!caughtUp(consumer, ends)) {
                int batch = 0;
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(r.key(), r.value());
                    count++;
                    batch++;
                }
                if (line != null) {
                    line.advance(batch);
                }
            }
            if (line != null) {
                line.finish();
            }
        }
        return count;
    }

    /** Writes every committed record of {@code topic} as one JSON object per line to {@code file}. */
    public static <V extends IndexedRecord> long toNdjson(
            Map<String, String> clientProperties,
            String bootstrapServers,
            String topic,
            Deserializer<V> values,
            Path file)
            throws IOException {
        return toNdjson(clientProperties, bootstrapServers, topic, values, UnaryOperator.identity(), file);
    }

    /**
     * As above, each record passed through {@code transform} (e.g. a date shift) before it is written. The records go
     * to a temporary file beside {@code file}, which replaces {@code file} only when the whole topic was read: a
     * failure leaves no empty or half-written file, and an earlier export of the topic stays as it was.
     */
    public static <V extends IndexedRecord> long toNdjson(
            Map<String, String> clientProperties,
            String bootstrapServers,
            String topic,
            Deserializer<V> values,
            UnaryOperator<V> transform,
            Path file)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "." + file.getFileName(), ".partial");
        try {
            long n;
            try (BufferedWriter out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                IOException[] failure = new IOException[1];
                n = read(clientProperties, bootstrapServers, topic, values, (k, v) -> {
                    if (v == null || failure[0] != null) {
                        return;
                    }
                    try {
                        out.write(AvroJson.toJson(transform.apply(v)));
                        out.write('\n');
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return n;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
