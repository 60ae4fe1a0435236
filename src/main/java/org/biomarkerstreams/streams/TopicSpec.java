package org.biomarkerstreams.streams;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic with what is on it: its name, the type of its values and the serdes of its keys (patient ids or
 * composite keys, as strings) and values. Made from {@link Topics} (the configured names) and {@link AvroSerdes}
 * (the registry), so that readers and writers of a topic cannot disagree on its type.
 */
public record TopicSpec<V extends SpecificRecord>(
        String name, Class<V> valueType, Serde<String> keySerde, Serde<V> valueSerde) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** A topic of Avro records of {@code type} in the registry wire format, keyed by strings. */
    public static <V extends SpecificRecord> TopicSpec<V> avro(String name, Class<V> type, AvroSerdes serdes) {
        return new TopicSpec<>(name, type, Serdes.String(), serdes.value(type));
    }

    /** How the topology writes this topic; the sink is named after the topic, for a stable topology. */
    public Produced<String, V> produced() {
        return Produced.with(keySerde, valueSerde).withName("to-" + name);
    }

    public Consumed<String, V> consumed() {
        return Consumed.with(keySerde, valueSerde);
    }

    /** Whether a record of a stream of several record types belongs on this topic. */
    public boolean carries(Object value) {
        return valueType.isInstance(value);
    }

    /** The value as this topic's type (a tombstone stays null). */
    public V cast(Object value) {
        return valueType.cast(value);
    }
}
