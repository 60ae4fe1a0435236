package org.biomarkerstreams.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
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
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.streams.patient.IndexEntry;
import org.biomarkerstreams.streams.patient.PatientContext;
import org.biomarkerstreams.streams.patient.PatientState;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.streams.patient.StoredReading;

/**
 * Raises an alert when a patient's PaO2/FiO2 or lymphocyte count crosses a threshold downwards
 * ({@link AlertKind}), once per crossing. Fed by the patient processor's trajectory points (same
 * sub-topology and task, keyed by patient), so corrections and retractions arrive as re-emitted or retracted
 * points.
 *
 * <p>It keeps no copy of the readings: it reads the patient processor's own {@code readings} store (the patient's
 * id, which the stores are keyed by and a point may not show, comes from {@link AlertInputs}). The alert series is
 * derived on the fly: lymphocytes as reported, and PaO2/FiO2 as reported plus a ratio derived from every PaO2 that
 * has an FiO2 within 30 minutes and no reported ratio within 30 minutes. When a reading arrives, is corrected or
 * retracted, the series points it can change where it is and was (its own point; for a reported ratio or an FiO2,
 * every point within 30 minutes), and the point after them, are judged against the point just before each in time,
 * so a late reading is evaluated where it belongs. The points of one window and their pairing partners are read
 * with one range scan per analyte, so a dense series (readings minutes apart) costs a few scans per input, not a
 * few per point in the window. Judging a point whose neighbours did not change gives the crossings it gave before,
 * and alert ids (kind + reading id) already raised are remembered in its one store, so nothing alerts twice; a new
 * reading that crosses after a recovery does ({@code AlertDetectorProperties} holds it to the whole series judged
 * after every input). Points re-emitted for another reading (a new baseline, a moved anchor) change no value or
 * time and are not judged.
 */
final class AlertProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {

    static final String EMITTED_STORE = "alerts-emitted";
    /**
     * The detector's copies of the watched readings, their index and the alert series, removed in this release:
     * it reads the patient processor's readings instead (issue 19, a third fewer writes per reading). Their
     * changelogs are left behind by an upgrade (docs/architecture.md, "Upgrade contract").
     */
    static final List<String> REMOVED_STORES = List.of("alert-readings", "alert-reading-index", "alert-series");

    private static final String LYMPH = "LYMPH";
    private static final byte[] EMITTED = {1};
    private static final long PAIRING_MS = OxygenationIndex.PAIRING.toMillis();
    private static final int MAX_BATCH = 64;

    private final TopologyConfig config;
    private final PipelineCounters counters;
    private final AlertInputs inputs;
    private final Pseudonym pseudonym;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Bytes, StoredReading> readings;
    private KeyValueStore<String, PatientState> patients;
    private KeyValueStore<String, byte[]> emitted;
    /** The input and series last re-sent for a redelivery: once per input, however many points it re-emits. */
    private AlertInputs.Noted redeliveredFor;

    private final Set<String> redeliveredSeries = new HashSet<>();

    AlertProcessor(TopologyConfig config, PipelineCounters counters, AlertInputs inputs) {
        this.config = config;
        this.counters = counters;
        this.inputs = inputs;
        this.pseudonym = config.pseudonym();
    }

    /** A point of the alert series, ordered as the readings store orders keys: time, then reading id. */
    private record Point(String readingId, long at, double value, boolean derived, Double pao2, Double fio2) {

        static Point of(StoredReading r) {
            return new Point(r.readingId(), r.observedAt().toEpochMilli(), r.value(), false, null, null);
        }

        boolean before(Point other) {
            return at != other.at
                    ? at < other.at
                    : Arrays.compareUnsigned(
                                    readingId.getBytes(StandardCharsets.UTF_8),
                                    other.readingId.getBytes(StandardCharsets.UTF_8))
                            < 0;
        }
    }

    private static final java.util.Comparator<Point> ORDER = (a, b) -> a.before(b) ? -1 : b.before(a) ? 1 : 0;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.readings = context.getStateStore(PatientStores.READINGS);
        this.patients = context.getStateStore(PatientStores.PATIENTS);
        this.emitted = context.getStateStore(EMITTED_STORE);
    }

    static boolean watches(String analyte) {
        return AlertKind.watches(analyte)
                || OxygenationIndex.PAO2.equals(analyte)
                || OxygenationIndex.FIO2.equals(analyte);
    }

    /** The other stores the detector reads, as it is connected to them. */
    static String[] stores() {
        return new String[] {EMITTED_STORE, PatientStores.READINGS, PatientStores.PATIENTS};
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (!(record.value() instanceof TrajectoryPoint p) || !watches(p.getAnalyte())) {
            return;
        }
        AlertInputs.Noted input = inputs.current(context).orElse(null);
        if (input == null || input.patientId() == null) {
            return;
        }
        String patient = input.patientId();
        String shown = p.getPatientId();
        String name = series(p.getAnalyte());
        if (Redelivery.isMarked(record.headers())) {
            // A redelivery: the alerts of this series may not have arrived; send them again, once per input.
            if (!input.equals(redeliveredFor)) {
                redeliveredFor = input;
                redeliveredSeries.clear();
            }
            if (redeliveredSeries.add(name)) {
                TreeMap<Point, Point> all = new TreeMap<>(ORDER);
                withPredecessors(patient, name, seriesBetween(patient, name, Long.MIN_VALUE, Long.MAX_VALUE), all);
                evaluate(record, patient, shown, name, all, true);
            }
            return;
        }
        if (input.readingId() == null || !p.getReadingId().equals(pseudonym.ofReading(input.readingId()))) {
            // Re-emitted for another input (a new baseline, a moved anchor): no value or time changed.
            return;
        }
        Map<String, TreeMap<Point, Point>> toJudge = new TreeMap<>();
        touch(toJudge, patient, p.getAnalyte(), p.getObservedAt().toEpochMilli());
        IndexEntry before = input.before();
        if (before != null && !before.deleted() && before.observedAt() != null && watches(before.analyte())) {
            touch(toJudge, patient, before.analyte(), before.observedAt().toEpochMilli());
        }
        toJudge.forEach((series, points) -> evaluate(record, patient, shown, series, points, false));
    }

    /**
     * Adds the series points a change of an {@code analyte} reading at {@code at} can affect, each with the point
     * before it: a reported ratio or an FiO2 changes the derived ratios of every PaO2 within the pairing window, any
     * other reading only its own point; and the point after them is judged against a new predecessor.
     */
    private void touch(Map<String, TreeMap<Point, Point>> toJudge, String patient, String analyte, long at) {
        String name = series(analyte);
        boolean pairs = OxygenationIndex.RATIO.equals(analyte) || OxygenationIndex.FIO2.equals(analyte);
        long from = pairs ? at - PAIRING_MS : at;
        long to = pairs ? at + PAIRING_MS : at;
        List<Point> run = seriesBetween(patient, name, from, to);
        Point next = next(patient, name, to);
        if (next != null) {
            run.add(next);
        }
        withPredecessors(patient, name, run, toJudge.computeIfAbsent(name, n -> new TreeMap<>(ORDER)));
    }

    /**
     * Puts each point of {@code run} (consecutive points of the series) with the point before it into {@code into}:
     * the first's is looked up, the others' is the one before in the run.
     */
    private void withPredecessors(String patient, String name, List<Point> run, TreeMap<Point, Point> into) {
        for (int i = 0; i < run.size(); i++) {
            into.put(run.get(i), i == 0 ? previous(patient, name, run.get(0)) : run.get(i - 1));
        }
    }

    private static String series(String analyte) {
        return LYMPH.equals(analyte) ? LYMPH : OxygenationIndex.RATIO;
    }

    /** The points of series {@code name} observed in {@code [from, to]}, in order. */
    private List<Point> seriesBetween(String patient, String name, long from, long to) {
        List<Point> out = new ArrayList<>();
        for (StoredReading r : readingsBetween(patient, name, from, to)) {
            out.add(Point.of(r));
        }
        if (!LYMPH.equals(name)) {
            List<StoredReading> pao2s = readingsBetween(patient, OxygenationIndex.PAO2, from, to);
            if (!pao2s.isEmpty()) {
                Pairing pairing = pairing(patient, millis(pao2s.get(0)), millis(pao2s.get(pao2s.size() - 1)));
                for (StoredReading pao2 : pao2s) {
                    Point derived = pairing.derive(pao2);
                    if (derived != null) {
                        out.add(derived);
                    }
                }
                out.sort(ORDER);
            }
        }
        return out;
    }

    /** The first point of series {@code name} observed after {@code after}, or null. */
    private Point next(String patient, String name, long after) {
        if (after == Long.MAX_VALUE) {
            return null;
        }
        Point reported = null;
        try (KeyValueIterator<Bytes, StoredReading> it = readings.range(
                StoreKeys.readingsFrom(patient, name, after + 1), StoreKeys.readingsAll(patient, name, true))) {
            if (it.hasNext()) {
                reported = Point.of(it.next().value);
            }
        }
        if (LYMPH.equals(name)) {
            return reported;
        }
        Bytes upTo = reported == null
                ? StoreKeys.readingsAll(patient, OxygenationIndex.PAO2, true)
                : StoreKeys.readingsUpTo(patient, OxygenationIndex.PAO2, reported.at());
        try (KeyValueIterator<Bytes, StoredReading> it =
                readings.range(StoreKeys.readingsFrom(patient, OxygenationIndex.PAO2, after + 1), upTo)) {
            Point derived = firstDerived(patient, () -> it.hasNext() ? it.next().value : null);
            if (derived != null) {
                return reported == null || derived.before(reported) ? derived : reported;
            }
        }
        return reported;
    }

    /** The point of series {@code name} just before {@code point}, or null. */
    private Point previous(String patient, String name, Point point) {
        Point reported = null;
        try (KeyValueIterator<Bytes, StoredReading> it = readings.reverseRange(
                StoreKeys.readingsAll(patient, name, false),
                StoreKeys.reading(patient, name, point.at(), point.readingId()))) {
            while (it.hasNext() && reported == null) {
                Point candidate = Point.of(it.next().value);
                if (candidate.before(point)) {
                    reported = candidate;
                }
            }
        }
        if (LYMPH.equals(name)) {
            return reported;
        }
        Bytes from = reported == null
                ? StoreKeys.readingsAll(patient, OxygenationIndex.PAO2, false)
                : StoreKeys.readingsFrom(patient, OxygenationIndex.PAO2, reported.at());
        try (KeyValueIterator<Bytes, StoredReading> it = readings.reverseRange(
                from, StoreKeys.reading(patient, OxygenationIndex.PAO2, point.at(), point.readingId()))) {
            Point before = reported;
            Point derived = firstDerived(patient, () -> {
                while (it.hasNext()) {
                    StoredReading r = it.next().value;
                    Point candidate = Point.of(r);
                    if (candidate.before(point) && (before == null || before.before(candidate))) {
                        return r;
                    }
                }
                return null;
            });
            if (derived != null) {
                return derived;
            }
        }
        return reported;
    }

    /**
     * The derived point of the first PaO2 {@code pao2s} gives (null at their end) that derives one, or null. They are
     * paired in batches of 1, 2, 4, ... up to {@value #MAX_BATCH} with one scan of the ratios and one of the FiO2s
     * around each batch, so a long run of PaO2s that pair with nothing (no FiO2 charted) costs a few scans, not two per
     * PaO2, while the usual case (the first PaO2 pairs) costs the same two.
     */
    private Point firstDerived(String patient, Supplier<StoredReading> pao2s) {
        List<StoredReading> batch = new ArrayList<>();
        for (int size = 1; ; size = Math.min(2 * size, MAX_BATCH)) {
            batch.clear();
            for (StoredReading r; batch.size() < size && (r = pao2s.get()) != null; ) {
                batch.add(r);
            }
            if (batch.isEmpty()) {
                return null;
            }
            long first = millis(batch.get(0));
            long last = millis(batch.get(batch.size() - 1));
            Pairing pairing = pairing(patient, Math.min(first, last), Math.max(first, last));
            for (StoredReading pao2 : batch) {
                Point derived = pairing.derive(pao2);
                if (derived != null) {
                    return derived;
                }
            }
        }
    }

    /** The reported ratios and FiO2s a PaO2 observed in {@code [from, to]} can be paired with: one scan of each. */
    private Pairing pairing(String patient, long from, long to) {
        return new Pairing(
                readingsBetween(patient, OxygenationIndex.RATIO, from - PAIRING_MS, to + PAIRING_MS),
                readingsBetween(patient, OxygenationIndex.FIO2, from - PAIRING_MS, to + PAIRING_MS));
    }

    /** Reported ratios and FiO2s in time order, covering the pairing window of the PaO2s derived from them. */
    private record Pairing(List<StoredReading> ratios, List<StoredReading> fio2s) {

        /**
         * The ratio of a PaO2 with the nearest FiO2 within 30 minutes (the later on a tie), unless a ratio was reported
         * then.
         */
        Point derive(StoredReading pao2) {
            long at = millis(pao2);
            int ratio = firstFrom(ratios, at - PAIRING_MS);
            if (ratio < ratios.size() && millis(ratios.get(ratio)) <= at + PAIRING_MS) {
                return null;
            }
            StoredReading fio2 = null;
            for (int i = firstFrom(fio2s, at - PAIRING_MS);
                    i < fio2s.size() && millis(fio2s.get(i)) <= at + PAIRING_MS;
                    i++) {
                StoredReading f = fio2s.get(i);
                if (fio2 == null || Math.abs(millis(f) - at) <= Math.abs(millis(fio2) - at)) {
                    fio2 = f;
                }
            }
            if (fio2 == null || !(fio2.value() > 0 && fio2.value() <= 1)) {
                return null;
            }
            return new Point(
                    pao2.readingId(),
                    at,
                    OxygenationIndex.ratio(pao2.value(), fio2.value()),
                    true,
                    pao2.value(),
                    fio2.value());
        }

        /** The index of the first reading of {@code sorted} observed at or after {@code at}. */
        private static int firstFrom(List<StoredReading> sorted, long at) {
            int low = 0;
            int high = sorted.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (millis(sorted.get(mid)) < at) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    private static long millis(StoredReading r) {
        return r.observedAt().toEpochMilli();
    }

    /** The patient's readings of {@code analyte} observed in {@code [from, to]}, in time order. */
    private List<StoredReading> readingsBetween(String patient, String analyte, long from, long to) {
        List<StoredReading> out = new ArrayList<>();
        Bytes lower = from == Long.MIN_VALUE
                ? StoreKeys.readingsAll(patient, analyte, false)
                : StoreKeys.readingsFrom(patient, analyte, from);
        try (KeyValueIterator<Bytes, StoredReading> it =
                readings.range(lower, StoreKeys.readingsUpTo(patient, analyte, to))) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    /**
     * Judges each point against its predecessor (the map's value). With {@code again} every crossing among them is forwarded, also
     * those already emitted (a redelivery; counted once).
     */
    private void evaluate(
            Record<String, SpecificRecord> record,
            String patient,
            String shown,
            String name,
            TreeMap<Point, Point> points,
            boolean again) {
        Instant[] anchor = null;
        for (Map.Entry<Point, Point> judged : points.entrySet()) {
            Point point = judged.getKey();
            Double previous =
                    judged.getValue() == null ? null : judged.getValue().value();
            for (AlertKind kind : AlertKind.crossings(name, previous, point.value())) {
                String alertId = kind.name() + ':' + pseudonym.ofReading(point.readingId());
                String emittedKey = StoreKeys.patientReading(shown, alertId);
                boolean first = emitted.get(emittedKey) == null;
                if (first) {
                    emitted.put(emittedKey, EMITTED);
                    counters.alert(kind.name());
                }
                if (first || again) {
                    if (anchor == null) {
                        PatientState state = patients.get(patient);
                        anchor = new Instant[] {
                            PatientContext.of(patient, state == null ? PatientState.EMPTY : state)
                                    .anchor()
                        };
                    }
                    context.forward(
                            record.withKey(shown).withValue(alert(shown, kind, alertId, point, previous, anchor[0])));
                }
            }
        }
    }

    private BiomarkerAlert alert(
            String shown, AlertKind kind, String alertId, Point point, Double previous, Instant anchor) {
        StudyDay day = anchor == null
                ? null
                : StudyDay.of(
                        anchor,
                        Instant.ofEpochMilli(point.at()),
                        config.protocol().zone());
        return BiomarkerAlert.newBuilder()
                .setAlertId(alertId)
                .setPatientId(shown)
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
                .setReadingId(pseudonym.ofReading(point.readingId()))
                .setDerived(point.derived())
                .setPao2(point.pao2())
                .setFio2(point.fio2())
                .setAdy(day == null ? null : day.ady())
                .setPdy(day == null ? null : day.pdy())
                .build();
    }
}
