package org.biomarkerstreams.app.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reduces a change log to its final state: one value per key, the last one, in the order the final values were
 * emitted. A removal (a tombstone, i.e. a null value, or a value {@code removes} says retracts its key) deletes the
 * key, so a key that was removed and never written again is not in the result. A record without a key has no later
 * version and is kept as it is.
 */
public final class LatestByKey<V> {

    private final Predicate<V> removes;
    private final LinkedHashMap<Object, V> latest = new LinkedHashMap<>();
    private long unkeyed;

    /** @param removes true for a value that retracts its key as a tombstone does (e.g. a retracted reading) */
    public LatestByKey(Predicate<V> removes) {
        this.removes = removes;
    }

    public void accept(String key, V value) {
        if (key == null) {
            if (value != null) {
                latest.put(new Unkeyed(unkeyed++), value);
            }
            return;
        }
        // Removed first so that a re-emitted key moves to where its final value was emitted.
        latest.remove(key);
        if (value != null && !removes.test(value)) {
            latest.put(key, value);
        }
    }

    /** The final values, in the order they were emitted. */
    public List<V> values() {
        return new ArrayList<>(latest.values());
    }

    private record Unkeyed(long sequence) {}
}
