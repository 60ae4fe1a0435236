package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.biomarkerstreams.domain.CensoringEvent;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.streams.StateCodec;

/**
 * A patient's clinical events (few per patient, so one value) and what follows from them: anchor,
 * arm, strata, discharge or death. Everything derived is computed from the events sorted by time and
 * id, so the result does not depend on the order they arrived in.
 */
public record PatientState(Map<String, EventRecord> events, boolean archived) {

    private static final int VERSION = 1;

    public static final PatientState EMPTY = new PatientState(Map.of(), false);

    /**
     * What remains of a patient whose state was purged after the retention period: a marker, so late
     * input is dead-lettered instead of starting an anchorless patient that would overwrite the final
     * results.
     */
    public static final PatientState ARCHIVED = new PatientState(Map.of(), true);

    /** One event as last applied; a retracted event keeps its revision so older resends stay retracted. */
    record EventRecord(
            String eventId,
            long revision,
            long contentHash,
            EventType type,
            Instant at,
            String arm,
            Map<String, String> strata,
            String dose,
            String product,
            boolean enteredInError) {}

    PatientState with(EventRecord event) {
        Map<String, EventRecord> copy = new TreeMap<>(events);
        copy.put(event.eventId(), event);
        return new PatientState(copy, archived);
    }

    /** The patient as the fold and the emitted records need it: from its events, sorted once (per reading). */
    PatientContext context(String patientId) {
        List<EventRecord> active = active();
        Instant anchor = anchor(active);
        return new PatientContext(patientId, anchor, censoring(active, anchor), arm(active), strata(active));
    }

    private List<EventRecord> active() {
        List<EventRecord> list = new ArrayList<>();
        for (EventRecord e : events.values()) {
            if (!e.enteredInError() && e.at() != null) {
                list.add(e);
            }
        }
        list.sort(Comparator.comparing(EventRecord::at).thenComparing(EventRecord::eventId));
        return list;
    }

    /** First infusion; for an arm without infusion, randomization. */
    Instant anchor() {
        return anchor(active());
    }

    private static Instant anchor(List<EventRecord> active) {
        Instant randomized = null;
        for (EventRecord e : active) {
            if (e.type() == EventType.INFUSION) {
                return e.at();
            }
            if (e.type() == EventType.RANDOMIZED && randomized == null) {
                randomized = e.at();
            }
        }
        return randomized;
    }

    /** Every infusion, in time order: the first is the anchor (the dashboard's patient view marks each). */
    List<Instant> infusions() {
        List<Instant> infusions = new ArrayList<>();
        for (EventRecord e : active()) {
            if (e.type() == EventType.INFUSION) {
                infusions.add(e.at());
            }
        }
        return infusions;
    }

    /** Arm of the first randomization that names one, else of the first enrollment that does. */
    String arm() {
        return arm(active());
    }

    private static String arm(List<EventRecord> active) {
        String enrolled = null;
        for (EventRecord e : active) {
            if (e.arm() == null) {
                continue;
            }
            if (e.type() == EventType.RANDOMIZED) {
                return e.arm();
            }
            if (e.type() == EventType.ENROLLED && enrolled == null) {
                enrolled = e.arm();
            }
        }
        return enrolled;
    }

    /** Strata labels of enrollment, overridden by those of randomization. */
    Map<String, String> strata() {
        return strata(active());
    }

    private static Map<String, String> strata(List<EventRecord> active) {
        Map<String, String> strata = new TreeMap<>();
        for (EventType type : List.of(EventType.ENROLLED, EventType.RANDOMIZED)) {
            for (EventRecord e : active) {
                if (e.type() == type) {
                    strata.putAll(e.strata());
                }
            }
        }
        return strata;
    }

    /** The first discharge or death at or after the anchor. */
    Optional<CensoringEvent> censoring(Instant anchor) {
        return censoring(active(), anchor);
    }

    private static Optional<CensoringEvent> censoring(List<EventRecord> active, Instant anchor) {
        if (anchor == null) {
            return Optional.empty();
        }
        for (EventRecord e : active) {
            if (e.at().isBefore(anchor)) {
                continue;
            }
            if (e.type() == EventType.DISCHARGED) {
                return Optional.of(new CensoringEvent(CensoringEvent.Kind.DISCHARGED, e.at()));
            }
            if (e.type() == EventType.DIED) {
                return Optional.of(new CensoringEvent(CensoringEvent.Kind.DIED, e.at()));
            }
        }
        return Optional.empty();
    }

    public byte[] encode() {
        StateCodec.Writer out =
                new StateCodec.Writer(VERSION).writeBoolean(archived).writeInt(events.size());
        for (EventRecord e : events.values()) {
            out.writeString(e.eventId())
                    .writeLong(e.revision())
                    .writeLong(e.contentHash())
                    .writeByte(e.type().ordinal())
                    .writeNullableInstant(e.at())
                    .writeString(e.arm())
                    .writeInt(e.strata().size());
            e.strata().forEach((k, v) -> out.writeString(k).writeString(v));
            out.writeString(e.dose()).writeString(e.product()).writeBoolean(e.enteredInError());
        }
        return out.toByteArray();
    }

    public static PatientState decode(byte[] data) {
        StateCodec.Reader in = new StateCodec.Reader(data, VERSION, "patient");
        boolean archived = in.readBoolean();
        int n = in.readInt();
        Map<String, EventRecord> events = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String id = in.readString();
            long revision = in.readLong();
            long hash = in.readLong();
            EventType type = EventType.values()[in.readByte()];
            Instant at = in.readNullableInstant();
            String arm = in.readString();
            int strataSize = in.readInt();
            // In the order written (sorted, RawClinicalEvent's): encoded again, the event keeps its bytes. A
            // Map.copyOf iterated in an order of its JVM's, so the bytes of the patients store differed run to run.
            Map<String, String> strata = new LinkedHashMap<>();
            for (int s = 0; s < strataSize; s++) {
                strata.put(in.readString(), in.readString());
            }
            events.put(
                    id,
                    new EventRecord(
                            id,
                            revision,
                            hash,
                            type,
                            at,
                            arm,
                            Collections.unmodifiableMap(strata),
                            in.readString(),
                            in.readString(),
                            in.readBoolean()));
        }
        return new PatientState(events, archived);
    }
}
