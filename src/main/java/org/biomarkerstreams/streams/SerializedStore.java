package org.biomarkerstreams.streams;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store in memory that keeps what RocksDB would: serialized keys in byte order, serialized values.
 * So range scans see the order the topology's stores give, and {@link #forEachSerialized} hands out exactly the
 * bytes of the store's changelog records. Iterators are weakly consistent: the processors may write while they
 * scan, as RocksDB lets them (an iterator whose map changed goes on from the key after the last it returned).
 *
 * <p>Point reads and writes of existing keys go through a hash index of the same entries: most of the processors'
 * store calls are those, and a tree lookup compares the key with ~log2(n) others sharing the patient's prefix.
 */
public final class SerializedStore<K, V> implements KeyValueStore<K, V> {

    private static final String TOPIC = null;

    private final String name;
    private final Serializer<K> keys;
    private final Deserializer<K> keyReader;
    private final Serializer<V> values;
    private final Deserializer<V> valueReader;
    private final TreeMap<Bytes, Cell> map = new TreeMap<>();
    /** The same entries by key, sharing their cells: a write of an existing key sets the cell the tree holds. */
    private final HashMap<Bytes, Cell> index = new HashMap<>();

    private boolean open = true;
    /** Writes so far: an iterator over a map written since its last step resumes from its last key. */
    private int modifications;

    SerializedStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
        this.name = name;
        this.keys = keySerde.serializer();
        this.keyReader = keySerde.deserializer();
        this.values = valueSerde.serializer();
        this.valueReader = valueSerde.deserializer();
    }

    /** Every entry as the changelog carries it, in key order. */
    public void forEachSerialized(BiConsumer<byte[], byte[]> action) {
        map.forEach((k, c) -> action.accept(k.get(), c.value));
    }

    /** Drops every entry (the task's state was written out). */
    public void clear() {
        map.clear();
        index.clear();
        modifications++;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Nothing to restore: a backfill starts from empty state.
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void put(K key, V value) {
        Bytes k = serializeKey(key);
        byte[] v = value == null ? null : values.serialize(TOPIC, value);
        Cell cell = index.get(k);
        if (v == null) {
            remove(k);
        } else if (cell != null) {
            cell.value = v;
        } else {
            cell = new Cell(v);
            map.put(k, cell);
            index.put(k, cell);
        }
        modifications++;
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public V delete(K key) {
        modifications++;
        return deserialize(remove(serializeKey(key)));
    }

    @Override
    public V get(K key) {
        Cell cell = index.get(serializeKey(key));
        return cell == null ? null : deserialize(cell.value);
    }

    /** Removes {@code k}; returns its value, null when absent. */
    private byte[] remove(Bytes k) {
        Cell cell = index.remove(k);
        if (cell == null) {
            return null;
        }
        map.remove(k);
        return cell.value;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return iterator(slice(from, to), false);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return iterator(slice(from, to), true);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return iterator(map, false);
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return iterator(map, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        Bytes from = Bytes.wrap(prefixKeySerializer.serialize(TOPIC, prefix));
        Bytes to = Bytes.increment(from);
        return iterator(map.subMap(from, true, to, false), false);
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    /** Inclusive at both ends, open where null; empty when from is after to, as Kafka Streams' stores. */
    private NavigableMap<Bytes, Cell> slice(K from, K to) {
        Bytes f = from == null ? null : serializeKey(from);
        Bytes t = to == null ? null : serializeKey(to);
        if (f != null && t != null && f.compareTo(t) > 0) {
            return new TreeMap<>();
        }
        if (f == null && t == null) {
            return map;
        }
        if (f == null) {
            return map.headMap(t, true);
        }
        return t == null ? map.tailMap(f, true) : map.subMap(f, true, t, true);
    }

    private Bytes serializeKey(K key) {
        return Bytes.wrap(keys.serialize(TOPIC, key));
    }

    private V deserialize(byte[] bytes) {
        return bytes == null ? null : valueReader.deserialize(TOPIC, bytes);
    }

    private KeyValueIterator<K, V> iterator(NavigableMap<Bytes, Cell> entries, boolean reverse) {
        return new KeyValueIterator<>() {
            private NavigableMap<Bytes, Cell> view = reverse ? entries.descendingMap() : entries;
            private Iterator<Map.Entry<Bytes, Cell>> it = view.entrySet().iterator();
            private Map.Entry<Bytes, Cell> next = advance();

            private Map.Entry<Bytes, Cell> advance() {
                return it.hasNext() ? it.next() : null;
            }

            /** The entry after {@code last} in the map as it is now. */
            private Map.Entry<Bytes, Cell> resume(Bytes last) {
                view = view.tailMap(last, false);
                it = view.entrySet().iterator();
                return advance();
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public KeyValue<K, V> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Map.Entry<Bytes, Cell> e = next;
                // The value as it is when returned, before the iterator steps on (as the tree's entry gave it).
                byte[] value = e.getValue().value;
                next = changed(e.getKey()) ? resume(e.getKey()) : advance();
                return KeyValue.pair(keyReader.deserialize(TOPIC, e.getKey().get()), deserialize(value));
            }

            private int seen = modifications;

            private boolean changed(Bytes returned) {
                if (seen == modifications) {
                    return false;
                }
                seen = modifications;
                return true;
            }

            @Override
            public K peekNextKey() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                return keyReader.deserialize(TOPIC, next.getKey().get());
            }

            @Override
            public void close() {}
        };
    }

    /** A value, shared by the tree and the hash index. */
    private static final class Cell {
        private byte[] value;

        Cell(byte[] value) {
            this.value = value;
        }
    }
}
