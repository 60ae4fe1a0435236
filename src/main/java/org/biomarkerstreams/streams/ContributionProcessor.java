package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns a patient's latest per-analyte record into contributions to cohort groups, keyed by group for
 * the repartition that follows. It remembers, per patient and analyte, what it last sent to which
 * group, and sends only the difference: the new payload to every group the patient is in, and a
 * removal to every group it left (arm or strata changed, value retracted), so the group processors can
 * subtract the old and add the new without ever seeing a patient id.
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

    private static final int VERSION = 1;

    private final String storeName;
    private final Contributor contributor;
    private ProcessorContext<String, Contribution> context;
    private KeyValueStore<String, byte[]> sent;

    ContributionProcessor(String storeName, Contributor contributor) {
        this.storeName = storeName;
        this.contributor = contributor;
    }

    @Override
    public void init(ProcessorContext<String, Contribution> context) {
        this.context = context;
        this.sent = context.getStateStore(storeName);
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
        boolean changed = false;
        for (Target t : targets) {
            byte[] payload = now.payloads().get(t);
            if (payload == null) {
                context.forward(record.withKey(t.group()).withValue(new Contribution(t.member(), null)));
                changed = true;
            } else if (redelivered || !Arrays.equals(payload, before.get(t))) {
                context.forward(record.withKey(t.group()).withValue(new Contribution(t.member(), payload)));
                changed = true;
            }
        }
        if (!changed) {
            return;
        }
        if (now.payloads().isEmpty()) {
            sent.delete(key);
        } else {
            sent.put(key, encode(now.payloads()));
        }
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
