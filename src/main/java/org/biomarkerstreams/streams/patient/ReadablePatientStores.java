package org.biomarkerstreams.streams.patient;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.biomarkerstreams.streams.StoreKeys;

/**
 * What can be read from the patient processor's stores: by the processor itself ({@link PatientStores}) and by
 * the query views, from the stores of the partition that owns the patient. Readings are read as bounded,
 * time-ordered range scans of one patient's analyte (key layout: {@link StoreKeys}).
 */
public class ReadablePatientStores {

    private static final QueryableStoreType<ReadOnlyKeyValueStore<Object, Object>> KEY_VALUE =
            QueryableStoreTypes.keyValueStore();

    private final ReadOnlyKeyValueStore<Bytes, StoredReading> readings;
    private final ReadOnlyKeyValueStore<String, AnalyteState> analytes;
    private final ReadOnlyKeyValueStore<String, PatientState> patients;

    public ReadablePatientStores(
            ReadOnlyKeyValueStore<Bytes, StoredReading> readings,
            ReadOnlyKeyValueStore<String, AnalyteState> analytes,
            ReadOnlyKeyValueStore<String, PatientState> patients) {
        this.readings = readings;
        this.analytes = analytes;
        this.patients = patients;
    }

    /**
     * The stores of one partition of a running application: the partition that owns the patient, computed from
     * the patient id as the inputs are partitioned.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while a store is not queryable
     */
    public static ReadablePatientStores of(KafkaStreams streams, int partition) {
        return new ReadablePatientStores(
                query(streams, PatientStores.READINGS, partition),
                query(streams, PatientStores.ANALYTES, partition),
                query(streams, PatientStores.PATIENTS, partition));
    }

    @SuppressWarnings("unchecked") // the store builders in PatientStores fix each store's types
    private static <K, V> ReadOnlyKeyValueStore<K, V> query(KafkaStreams streams, String name, int partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<Object, Object>> q =
                StoreQueryParameters.fromNameAndType(name, KEY_VALUE);
        return (ReadOnlyKeyValueStore<K, V>) streams.store(q.withPartition(partition));
    }

    /** The patient's events and what follows from them; {@link PatientState#EMPTY} for a patient never seen. */
    public PatientState patient(String patientId) {
        PatientState state = patients.get(patientId);
        return state == null ? PatientState.EMPTY : state;
    }

    /** The analyte's state of the patient, or null when the patient has no reading of it. */
    AnalyteState analyte(String patientId, String analyte) {
        return analytes.get(StoreKeys.patientAnalyte(patientId, analyte));
    }

    /** Every analyte state of the patient in analyte order; one analyte's when {@code analyte} is not null. */
    void forEachAnalyte(String patientId, String analyte, BiConsumer<String, AnalyteState> action) {
        String from = StoreKeys.patientAnalyte(patientId, analyte == null ? "" : analyte);
        // Inclusive upper bound: one analyte's own key, or just past every key of the patient.
        String to = analyte == null ? patientId + '\1' : from;
        try (KeyValueIterator<String, AnalyteState> it = analytes.range(from, to)) {
            while (it.hasNext()) {
                var entry = it.next();
                action.accept(entry.key.substring(patientId.length() + 1), entry.value);
            }
        }
    }

    /** The stored reading a pick was made from, or null when it is gone. */
    StoredReading reading(String patientId, String analyte, AnalyteState.Pick pick) {
        return readings.get(StoreKeys.reading(patientId, analyte, pick.at().toEpochMilli(), pick.readingId()));
    }

    /** The readings of one patient's analyte observed in {@code [fromMillis, untilMillis)}, in time order. */
    void forEachReading(
            String patientId, String analyte, long fromMillis, long untilMillis, Consumer<StoredReading> action) {
        try (KeyValueIterator<Bytes, StoredReading> it =
                readings.range(lower(patientId, analyte, fromMillis), upper(patientId, analyte, untilMillis))) {
            while (it.hasNext()) {
                action.accept(it.next().value);
            }
        }
    }

    /** Every reading of one patient's analyte, in time order. */
    void forEachReading(String patientId, String analyte, Consumer<StoredReading> action) {
        forEachReading(patientId, analyte, Long.MIN_VALUE, Long.MAX_VALUE, action);
    }

    /** The latest reading of one patient's analyte observed in {@code [fromMillis, untilMillis)}, or null. */
    StoredReading lastReading(String patientId, String analyte, long fromMillis, long untilMillis) {
        try (KeyValueIterator<Bytes, StoredReading> it =
                readings.reverseRange(lower(patientId, analyte, fromMillis), upper(patientId, analyte, untilMillis))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    private static Bytes lower(String patientId, String analyte, long fromMillis) {
        return StoreKeys.readingsFrom(patientId, analyte, fromMillis);
    }

    /** Every stored key at {@code untilMillis} carries a non-empty reading id and so sorts after the bound. */
    private static Bytes upper(String patientId, String analyte, long untilMillis) {
        return untilMillis == Long.MAX_VALUE
                ? StoreKeys.readingsAll(patientId, analyte, true)
                : StoreKeys.readingsBefore(patientId, analyte, untilMillis);
    }
}
