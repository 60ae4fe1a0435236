package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;

/**
 * Writes input records to the input topics, keyed by patient id, in the Confluent wire format,
 * durably (acks=all, idempotent). A line that could not even be parsed is written as its raw bytes
 * with no key, so the topology dead-letters it like any other bad input and nothing is skipped.
 */
public final class InputPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final Serializer<LabReading> readings;
    private final Serializer<ClinicalEvent> events;
    private final Serializer<DeadLetter> deadLetters;
    private final DeadLetters letters;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();

    /** A publisher whose dead letters are in plaintext. */
    public InputPublisher(
            Map<String, String> clientProperties, String bootstrapServers, Topics topics, AvroSerdes serdes) {
        this(clientProperties, bootstrapServers, topics, serdes, new DeadLetters(Clock.systemUTC()));
    }

    /** A publisher that makes its dead letters (input that never reached an input topic) with {@code letters}. */
    public InputPublisher(
            Map<String, String> clientProperties,
            String bootstrapServers,
            Topics topics,
            AvroSerdes serdes,
            DeadLetters letters) {
        this.letters = letters;
        Properties p = durableProducer(clientProperties, bootstrapServers);
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.readings = topics.readings(serdes).valueSerde().serializer();
        this.events = topics.events(serdes).valueSerde().serializer();
        this.deadLetters = topics.deadLetters(serdes).valueSerde().serializer();
    }

    /**
     * A producer that loses nothing it acknowledged: every write on all in-sync replicas, and idempotent, so a
     * retried batch is never written twice. The operator's client properties come first; these two win.
     */
    public static Properties durableProducer(Map<String, String> clientProperties, String bootstrapServers) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }

    public void reading(RawReading r) {
        send(topics.readings(), r.patientId(), readings.serialize(topics.readings(), InputMapping.toAvro(r)));
    }

    public void event(RawClinicalEvent e) {
        send(topics.events(), e.patientId(), events.serialize(topics.events(), InputMapping.toAvro(e)));
    }

    /**
     * Starts writing a whole message's records; {@link PendingWrite#await} returns only when the
     * broker has acknowledged every one (acks=all): what an HL7 AA may promise. Split in two so the
     * caller can prepare its answer while the records travel.
     */
    public PendingWrite startWrite(List<RawReading> readingsOfMessage, List<RawClinicalEvent> eventsOfMessage) {
        // Every record encoded before the first send: the first send wakes the producer's I/O thread, and the
        // less time until the last one, the likelier a message's records leave in one produce request (on a
        // busy listener, with the next messages of other connections) instead of one record alone first.
        List<ProducerRecord<String, byte[]>> records =
                new ArrayList<>(eventsOfMessage.size() + readingsOfMessage.size());
        for (RawClinicalEvent e : eventsOfMessage) {
            records.add(new ProducerRecord<>(
                    topics.events(), e.patientId(), events.serialize(topics.events(), InputMapping.toAvro(e))));
        }
        for (RawReading r : readingsOfMessage) {
            records.add(new ProducerRecord<>(
                    topics.readings(), r.patientId(), readings.serialize(topics.readings(), InputMapping.toAvro(r))));
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            sends.add(producer.send(record));
        }
        return timeout -> {
            awaitAll(sends, timeout);
            sent.addAndGet(sends.size());
        };
    }

    /** Records of one message on their way to the broker. */
    @FunctionalInterface
    public interface PendingWrite {
        /**
         * Returns once every record is acknowledged. Throws when a write fails or does not complete
         * within {@code timeout}; some records may then be written, and the sender's resend is
         * deduplicated downstream by reading id and revision.
         */
        void await(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** Writes a dead letter for input that never reached an input topic (e.g. an HL7 content error), durably. */
    public void deadLetterDurably(
            DeadLetters.Source source, ErrorCode code, String message, byte[] payload, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        awaitAll(List.of(deadLetter(source, code, message, payload)), timeout);
    }

    /**
     * Writes a dead letter for input that never reached an input topic (e.g. an HL7 content error);
     * {@link #flush()} waits for it.
     */
    public Future<RecordMetadata> deadLetter(
            DeadLetters.Source source, ErrorCode code, String message, byte[] payload) {
        throwIfFailed();
        DeadLetter letter = letters.of(source, null, payload, null, code, message);
        return producer.send(
                new ProducerRecord<>(
                        topics.deadLetters(),
                        null,
                        letters.timestamp(),
                        null,
                        deadLetters.serialize(topics.deadLetters(), letter)),
                (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
    }

    private static void awaitAll(List<Future<RecordMetadata>> sends, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> f : sends) {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    public void malformedReading(String line) {
        send(topics.readings(), null, line.getBytes(StandardCharsets.UTF_8));
    }

    public void malformedEvent(String line) {
        send(topics.events(), null, line.getBytes(StandardCharsets.UTF_8));
    }

    private void send(String topic, String key, byte[] value) {
        throwIfFailed();
        producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent.incrementAndGet();
    }

    /** Waits until everything sent is acknowledged; throws the first send failure. */
    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    public long sent() {
        return sent.get();
    }

    private void throwIfFailed() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("writing input to Kafka failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
