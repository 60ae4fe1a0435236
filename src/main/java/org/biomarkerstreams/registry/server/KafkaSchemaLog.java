package org.biomarkerstreams.registry.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted, single-partition Kafka topic ({@code _schemas}, as Confluent's registry keeps
 * its own): one partition so that the order of changes is the order of records; compacted so that the latest state
 * of every key is kept forever. Writes are acknowledged by all in-sync replicas before the registry answers.
 */
final class KafkaSchemaLog implements SchemaLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaLog.class);

    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<LogEntry> initial;

    private KafkaSchemaLog(
            String topic, Duration timeout, KafkaProducer<byte[], byte[]> producer, List<LogEntry> initial) {
        this.topic = topic;
        this.timeout = timeout;
        this.producer = producer;
        this.initial = initial;
    }

    /** The topic as the registry needs it: one partition, compacted, the cluster's replication factor. */
    static NewTopic topic(String name) {
        return new NewTopic(name, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /**
     * Reads {@code topic} from its start to its current end and opens a producer to it.
     *
     * @throws IllegalStateException when the topic does not exist, has more than one partition, or cannot be read
     *     within {@code timeout}
     */
    static KafkaSchemaLog open(String bootstrapServers, String topic, Duration timeout) {
        List<LogEntry> entries = readFromStart(bootstrapServers, topic, timeout);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.CLIENT_ID_CONFIG,
                        "schema-registry-writer",
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0,
                        ProducerConfig.MAX_BLOCK_MS_CONFIG,
                        (int) timeout.toMillis(),
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis(),
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis() * 2),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        return new KafkaSchemaLog(topic, timeout, producer, entries);
    }

    @Override
    public List<LogEntry> readAll() {
        return initial;
    }

    @Override
    public void append(LogEntry entry) {
        LogEntryCodec.Bytes bytes = LogEntryCodec.encode(entry);
        try {
            producer.send(new ProducerRecord<>(topic, 0, bytes.key(), bytes.value()))
                    .get(timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryError.store("Interrupted while writing to the schemas topic " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.error("Could not write to the schemas topic {}: {}", topic, cause.toString());
            throw RegistryError.store(
                    "Error in the backend data store: could not write to topic " + topic + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private static List<LogEntry> readFromStart(String bootstrapServers, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "schema-registry-reader",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        (int) timeout.toMillis()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("The schemas topic " + topic + " does not exist on " + bootstrapServers
                        + "; create it compacted with one partition");
            }
            if (partitions.size() != 1) {
                throw new IllegalStateException("The schemas topic " + topic + " has " + partitions.size()
                        + " partitions; it must have exactly one, or the order of changes is lost");
            }
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            List<LogEntry> entries = new ArrayList<>();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read the schemas topic " + topic + " to its end (offset "
                            + end + ") within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        LogEntryCodec.decode(r.key(), r.value()).ifPresent(entries::add);
                    } catch (IllegalArgumentException e) {
                        log.error("Skipping record {} of the schemas topic {}: {}", r.offset(), topic, e.getMessage());
                    }
                }
            }
            return entries;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException(
                    "Could not read the schemas topic " + topic + " from " + bootstrapServers + " within " + timeout
                            + ": " + e.getMessage(),
                    e);
        }
    }
}
