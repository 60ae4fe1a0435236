package org.biomarkerstreams.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.biomarkerstreams.avro.LabReading;

/**
 * The ceiling: a plain {@link KafkaConsumer} reads the whole reading topic from the beginning and decodes every value
 * with the product's own wire-format serde (the one the topology uses), and nothing else. Run in its own JVM, pinned
 * like the application, by {@link StreamsBench}. Consumer defaults except {@code isolation.level=read_committed} (as
 * the exactly-once topology reads) and no group.
 *
 * <p>Usage: {@code RawConsume BOOTSTRAP TOPIC REGISTRY_URL EXPECTED}. Prints {@code raw: <records> <nanos> <check>}.
 */
public final class RawConsume {

    private RawConsume() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String registryUrl = args[2];
        long expected = Long.parseLong(args[3]);
        Deserializer<LabReading> values =
                BenchRegistry.readingSerde(registryUrl, false).deserializer();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // connection and offsets before the clock starts
            long count = 0;
            long check = 0;
            long start = System.nanoTime();
            while (count < expected) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofSeconds(5));
                for (ConsumerRecord<String, byte[]> r : records) {
                    LabReading reading = values.deserialize(topic, r.value());
                    check += reading.getReadingId().length() + r.key().length();
                    count++;
                }
                if (records.isEmpty() && System.nanoTime() - start > 600_000_000_000L) {
                    throw new IllegalStateException("only " + count + " of " + expected + " readings after 10 min");
                }
            }
            long nanos = System.nanoTime() - start;
            System.out.printf("raw: %d %d %d%n", count, nanos, check);
        }
    }
}
