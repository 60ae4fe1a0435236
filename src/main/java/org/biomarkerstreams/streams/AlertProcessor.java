package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.AlertKind;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.OxygenationIndex;

/**
 * Raises an alert when a patient's PaO2/FiO2 or lymphocyte count crosses a threshold downwards
 * ({@link AlertKind}), once per crossing. Fed by the patient processor's trajectory points (same
 * sub-topology, keyed by patient), so corrections and retractions arrive as re-emitted or retracted
 * points.
 *
 * <p>It keeps the watched readings (PFRATIO, PAO2, FIO2, LYMPH) keyed patient, analyte, time, and from
 * them the alert series: lymphocytes as reported, and PaO2/FiO2 as reported plus a ratio derived from
 * every PaO2 that has an FiO2 within 30 minutes and no reported ratio within 30 minutes. A reading that
 * changes touches only the series points within 30 minutes of it, and a crossing is judged against the
 * point just before in time, so a late reading is evaluated where it belongs. Alert ids (kind + reading
 * id) already raised are remembered, so re-deriving never alerts twice; a new reading that crosses after
 * a recovery does.
 */
final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    static final String READINGS_STORE = "alert-readings";
    static final String INDEX_STORE = "alert-reading-index";
    static final String SERIES_STORE = "alert-series";
    static final String EMITTED_STORE = "alerts-emitted";

    private static final String LYMPH = "LYMPH";
    private static final int VERSION = 1;
    private static final byte[] EMITTED = {1};
    private static final long PAIRING_MS = OxygenationIndex.PAIRING.toMillis();

    private final TopologyConfig config;
    private final PipelineCounters counters;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Bytes, byte[]> readings;
    private KeyValueStore<String, byte[]> index;
    private KeyValueStore<Bytes, byte[]> series;
    private KeyValueStore<String, byte[]> emitted;

    AlertProcessor(TopologyConfig config, PipelineCounters counters) {
        this.config = config;
        this.counters = counters;
    }

    /** A stored reading, or a point of the alert series (then derived ones carry PaO2 and FiO2). */
    private record Point(
            String readingId,
            long at,
            double value,
            Integer ady,
            Integer pdy,
            boolean derived,
            Double pao2,
            Double fio2) {

        byte[] encode() {
            StateCodec.Writer out = new StateCodec.Writer(VERSION)
                    .writeString(readingId)
                    .writeLong(at)
                    .writeDouble(value)
                    .writeBoolean(ady != null)
                    .writeInt(ady == null ? 0 : ady)
                    .writeBoolean(pdy != null)
                    .writeInt(pdy == null ? 0 : pdy)
                    .writeBoolean(derived)
                    .writeNullableDouble(pao2)
                    .writeNullableDouble(fio2);
            return out.toByteArray();
        }

        static Point decode(byte[] bytes) {
            StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "alert point");
            String id = in.readString();
            long at = in.readLong();
            double value = in.readDouble();
            boolean hasAdy = in.readBoolean();
            int ady = in.readInt();
            boolean hasPdy = in.readBoolean();
            int pdy = in.readInt();
            return new Point(
                    id,
                    at,
                    value,
                    hasAdy ? ady : null,
                    hasPdy ? pdy : null,
                    in.readBoolean(),
                    in.readNullableDouble(),
                    in.readNullableDouble());
        }
    }

    /** Where a reading id is stored now. */
    private record Position(String analyte, long at) {}

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.readings = context.getStateStore(READINGS_STORE);
        this.index = context.getStateStore(INDEX_STORE);
        this.series = context.getStateStore(SERIES_STORE);
        this.emitted = context.getStateStore(EMITTED_STORE);
    }

    static boolean watches(String analyte) {
        return AlertKind.watches(analyte)
                || OxygenationIndex.PAO2.equals(analyte)
                || OxygenationIndex.FIO2.equals(analyte);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (!(record.value() instanceof TrajectoryPoint p) || !watches(p.getAnalyte())) {
            return;
        }
        String patient = p.getPatientId();
        String indexKey = StoreKeys.patientReading(patient, p.getReadingId());
        List<Position> touched = new ArrayList<>();
        byte[] previous = index.get(indexKey);
        if (previous != null) {
            StateCodec.Reader in = new StateCodec.Reader(previous, VERSION, "alert reading index");
            Position old = new Position(in.readString(), in.readLong());
            Bytes oldKey = StoreKeys.reading(patient, old.analyte(), old.at(), p.getReadingId());
            if (!p.getRetracted()
                    && old.equals(new Position(p.getAnalyte(), p.getObservedAt().toEpochMilli()))) {
                byte[] stored = readings.get(oldKey);
                if (stored != null && Arrays.equals(stored, pointOf(p).encode())) {
                    // The same reading re-emitted (its baseline changed): nothing an alert reads changed.
                    if (Redelivery.isMarked(record.headers())) {
                        // A redelivery: the alerts of this series may not have arrived; send them again.
                        String name = LYMPH.equals(old.analyte()) ? LYMPH : OxygenationIndex.RATIO;
                        evaluate(record, patient, name, allPoints(patient, name), true);
                    }
                    return;
                }
            }
            readings.delete(oldKey);
            touched.add(old);
        }
        if (p.getRetracted()) {
            if (previous != null) {
                index.delete(indexKey);
            }
        } else {
            long at = p.getObservedAt().toEpochMilli();
            readings.put(
                    StoreKeys.reading(patient, p.getAnalyte(), at, p.getReadingId()),
                    pointOf(p).encode());
            index.put(
                    indexKey,
                    new StateCodec.Writer(VERSION)
                            .writeString(p.getAnalyte())
                            .writeLong(at)
                            .toByteArray());
            touched.add(new Position(p.getAnalyte(), at));
        }
        Map<String, Set<Bytes>> changed = new TreeMap<>();
        for (Position t : touched) {
            String name = LYMPH.equals(t.analyte()) ? LYMPH : OxygenationIndex.RATIO;
            changed.computeIfAbsent(name, n -> new LinkedHashSet<>()).addAll(resync(patient, name, t.at()));
        }
        boolean redelivered = Redelivery.isMarked(record.headers());
        changed.forEach((name, keys) -> evaluate(record, patient, name, keys, redelivered));
    }

    /** What the detector keeps of a trajectory point. */
    private static Point pointOf(TrajectoryPoint p) {
        return new Point(
                p.getReadingId(),
                p.getObservedAt().toEpochMilli(),
                p.getValue(),
                p.getAdy(),
                p.getPdy(),
                false,
                null,
                null);
    }

    /**
     * Recomputes the series points a reading at {@code at} can affect and stores what changed.
     *
     * @return the keys of the series points that were added, changed or removed
     */
    private List<Bytes> resync(String patient, String name, long at) {
        long from = LYMPH.equals(name) ? at : at - PAIRING_MS;
        long to = LYMPH.equals(name) ? at : at + PAIRING_MS;
        Map<Bytes, byte[]> before = new TreeMap<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                series.range(StoreKeys.readingsFrom(patient, name, from), StoreKeys.readingsUpTo(patient, name, to))) {
            it.forEachRemaining(kv -> before.put(kv.key, kv.value));
        }
        Map<Bytes, byte[]> after = new TreeMap<>();
        for (Point r : readingsBetween(patient, name, from, to)) {
            after.put(StoreKeys.reading(patient, name, r.at(), r.readingId()), r.encode());
        }
        if (!LYMPH.equals(name)) {
            for (Point pao2 : readingsBetween(patient, OxygenationIndex.PAO2, from, to)) {
                Point derived = derive(patient, pao2);
                if (derived != null) {
                    after.put(StoreKeys.reading(patient, name, derived.at(), derived.readingId()), derived.encode());
                }
            }
        }
        List<Bytes> changed = new ArrayList<>();
        for (Map.Entry<Bytes, byte[]> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                series.delete(e.getKey());
                changed.add(e.getKey());
            }
        }
        for (Map.Entry<Bytes, byte[]> e : after.entrySet()) {
            if (!Arrays.equals(e.getValue(), before.get(e.getKey()))) {
                series.put(e.getKey(), e.getValue());
                changed.add(e.getKey());
            }
        }
        return changed;
    }

    /** The ratio of a PaO2 with the nearest FiO2 within 30 minutes (the later on a tie), unless a ratio was reported then. */
    private Point derive(String patient, Point pao2) {
        long from = pao2.at() - PAIRING_MS;
        long to = pao2.at() + PAIRING_MS;
        if (!readingsBetween(patient, OxygenationIndex.RATIO, from, to).isEmpty()) {
            return null;
        }
        Point fio2 = null;
        for (Point f : readingsBetween(patient, OxygenationIndex.FIO2, from, to)) {
            if (fio2 == null || Math.abs(f.at() - pao2.at()) <= Math.abs(fio2.at() - pao2.at())) {
                fio2 = f;
            }
        }
        if (fio2 == null || !(fio2.value() > 0 && fio2.value() <= 1)) {
            return null;
        }
        return new Point(
                pao2.readingId(),
                pao2.at(),
                OxygenationIndex.ratio(pao2.value(), fio2.value()),
                pao2.ady(),
                pao2.pdy(),
                true,
                pao2.value(),
                fio2.value());
    }

    private List<Point> readingsBetween(String patient, String analyte, long from, long to) {
        List<Point> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = readings.range(
                StoreKeys.readingsFrom(patient, analyte, from), StoreKeys.readingsUpTo(patient, analyte, to))) {
            it.forEachRemaining(kv -> out.add(Point.decode(kv.value)));
        }
        return out;
    }

    /** Every point of the patient's series {@code name}. */
    private Set<Bytes> allPoints(String patient, String name) {
        Set<Bytes> keys = new LinkedHashSet<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                series.range(StoreKeys.readingsAll(patient, name, false), StoreKeys.readingsAll(patient, name, true))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    /**
     * Judges every changed point that still exists, and the point after each change, against its
     * predecessor. With {@code again} every crossing among them is forwarded, also those already
     * emitted (a redelivery; counted once).
     */
    private void evaluate(
            Record<String, SpecificRecord> record, String patient, String name, Set<Bytes> changed, boolean again) {
        Set<Bytes> toJudge = new LinkedHashSet<>();
        for (Bytes key : changed) {
            if (series.get(key) != null) {
                toJudge.add(key);
            }
            try (KeyValueIterator<Bytes, byte[]> it = series.range(key, StoreKeys.readingsAll(patient, name, true))) {
                while (it.hasNext()) {
                    Bytes next = it.next().key;
                    if (!next.equals(key)) {
                        toJudge.add(next);
                        break;
                    }
                }
            }
        }
        for (Bytes key : toJudge) {
            Point point = Point.decode(series.get(key));
            Double previous = null;
            try (KeyValueIterator<Bytes, byte[]> it =
                    series.reverseRange(StoreKeys.readingsAll(patient, name, false), key)) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    if (!kv.key.equals(key)) {
                        previous = Point.decode(kv.value).value();
                        break;
                    }
                }
            }
            for (AlertKind kind : AlertKind.crossings(name, previous, point.value())) {
                String alertId = kind.name() + ':' + point.readingId();
                String emittedKey = StoreKeys.patientReading(patient, alertId);
                boolean first = emitted.get(emittedKey) == null;
                if (first) {
                    emitted.put(emittedKey, EMITTED);
                    counters.alert(kind.name());
                }
                if (first || again) {
                    context.forward(record.withKey(patient).withValue(alert(patient, kind, alertId, point, previous)));
                }
            }
        }
    }

    private BiomarkerAlert alert(String patient, AlertKind kind, String alertId, Point point, Double previous) {
        return BiomarkerAlert.newBuilder()
                .setAlertId(alertId)
                .setPatientId(patient)
                .setKind(kind.name())
                .setAnalyte(kind.analyte())
                .setThreshold(kind.threshold())
                .setValue(point.value())
                .setPreviousValue(previous)
                .setUnit(config.profile()
                        .analyte(kind.analyte())
                        .map(AnalyteDefinition::canonicalUnit)
                        .orElse(""))
                .setObservedAt(Instant.ofEpochMilli(point.at()))
                .setReadingId(point.readingId())
                .setDerived(point.derived())
                .setPao2(point.pao2())
                .setFio2(point.fio2())
                .setAdy(point.ady())
                .setPdy(point.pdy())
                .build();
    }
}
