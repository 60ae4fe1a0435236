package org.biomarkerstreams.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the members of cohort groups (one group = one stratum x analyte, or one strata value x analyte
 * for curves) and emits the group's output records on a wall-clock schedule: every group that changed
 * since the last emission is recomputed from its members once, however many patients changed, and a
 * record equal to the one last emitted (ignoring its {@code updatedAt}) is skipped. A record the group
 * no longer yields (its stratum emptied) is deleted with a tombstone.
 *
 * <p>Rendering shares the stream thread with the patient processor, so it is done in slices: once per
 * interval the changed groups become a round, and every {@link #TICK} the processor renders groups of
 * the round until it has rendered {@link #DEFAULT_MEMBER_BUDGET} members (at least one group per
 * tick). A round of many large groups (a Kaplan-Meier fit over every member) then delays live readings
 * by at most a slice, not by the whole round; the next round starts when the interval has passed and
 * the last round is done. The budget counts members, not time, so what a tick emits does not depend
 * on the machine's speed: a cohort of fewer members than the budget is emitted in one tick.
 *
 * <p>The persistent store (changelogged) is the source of truth; the processor reads it into memory
 * when it starts and treats every group as changed then, so what a crash kept from being emitted is
 * emitted after the restart (at the cost of re-sending identical records once).
 */
final class CohortGroupProcessor implements Processor<String, Contribution, String, SpecificRecord> {

    /** What a group's members yield. */
    interface GroupView {
        /**
         * The group's output records by key.
         *
         * @param members member key to payload, in member order; empty when the group emptied
         * @param updatedAt stream time of the last change that went into the group
         */
        Map<String, SpecificRecord> render(String group, SortedMap<String, byte[]> members, Instant updatedAt);
    }

    private static final int VERSION = 1;
    private static final String UPDATED_AT = "updatedAt";
    /** How often a slice of the current round is rendered (or the interval, if shorter). */
    static final Duration TICK = Duration.ofMillis(100);
    /**
     * Members rendered per slice: at most this, plus the one group that crosses it. Rendering a member
     * (sorting, Kaplan-Meier with its confidence band, log-rank, Avro) takes microseconds, so a slice stays
     * well inside a tick (bench/README.md has the latency figures).
     */
    static final int DEFAULT_MEMBER_BUDGET = 5_000;

    private final String storeName;
    private final GroupView view;
    private final Duration interval;
    private final int memberBudget;

    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, byte[]> store;
    private final Map<String, SortedMap<String, byte[]>> groups = new HashMap<>();
    private final Map<String, Long> updatedAt = new HashMap<>();
    private final Map<String, Map<String, byte[]>> emitted = new HashMap<>();
    /** Groups changed since the current round started, in the order they first changed. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Groups of the current round not rendered yet. */
    private final Set<String> due = new LinkedHashSet<>();

    private long nextRoundAt = Long.MIN_VALUE;

    CohortGroupProcessor(String storeName, GroupView view, Duration interval) {
        this(storeName, view, interval, DEFAULT_MEMBER_BUDGET);
    }

    CohortGroupProcessor(String storeName, GroupView view, Duration interval, int memberBudget) {
        this.storeName = storeName;
        this.view = view;
        this.interval = interval;
        this.memberBudget = memberBudget;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                StateCodec.Reader in = new StateCodec.Reader(kv.value, VERSION, "cohort group member");
                String group = in.readString();
                String member = in.readString();
                long at = in.readLong();
                byte[] payload = in.readBytes();
                groups.computeIfAbsent(group, g -> new TreeMap<>()).put(member, payload);
                updatedAt.merge(group, at, Math::max);
                dirty.add(group);
            }
        }
        Duration tick = interval.compareTo(TICK) < 0 ? interval : TICK;
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, Contribution> record) {
        String group = record.key();
        Contribution c = record.value();
        if (group == null || c == null) {
            return;
        }
        SortedMap<String, byte[]> members = groups.get(group);
        byte[] current = members == null ? null : members.get(c.member());
        if (c.removal() ? current == null : Arrays.equals(current, c.payload())) {
            // Nothing changed (a contribution re-sent as it was, e.g. a redelivery): no write, and the
            // group's updatedAt stays the time of its last real change.
            return;
        }
        String storeKey = CohortKey.join(group, c.member());
        if (c.removal()) {
            store.delete(storeKey);
            members.remove(c.member());
        } else {
            store.put(
                    storeKey,
                    new StateCodec.Writer(VERSION)
                            .writeString(group)
                            .writeString(c.member())
                            .writeLong(record.timestamp())
                            .writeBytes(c.payload())
                            .toByteArray());
            groups.computeIfAbsent(group, g -> new TreeMap<>()).put(c.member(), c.payload());
        }
        updatedAt.merge(group, record.timestamp(), Math::max);
        dirty.add(group);
    }

    /** Starts a round when one is due, then renders the round's groups until the budget is spent. */
    void onTick(long now) {
        if (due.isEmpty() && !dirty.isEmpty() && now >= nextRoundAt) {
            due.addAll(dirty);
            dirty.clear();
            nextRoundAt = now + interval.toMillis();
        }
        int rendered = 0;
        Iterator<String> next = due.iterator();
        while (next.hasNext() && rendered < memberBudget) {
            String group = next.next();
            next.remove();
            rendered += Math.max(1, emit(group));
        }
    }

    /** Emits what changed in one group; returns how many members it rendered. */
    private int emit(String group) {
        SortedMap<String, byte[]> members = groups.getOrDefault(group, new TreeMap<>());
        long at = updatedAt.getOrDefault(group, 0L);
        Map<String, SpecificRecord> records = view.render(group, members, Instant.ofEpochMilli(at));
        Map<String, byte[]> before = emitted.getOrDefault(group, Map.of());
        Map<String, byte[]> after = new LinkedHashMap<>();
        records.forEach((key, value) -> {
            byte[] fingerprint = AvroBinary.encode(withoutUpdatedAt(value));
            after.put(key, fingerprint);
            if (!Arrays.equals(fingerprint, before.get(key))) {
                context.forward(new Record<>(key, value, at));
            }
        });
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                context.forward(new Record<String, SpecificRecord>(key, null, at));
            }
        }
        if (members.isEmpty()) {
            groups.remove(group);
            updatedAt.remove(group);
            emitted.remove(group);
        } else {
            emitted.put(group, after);
        }
        return members.size();
    }

    private static SpecificRecord withoutUpdatedAt(SpecificRecord record) {
        org.apache.avro.Schema.Field field = record.getSchema().getField(UPDATED_AT);
        if (field == null) {
            return record;
        }
        SpecificRecord copy = SpecificData.get().deepCopy(record.getSchema(), record);
        copy.put(field.pos(), Instant.EPOCH);
        return copy;
    }
}
