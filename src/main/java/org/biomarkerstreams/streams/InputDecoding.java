package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Record;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.streams.patient.PatientInput;

/**
 * How one input topic becomes the patient processor's input: decoded without ever throwing (bad bytes become a
 * dead letter downstream), timed by the record's own event time. The topology's sources and the backfill's reader
 * both go through it, so they read the same bytes the same way.
 */
final class InputDecoding<V extends SpecificRecord> {

    private final TopicSpec<V> topic;
    private final SafeDeserializer<V> deserializer;
    private final InputTimestampExtractor<V> timestamps;
    private final Function<Decoded<V>, PatientInput> asInput;

    private InputDecoding(
            TopicSpec<V> topic,
            Function<V, Instant> eventTime,
            Function<Decoded<V>, PatientInput> asInput,
            TopologyConfig config) {
        this.topic = topic;
        this.deserializer = new SafeDeserializer<>(topic.valueSerde().deserializer(), config.maxRecordBytes());
        this.timestamps = new InputTimestampExtractor<>(eventTime, config.clock(), config.futureTolerance());
        this.asInput = asInput;
    }

    static InputDecoding<LabReading> readings(TopologyConfig config, AvroSerdes serdes) {
        return new InputDecoding<>(
                config.topics().readings(serdes), LabReading::getObservedAt, PatientInput.Reading::new, config);
    }

    static InputDecoding<ClinicalEvent> events(TopologyConfig config, AvroSerdes serdes) {
        return new InputDecoding<>(
                config.topics().events(serdes), ClinicalEvent::getAt, PatientInput.Event::new, config);
    }

    TopicSpec<V> topic() {
        return topic;
    }

    /** The source of the topology, named {@code sourceName}. */
    Consumed<String, Decoded<V>> consumed(String sourceName) {
        Serde<Decoded<V>> decoding = Serdes.serdeFrom(
                (t, data) -> {
                    throw new UnsupportedOperationException("decoded input values are never written");
                },
                deserializer);
        return Consumed.with(topic.keySerde(), decoding)
                .withTimestampExtractor(timestamps)
                .withName(sourceName);
    }

    PatientInput asInput(Decoded<V> decoded) {
        return asInput.apply(decoded);
    }

    /**
     * One record as the topology's source hands it on: key and value decoded, timestamp extracted given the
     * partition's time so far.
     */
    Record<String, PatientInput> record(
            int partition, long offset, Headers headers, byte[] key, byte[] value, long partitionTime) {
        String k = topic.keySerde().deserializer().deserialize(topic.name(), headers, key);
        Decoded<V> decoded = deserializer.deserialize(topic.name(), headers, value);
        ConsumerRecord<Object, Object> consumed = new ConsumerRecord<>(topic.name(), partition, offset, k, decoded);
        long at = timestamps.extract(consumed, partitionTime);
        return new Record<>(k, asInput(decoded), at, headers);
    }

    /** One record decoded, with the timestamp extracted when it was first read (a backfill's replay of its spill). */
    Record<String, PatientInput> record(Headers headers, byte[] key, byte[] value, long timestamp) {
        String k = topic.keySerde().deserializer().deserialize(topic.name(), headers, key);
        Decoded<V> decoded = deserializer.deserialize(topic.name(), headers, value);
        return new Record<>(k, asInput(decoded), timestamp, headers);
    }
}
