package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.biomarkerstreams.streams.StateCodec;
import org.biomarkerstreams.streams.StoreKeys;
import org.biomarkerstreams.streams.StoreSpec;

/**
 * The patient processor's stores, typed: names, serdes, and every read and write the processor makes. The
 * names are the upgrade contract (running deployments restore from {@code <application>-<name>-changelog}),
 * and the serdes write the bytes of {@link StateCodec}, so typing the stores migrated no state. Keys and who
 * writes what: docs/architecture.md, "Stores".
 */
public final class PatientStores extends ReadablePatientStores {

    /** Readings keyed patient, analyte, time, reading id ({@link StoreKeys#reading}). */
    public static final String READINGS = "readings";
    /** Per patient and reading id: the revision applied, its content hash, where the reading sits. */
    public static final String INDEX = "reading-index";
    /** Per patient: its clinical events ({@link PatientState}). */
    public static final String PATIENTS = "patients";
    /** Per patient and analyte: what would otherwise be rescanned, and what was last emitted. */
    public static final String ANALYTES = "analyte-state";
    /** Follow-up closes and purges by due time ({@link FollowUpSchedule}). */
    public static final String CLOSE_SCHEDULE = "close-schedule";
    /** Per patient with readings and no anchor: since when it waits ({@link AwaitingAnchor}), for the orphan tally. */
    public static final String UNANCHORED = "unanchored-patients";
    /**
     * The store that mapped a pseudonym back to its patient id, removed in this release: a table from pseudonyms
     * to ids undid the pseudonyms for whoever could read its changelog. The API is now asked by patient id and
     * computes the pseudonym itself. A deployment upgraded from an earlier release keeps an orphaned
     * {@code <application.id>-patient-pseudonyms-changelog} topic and a local directory of that name in its state
     * directory; both are the operator's to delete (docs/architecture.md, "Upgrade contract").
     */
    public static final String REMOVED_PSEUDONYMS = "patient-pseudonyms";

    private final KeyValueStore<Bytes, StoredReading> readings;
    private final KeyValueStore<String, IndexEntry> index;
    private final KeyValueStore<String, PatientState> patients;
    private final KeyValueStore<String, AnalyteState> analytes;
    private final KeyValueStore<String, AwaitingAnchor> unanchored;

    private PatientStores(
            KeyValueStore<Bytes, StoredReading> readings,
            KeyValueStore<String, IndexEntry> index,
            KeyValueStore<String, PatientState> patients,
            KeyValueStore<String, AnalyteState> analytes,
            KeyValueStore<String, AwaitingAnchor> unanchored) {
        super(readings, analytes, patients);
        this.readings = readings;
        this.index = index;
        this.patients = patients;
        this.analytes = analytes;
        this.unanchored = unanchored;
    }

    /** The stores of the task {@code context} belongs to. */
    static PatientStores of(ProcessorContext<?, ?> context) {
        return new PatientStores(
                context.getStateStore(READINGS),
                context.getStateStore(INDEX),
                context.getStateStore(PATIENTS),
                context.getStateStore(ANALYTES),
                context.getStateStore(UNANCHORED));
    }

    /** Every store's name, as the processor is connected to them. */
    public static String[] names() {
        return new String[] {READINGS, INDEX, PATIENTS, ANALYTES, CLOSE_SCHEDULE, UNANCHORED};
    }

    /** The stores to add to the topology, each with the serde of its values. */
    public static List<StoreBuilder<?>> builders() {
        return specs().stream().<StoreBuilder<?>>map(StoreSpec::persistent).toList();
    }

    /** Every store with the serdes of its keys and values (the topology's and the backfill's). */
    public static List<StoreSpec<?, ?>> specs() {
        return List.of(
                new StoreSpec<>(
                        READINGS, Serdes.Bytes(), StateCodec.serde(StoredReading::encode, StoredReading::decode)),
                new StoreSpec<>(INDEX, Serdes.String(), StateCodec.serde(IndexEntry::encode, IndexEntry::decode)),
                new StoreSpec<>(
                        PATIENTS, Serdes.String(), StateCodec.serde(PatientState::encode, PatientState::decode)),
                new StoreSpec<>(
                        ANALYTES, Serdes.String(), StateCodec.serde(AnalyteState::encode, AnalyteState::decode)),
                new StoreSpec<>(CLOSE_SCHEDULE, Serdes.Bytes(), Serdes.ByteArray()),
                new StoreSpec<>(
                        UNANCHORED, Serdes.String(), StateCodec.serde(AwaitingAnchor::encode, AwaitingAnchor::decode)));
    }

    /**
     * Whether {@code key} of {@code store} is the task's rather than one patient's. A backfill that folds a task's
     * patients group by group ({@code TaskSpill}) merges the groups' values of such a key ({@link
     * #mergeTaskWide}). The only one is the stream time up to which follow-ups closed. (The cohort contributors'
     * mark in their {@code sent} stores is the task's too, but the same in every group: written once per group, the
     * changelog keeps one.)
     */
    public static boolean isTaskWide(String store, byte[] key) {
        return CLOSE_SCHEDULE.equals(store) && FollowUpSchedule.isReached(key);
    }

    /** The task's value of a task-wide key given two groups' values: the later stream time reached. */
    public static byte[] mergeTaskWide(byte[] a, byte[] b) {
        return a == null ? b : b == null ? a : FollowUpSchedule.laterReached(a, b);
    }

    IndexEntry indexEntry(String patientId, String readingId) {
        return index.get(StoreKeys.patientReading(patientId, readingId));
    }

    void putIndexEntry(String patientId, String readingId, IndexEntry entry) {
        index.put(StoreKeys.patientReading(patientId, readingId), entry);
    }

    void putReading(String patientId, String analyte, StoredReading reading) {
        readings.put(key(patientId, analyte, reading.observedAt().toEpochMilli(), reading.readingId()), reading);
    }

    /** Removes the reading the index entry points to; returns it, or null when it is not stored. */
    StoredReading removeReading(String patientId, String readingId, IndexEntry where) {
        return readings.delete(
                key(patientId, where.analyte(), where.observedAt().toEpochMilli(), readingId));
    }

    void savePatient(String patientId, PatientState state) {
        patients.put(patientId, state);
    }

    /** The analyte's state of the patient, or a new one. */
    AnalyteState openAnalyte(String patientId, String analyte) {
        AnalyteState st = analyte(patientId, analyte);
        return st != null ? st : new AnalyteState();
    }

    void saveAnalyte(String patientId, String analyte, AnalyteState st) {
        analytes.put(StoreKeys.patientAnalyte(patientId, analyte), st);
    }

    long countReadings(String patientId, String analyte) {
        long[] n = {0};
        forEachReading(patientId, analyte, r -> n[0]++);
        return n[0];
    }

    /** Notes that the patient's readings wait for an anchor from {@code now}, unless they already do. */
    void awaitAnchor(String patientId, Instant now) {
        if (unanchored.get(patientId) == null) {
            unanchored.put(patientId, new AwaitingAnchor(now));
        }
    }

    /** The patient has an anchor: its readings wait no more. */
    void anchored(String patientId) {
        if (unanchored.get(patientId) != null) {
            unanchored.delete(patientId);
        }
    }

    /** Every patient of this task whose readings wait for an anchor. */
    void forEachAwaitingAnchor(BiConsumer<String, AwaitingAnchor> action) {
        try (KeyValueIterator<String, AwaitingAnchor> it = unanchored.all()) {
            while (it.hasNext()) {
                var entry = it.next();
                action.accept(entry.key, entry.value);
            }
        }
    }

    /** How many readings the patient has now (retracted ones not counted). */
    long countReadings(String patientId) {
        long[] n = {0};
        forEachAnalyte(patientId, null, (analyte, st) -> n[0] += st.count);
        return n[0];
    }

    /** Removes everything kept for a patient, leaving only the archived marker. */
    void purge(String patientId) {
        deleteAll(readings, StoreKeys.patientFrom(patientId), StoreKeys.patientTo(patientId));
        String from = patientId + '\0';
        String to = patientId + '\1';
        deleteAll(index, from, to);
        deleteAll(analytes, from, to);
        anchored(patientId);
        patients.put(patientId, PatientState.ARCHIVED);
    }

    private static <K> void deleteAll(KeyValueStore<K, ?> store, K from, K to) {
        List<K> keys = new ArrayList<>();
        try (KeyValueIterator<K, ?> it = store.range(from, to)) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }

    private static Bytes key(String patientId, String analyte, long atMillis, String readingId) {
        return StoreKeys.reading(patientId, analyte, atMillis, readingId);
    }
}
