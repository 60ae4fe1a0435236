package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
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
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong sent = new AtomicLong();

    public InputPublisher(
            Map<String, String> clientProperties, String bootstrapServers, Topics topics, AvroSerdes serdes) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
        this.readings = serdes.value(LabReading.class).serializer();
        this.events = serdes.value(ClinicalEvent.class).serializer();
    }

    public void reading(RawReading r) {
        send(topics.readings(), r.patientId(), readings.serialize(topics.readings(), InputMapping.toAvro(r)));
    }

    public void event(RawClinicalEvent e) {
        send(topics.events(), e.patientId(), events.serialize(topics.events(), InputMapping.toAvro(e)));
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
