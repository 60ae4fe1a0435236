package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedRocksDbTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadTheBudgetFromTheStreamsConfigAndRejectNonsenseClearly() {
        assertThat(BoundedRocksDb.budget(Map.of())).isEqualTo(BoundedRocksDb.DEFAULT_MEMORY_BYTES);
        assertThat(BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, " 536870912 ")))
                .isEqualTo(512L * 1024 * 1024);
        assertThatThrownBy(() -> BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BoundedRocksDb.MEMORY_CONFIG);
        assertThatThrownBy(() -> BoundedRocksDb.budget(Map.of(BoundedRocksDb.MEMORY_CONFIG, "1024")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 MiB");
    }

    @Test
    void shouldChargeEveryStoresMemtablesToOneSharedCacheWhenStreamsUsesTheSetter() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, new TaskId(0, 0), dir.toFile());
        List<KeyValueStore<String, String>> stores = new ArrayList<>();
        for (String name : new String[] {"a", "b"}) {
            KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String())
                    .withLoggingDisabled()
                    .build();
            store.init(context.getStateStoreContext(), store);
            stores.add(store);
        }
        try {
            long before = BoundedRocksDb.usage();
            String value = "x".repeat(1000);
            for (int i = 0; i < 5_000; i++) {
                for (KeyValueStore<String, String> store : stores) {
                    store.put("k" + i, value);
                }
            }
            assertThat(stores.get(1).get("k4999")).isEqualTo(value);
            // ~10 MB written into the two stores' memtables: both are charged to the one shared cache.
            assertThat(BoundedRocksDb.capacity()).isPositive();
            assertThat(BoundedRocksDb.usage() - before).isGreaterThan(5_000_000L);
            assertThat(BoundedRocksDb.usage()).isLessThanOrEqualTo(BoundedRocksDb.capacity());
        } finally {
            stores.forEach(KeyValueStore::close);
        }
    }
}
