package org.biomarkerstreams.app;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the process together: one block cache shared by
 * all stores, with their memtables charged against it (the recipe of Kafka Streams' memory-management
 * guide). Without it each store instance has its own block cache and memtables, so memory grows with the
 * number of stores times partitions (the full-size backfill of bench/README.md went over its budget).
 *
 * <p>The budget is {@value #MEMORY_CONFIG} (bytes, default {@value #DEFAULT_MEMORY_BYTES}), a quarter of it
 * for memtables; index and filter blocks are cached with high priority inside the same budget. The cache
 * is created by the first store that opens and shared by every later one, also across stream threads.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** Streams config key: the bytes all RocksDB stores of this process may use together. */
    public static final String MEMORY_CONFIG = "biomarker.rocksdb.memory.bytes";

    public static final long DEFAULT_MEMORY_BYTES = 256L * 1024 * 1024;

    private static final double MEMTABLE_SHARE = 0.25;
    private static final double INDEX_FILTER_SHARE = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;
    private static long capacityBytes;

    private static synchronized void ensureShared(long bytes) {
        if (cache == null) {
            capacityBytes = bytes;
            cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
        }
    }

    /** Bytes held in the shared cache now (blocks and charged memtables); 0 before the first store opened. */
    static synchronized long usage() {
        return cache == null ? 0 : cache.getUsage();
    }

    /** The shared cache's capacity; 0 before the first store opened. */
    static synchronized long capacity() {
        return cache == null ? 0 : capacityBytes;
    }

    /** The budget {@code configs} ask for; the default when absent. */
    static long budget(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes;
        try {
            bytes = Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_CONFIG + " must be a number of bytes, got " + value, e);
        }
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_CONFIG + " must be at least 16 MiB, got " + bytes);
        }
        return bytes;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        ensureShared(budget(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store: never closed per store.
    }
}
