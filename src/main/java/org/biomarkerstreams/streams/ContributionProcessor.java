package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Turns a patient's latest per-analyte record into contributions to cohort groups. It remembers, per patient and
 * analyte, what it last sent to which group, and sends only the difference: the new payload to every group the
 * patient is in, and a removal to every group it left (arm or strata changed, value retracted), so the group
 * processors can subtract the old and add the new without ever seeing a patient id. The differences of one
 * change go as one {@link Contribution} per analyte, keyed by the analyte for the repartition that follows: every
 * group key ends with its analyte ({@link #analyteOf}).
 *
 * <p>The release before sent one record per group and member, to repartition topics keyed by group, and its group
 * processors kept the members under other store names. This processor's store is the same, so on its first start
 * it sends everything its store says was sent ({@link #resend}), in slices on a wall-clock schedule, and then
 * marks the store ({@link #MIGRATED}): the new group processors start from the same members the old ones had
 * (docs/architecture.md, "Upgrade contract").
 */
final class ContributionProcessor implements Processor<String, SpecificRecord, String, Contribution> {

    /** Where a payload goes: a group (its key ends with the analyte) and the patient's member key in it. */
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

    private static final int VERSION = 1;

    /**
     * The sent store's key that says its contents have been sent as {@link Contribution}s of version 2 (one per
     * analyte). No patient key starts with NUL ({@link StoreKeys#isKeySafe}), and a release that reads the store by
     * patient keys only never sees it.
     */
    static final String MIGRATED = "\0contributions-by-analyte";

    /** How often a slice of the first start's resend runs, and how many sent entries a slice sends. */
    static final Duration RESEND_TICK = Duration.ofMillis(100);

    static final int RESEND_SLICE = 2_000;

    private final String storeName;
    private final Contributor contributor;
    private ProcessorContext<String, Contribution> context;
    private KeyValueStore<String, byte[]> sent;
    private Cancellable resend;
    /** The last sent key the resend has sent; null before its first slice. */
    private String resentUpTo;
    /** The resend has sent the whole store and asked for a commit; the next tick marks it. */
    private boolean sentAll;

    ContributionProcessor(String storeName, Contributor contributor) {
        this.storeName = storeName;
        this.contributor = contributor;
    }

    @Override
    public void init(ProcessorContext<String, Contribution> context) {
        this.context = context;
        this.sent = context.getStateStore(storeName);
        // Kafka Streams may init the same instance again (a task revived after an aborted transaction): the store
        // is then back at its last commit, and so must the resend be.
        stopResend();
        resentUpTo = null;
        sentAll = false;
        if (sent.get(MIGRATED) == null) {
            resend = context.schedule(RESEND_TICK, PunctuationType.WALL_CLOCK_TIME, this::resend);
        }
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() == null) {
            return;
        }
        for (Contributions now : contributor.of(record.value())) {
            send(record, now);
        }
    }

    /** Sends what changed since {@code now}'s key last sent. */
    private void send(Record<String, SpecificRecord> record, Contributions now) {
        String key = StoreKeys.patientAnalyte(now.patientId(), now.analyte());
        byte[] bytes = sent.get(key);
        Map<Target, byte[]> before = bytes == null ? Map.of() : decode(bytes);
        Set<Target> targets = new LinkedHashSet<>(before.keySet());
        targets.addAll(now.payloads().keySet());
        // A redelivery re-sends every contribution: what this store says was sent may not have arrived.
        boolean redelivered = Redelivery.isMarked(record.headers());
        Map<String, List<Contribution.Change>> byAnalyte = new LinkedHashMap<>();
        for (Target t : targets) {
            byte[] payload = now.payloads().get(t);
            if (payload == null || redelivered || !Arrays.equals(payload, before.get(t))) {
                byAnalyte
                        .computeIfAbsent(analyteOf(t.group()), a -> new ArrayList<>())
                        .add(new Contribution.Change(t.group(), t.member(), payload));
            }
        }
        if (byAnalyte.isEmpty()) {
            return;
        }
        forward(record, now.patientId(), now.analyte(), byAnalyte);
        if (now.payloads().isEmpty()) {
            sent.delete(key);
        } else {
            sent.put(key, encode(now.payloads()));
        }
    }

    private void forward(
            Record<String, ?> record, String patientId, String name, Map<String, List<Contribution.Change>> byAnalyte) {
        String source = source(patientId, name);
        byAnalyte.forEach((analyte, changes) ->
                context.forward(record.withKey(analyte).withValue(new Contribution(source, changes))));
    }

    /**
     * One slice of the first start's resend: the next {@link #RESEND_SLICE} entries of the sent store, each sent
     * whole, stamped with the task's stream time (the wall clock would move the stream time of the tasks that read
     * them). After the last slice it asks for a commit, and marks the store at the next tick: under at_least_once the
     * mark must not reach the changelog before the records it vouches for.
     */
    private void resend(long wallClock) {
        if (sentAll || sent.get(MIGRATED) != null) {
            markMigrated(sent);
            stopResend();
            return;
        }
        long now = Math.max(0L, context.currentStreamTimeMs());
        int slice = 0;
        try (KeyValueIterator<String, byte[]> it = resentUpTo == null ? sent.all() : sent.range(resentUpTo, null)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                if (entry.key.equals(MIGRATED) || entry.key.equals(resentUpTo)) {
                    continue;
                }
                if (slice++ == RESEND_SLICE) {
                    return;
                }
                int cut = entry.key.indexOf('\0');
                Map<String, List<Contribution.Change>> byAnalyte = new LinkedHashMap<>();
                decode(entry.value).forEach((t, payload) -> byAnalyte
                        .computeIfAbsent(analyteOf(t.group()), a -> new ArrayList<>())
                        .add(new Contribution.Change(t.group(), t.member(), payload)));
                forward(
                        new Record<>(entry.key, null, now),
                        entry.key.substring(0, cut),
                        entry.key.substring(cut + 1),
                        byAnalyte);
                resentUpTo = entry.key;
            }
        }
        sentAll = true;
        context.commit();
    }

    private void stopResend() {
        if (resend != null) {
            resend.cancel();
            resend = null;
        }
    }

    /** Marks a sent store as holding nothing that still has to be sent as version 2 contributions. */
    static void markMigrated(KeyValueStore<String, byte[]> store) {
        store.put(MIGRATED, new StateCodec.Writer(VERSION).toByteArray());
    }

    /** The analyte of a cohort group: the last part of its key (both views' group keys end with it). */
    static String analyteOf(String group) {
        List<String> parts = CohortKey.split(group);
        return parts.get(parts.size() - 1);
    }

    /** The sender's key in a {@link Contribution}: the patient's token and the name its contributor sent under. */
    static String source(String patientId, String name) {
        return CohortKey.join(token(patientId), name);
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

    private static byte[] encode(Map<Target, byte[]> payloads) {
        StateCodec.Writer out = new StateCodec.Writer(VERSION).writeInt(payloads.size());
        payloads.forEach(
                (t, p) -> out.writeString(t.group()).writeString(t.member()).writeBytes(p));
        return out.toByteArray();
    }

    private static Map<Target, byte[]> decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "cohort contributions sent");
        int size = in.readInt();
        Map<Target, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            out.put(new Target(in.readString(), in.readString()), in.readBytes());
        }
        return out;
    }
}
