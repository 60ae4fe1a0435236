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
import org.apache.kafka.streams.processor.Cancellable;
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
 * emitted after the restart (at the cost of re-sending identical records once). It holds one entry per
 * {@link Contribution}'s analyte and source: the source's member key, payload and time of last change in each
 * group of the analyte it is in, so a change is one write however many groups it touches.
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

    /** A source's member in one group: its payload and the time of its last change. */
    private record Member(long at, byte[] payload) {}

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
    /** The store's entries as read or last written: per analyte and source, its members by group. */
    private final Map<String, Map<ContributionProcessor.Target, Member>> sources = new HashMap<>();

    private final Map<String, Long> updatedAt = new HashMap<>();
    private final Map<String, Map<String, byte[]>> emitted = new HashMap<>();
    /** Groups changed since the current round started, in the order they first changed. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Groups of the current round not rendered yet. */
    private final Set<String> due = new LinkedHashSet<>();

    private long nextRoundAt = Long.MIN_VALUE;
    private Cancellable schedule;

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
        // Kafka Streams may init the same instance again (a task revived after an aborted transaction), its store
        // back at the last commit: what is in memory is rebuilt from it, not kept.
        if (schedule != null) {
            schedule.cancel();
        }
        groups.clear();
        sources.clear();
        updatedAt.clear();
        emitted.clear();
        dirty.clear();
        due.clear();
        nextRoundAt = Long.MIN_VALUE;
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                Map<ContributionProcessor.Target, Member> entry = decode(kv.value);
                entry.forEach((target, member) -> {
                    groups.computeIfAbsent(target.group(), g -> new TreeMap<>()).put(target.member(), member.payload());
                    updatedAt.merge(target.group(), member.at(), Math::max);
                    dirty.add(target.group());
                });
                sources.put(kv.key, entry);
            }
        }
        Duration tick = interval.compareTo(TICK) < 0 ? interval : TICK;
        schedule = context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<String, Contribution> record) {
        Contribution c = record.value();
        if (record.key() == null || c == null) {
            return;
        }
        String storeKey = CohortKey.join(record.key(), c.source());
        Map<ContributionProcessor.Target, Member> entry = sources.getOrDefault(storeKey, Map.of());
        Map<ContributionProcessor.Target, Member> changed = null;
        for (Contribution.Change change : c.changes()) {
            String group = change.group();
            SortedMap<String, byte[]> members = groups.get(group);
            byte[] current = members == null ? null : members.get(change.member());
            if (change.removal() ? current == null : Arrays.equals(current, change.payload())) {
                // Nothing changed (a contribution re-sent as it was, e.g. a redelivery): no write, and the
                // group's updatedAt stays the time of its last real change.
                continue;
            }
            if (changed == null) {
                changed = new LinkedHashMap<>(entry);
            }
            ContributionProcessor.Target target = new ContributionProcessor.Target(group, change.member());
            if (change.removal()) {
                members.remove(change.member());
                changed.remove(target);
            } else {
                groups.computeIfAbsent(group, g -> new TreeMap<>()).put(change.member(), change.payload());
                changed.put(target, new Member(record.timestamp(), change.payload()));
            }
            updatedAt.merge(group, record.timestamp(), Math::max);
            dirty.add(group);
        }
        if (changed == null) {
            return;
        }
        if (changed.isEmpty()) {
            store.delete(storeKey);
            sources.remove(storeKey);
        } else {
            store.put(storeKey, encode(changed));
            sources.put(storeKey, changed);
        }
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

    private static byte[] encode(Map<ContributionProcessor.Target, Member> entry) {
        StateCodec.Writer out = new StateCodec.Writer(VERSION).writeInt(entry.size());
        entry.forEach((t, m) -> out.writeString(t.group())
                .writeString(t.member())
                .writeLong(m.at())
                .writeBytes(m.payload()));
        return out.toByteArray();
    }

    private static Map<ContributionProcessor.Target, Member> decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "cohort group members");
        int size = in.readInt();
        Map<ContributionProcessor.Target, Member> entry = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            ContributionProcessor.Target target = new ContributionProcessor.Target(in.readString(), in.readString());
            entry.put(target, new Member(in.readLong(), in.readBytes()));
        }
        return entry;
    }
}
