package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The backfill's store answers as Kafka Streams' own does: on random writes, deletes, reads and scans of keys that
 * share prefixes (as the patient stores' do), a {@link SerializedStore} and Kafka's in-memory store give the same
 * values, the same ranges in the same order, and the same contents byte for byte.
 */
class SerializedStoreProperties {

    @Property(tries = 200)
    void shouldAnswerAsKafkaStreamsInMemoryStore(@ForAll long seed) {
        Random random = new Random(seed);
        SerializedStore<Bytes, byte[]> ours = new SerializedStore<>("s", Serdes.Bytes(), Serdes.ByteArray());
        KeyValueStore<Bytes, byte[]> kafkas = Stores.keyValueStoreBuilder(
                        Stores.inMemoryKeyValueStore("s"), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled()
                .build();
        kafkas.init(new MockProcessorContext<>().getStateStoreContext(), kafkas);

        for (int op = 0; op < 300; op++) {
            Bytes key = key(random);
            switch (random.nextInt(8)) {
                case 0, 1, 2 -> {
                    byte[] value = random.nextInt(10) == 0 ? null : value(random);
                    ours.put(key, value);
                    kafkas.put(key, value);
                }
                case 3 -> assertThat(hex(ours.delete(key))).isEqualTo(hex(kafkas.delete(key)));
                case 4 -> {
                    byte[] value = value(random);
                    assertThat(hex(ours.putIfAbsent(key, value))).isEqualTo(hex(kafkas.putIfAbsent(key, value)));
                }
                case 5 -> assertThat(hex(ours.get(key))).isEqualTo(hex(kafkas.get(key)));
                case 6 -> {
                    Bytes to = key(random);
                    assertThat(list(ours.range(key, to))).isEqualTo(list(kafkas.range(key, to)));
                    assertThat(list(ours.reverseRange(key, to))).isEqualTo(list(kafkas.reverseRange(key, to)));
                    assertThat(list(ours.range(null, to))).isEqualTo(list(kafkas.range(null, to)));
                    assertThat(list(ours.reverseRange(key, null))).isEqualTo(list(kafkas.reverseRange(key, null)));
                }
                default -> {
                    assertThat(list(ours.all())).isEqualTo(list(kafkas.all()));
                    assertThat(list(ours.reverseAll())).isEqualTo(list(kafkas.reverseAll()));
                }
            }
        }
        assertThat(ours.approximateNumEntries()).isEqualTo(kafkas.approximateNumEntries());
        Map<String, String> serialized = new TreeMap<>();
        ours.forEachSerialized((k, v) -> serialized.put(hex(k), hex(v)));
        Map<String, String> theirs = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it = kafkas.all()) {
            it.forEachRemaining(kv -> theirs.put(hex(kv.key.get()), hex(kv.value)));
        }
        assertThat(serialized).isEqualTo(theirs);
        ours.clear();
        assertThat(list(ours.all())).isEmpty();
        assertThat(ours.get(key(random))).isNull();
    }

    /** Keys of a patient-like prefix, a separator and a short suffix: many share long prefixes. */
    private static Bytes key(Random random) {
        byte[] k = new byte[3 + random.nextInt(3)];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (i < 2 ? 'P' + random.nextInt(2) : random.nextInt(4) - 1);
        }
        return Bytes.wrap(k);
    }

    private static byte[] value(Random random) {
        byte[] v = new byte[random.nextInt(4)];
        random.nextBytes(v);
        return v;
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }

    private static List<String> list(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(hex(kv.key.get()) + "=" + hex(kv.value));
            }
        }
        return out;
    }
}
