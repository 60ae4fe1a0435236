package org.biomarkerstreams.streams;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A key-value store as the topology declares it: its name (the upgrade contract: {@code
 * <application.id>-<name>-changelog}) and the serdes of its keys and values. One declaration serves the
 * topology (persistent, changelogged) and the backfill ({@link SerializedStore}, in memory, written to the
 * same changelog in the same bytes).
 */
public record StoreSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public StoreSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** The store the topology adds: RocksDB, changelogged. */
    public StoreBuilder<KeyValueStore<K, V>> persistent() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keySerde, valueSerde);
    }

    /** An empty in-memory store holding the bytes the persistent store would hold. */
    public SerializedStore<K, V> inMemory() {
        return new SerializedStore<>(name, keySerde, valueSerde);
    }

    /** The name of the store's changelog topic, as Kafka Streams names it. */
    public String changelog(String applicationId) {
        return applicationId + "-" + name + "-changelog";
    }
}
