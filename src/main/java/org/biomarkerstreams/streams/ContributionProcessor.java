package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns a patient's latest per-analyte record into contributions to cohort groups, keyed by group for
 * the repartition that follows. It remembers, per patient and analyte, what it last sent to which
 * group, and sends only the difference: the new payload to every group the patient is in, and a
 * removal to every group it left (arm or strata changed, value retracted), so the group processors can
 * subtract the old and add the new without ever seeing a patient id.
 *
 * <p>Changes are coalesced (issue 19): a record whose contributions differ from what was sent is kept as
 * pending beside the sent ones, in the same store entry (one write, as the sent store alone took before), and
 * every {@code interval} of wall clock the pending entries are sent as one difference each. A patient whose
 * summary moves several times within the interval then costs one repartition record and one member write per
 * group instead of one per change, and a change undone within the interval costs none. The pending entries are
 * in the changelogged store, so a crash loses none: the processor finds them again when it starts. Cohort groups
 * render on the same interval, so a cohort record may now follow its inputs by up to two intervals. A redelivery
 * (at_least_once) is sent at once, as before.
 */
final class ContributionProcessor implements Processor<String, SpecificRecord, String, Contribution> {

    /** Where a payload goes: a group (the repartition key) and the patient's member key in it. */
    record Target(String group, String member) {}

    /**
     * The contributions one record makes now under one key of the sent store: a patient and an analyte, or another
     * name the contributor chooses for what it sends per patient (e.g. the patient's enrolment in its strata).
     */
    record Contributions(String patientId, String analyte, Map<Target, byte[]> payloads) {}

    /** Reads one kind of per-patient record; returns no contributions for records of other kinds. */
    interface Contributor {
        List<Contributions> of(SpecificRecord record);
    }

    /**
     * One key of the store: what was sent, and what is to be sent at the next flush (null: nothing pending) with the
     * timestamp of the record that made it.
     */
    private record Entry(Map<Target, byte[]> sent, Map<Target, byte[]> pending, long pendingAt) {
        static final Entry EMPTY = new Entry(Map.of(), null, 0L);
    }

    /** Version 1: the sent contributions alone (earlier releases); 2: with the pending ones. */
    private static final int VERSION = 2;

    private final String storeName;
    private final Contributor contributor;
    private final Duration interval;
    private ProcessorContext<String, Contribution> context;
    private KeyValueStore<String, byte[]> sent;
    /** Keys with pending contributions, in the order they first changed. */
    private final Set<String> dirty = new LinkedHashSet<>();

    ContributionProcessor(String storeName, Contributor contributor, Duration interval) {
        this.storeName = storeName;
        this.contributor = contributor;
        this.interval = interval;
    }

    @Override
    public void init(ProcessorContext<String, Contribution> context) {
        this.context = context;
        this.sent = context.getStateStore(storeName);
        // Pending contributions a crash or a rebalance kept from being sent: they go with the first flush.
        try (KeyValueIterator<String, byte[]> it = sent.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (decode(kv.value).pending() != null) {
                    dirty.add(kv.key);
                }
            }
        }
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() == null) {
            return;
        }
        for (Contributions now : contributor.of(record.value())) {
            String key = StoreKeys.patientAnalyte(now.patientId(), now.analyte());
            byte[] bytes = sent.get(key);
            Entry entry = bytes == null ? Entry.EMPTY : decode(bytes);
            if (Redelivery.isMarked(record.headers())) {
                // A redelivery re-sends every contribution at once: what this store says was sent may not have
                // arrived.
                send(key, entry.sent(), now.payloads(), true, record);
                continue;
            }
            Map<Target, byte[]> latest = entry.pending() != null ? entry.pending() : entry.sent();
            if (same(now.payloads(), latest)) {
                continue;
            }
            if (same(now.payloads(), entry.sent())) {
                // Back to what was sent before the flush: nothing to send.
                store(key, new Entry(entry.sent(), null, 0L));
                dirty.remove(key);
            } else {
                store(key, new Entry(entry.sent(), now.payloads(), record.timestamp()));
                dirty.add(key);
            }
        }
    }

    /** Sends every pending difference. */
    void flush() {
        List<String> keys = List.copyOf(dirty);
        dirty.clear();
        for (String key : keys) {
            byte[] bytes = sent.get(key);
            Entry entry = bytes == null ? Entry.EMPTY : decode(bytes);
            if (entry.pending() != null) {
                send(
                        key,
                        entry.sent(),
                        entry.pending(),
                        false,
                        new Record<>(key, (SpecificRecord) null, entry.pendingAt()));
            }
        }
    }

    /** Sends what changed from {@code before} to {@code now} (everything with {@code all}) and keeps {@code now} as sent. */
    private void send(
            String key,
            Map<Target, byte[]> before,
            Map<Target, byte[]> now,
            boolean all,
            Record<String, SpecificRecord> cause) {
        Set<Target> targets = new LinkedHashSet<>(before.keySet());
        targets.addAll(now.keySet());
        for (Target t : targets) {
            byte[] payload = now.get(t);
            if (payload == null) {
                context.forward(cause.withKey(t.group()).withValue(new Contribution(t.member(), null)));
            } else if (all || !Arrays.equals(payload, before.get(t))) {
                context.forward(cause.withKey(t.group()).withValue(new Contribution(t.member(), payload)));
            }
        }
        dirty.remove(key);
        store(key, new Entry(now, null, 0L));
    }

    private void store(String key, Entry entry) {
        if (entry.sent().isEmpty() && entry.pending() == null) {
            sent.delete(key);
        } else {
            sent.put(key, encode(entry));
        }
    }

    private static boolean same(Map<Target, byte[]> a, Map<Target, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<Target, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The pseudonym a patient has in cohort groups and their repartition topics: the SHA-256 of its
     * id, so the group processors can tell patients apart without holding the id.
     */
    static String token(String patientId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(patientId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static byte[] encode(Entry entry) {
        StateCodec.Writer out = new StateCodec.Writer(VERSION);
        write(out, entry.sent());
        out.writeBoolean(entry.pending() != null);
        if (entry.pending() != null) {
            out.writeLong(entry.pendingAt());
            write(out, entry.pending());
        }
        return out.toByteArray();
    }

    private static void write(StateCodec.Writer out, Map<Target, byte[]> payloads) {
        out.writeInt(payloads.size());
        payloads.forEach(
                (t, p) -> out.writeString(t.group()).writeString(t.member()).writeBytes(p));
    }

    private static Entry decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "cohort contributions sent");
        Map<Target, byte[]> sent = read(in);
        if (in.version() < 2 || !in.readBoolean()) {
            return new Entry(sent, null, 0L);
        }
        long at = in.readLong();
        return new Entry(sent, read(in), at);
    }

    private static Map<Target, byte[]> read(StateCodec.Reader in) {
        int size = in.readInt();
        Map<Target, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            out.put(new Target(in.readString(), in.readString()), in.readBytes());
        }
        return out;
    }
}
