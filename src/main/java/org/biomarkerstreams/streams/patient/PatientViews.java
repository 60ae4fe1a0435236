package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.streams.AvroBinary;
import org.biomarkerstreams.streams.StoreKeys;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * Queryable per-patient views, read from the patient processor's own stores: a patient's trajectory is its
 * stored readings rendered as points with its current anchor and baselines, and its summaries are the summaries
 * it last emitted (kept in the analyte state to tell a changed summary from an unchanged one). The processor
 * re-emits a point whenever its anchor or baseline changes, so a point rendered here equals the last one on the
 * trajectory topic for that reading; nothing is copied into stores of the views' own.
 *
 * <p>The views are asked by patient id, the key of the stores and of the inputs, so the partition that owns a
 * patient is computed from the id ({@link #LOCATOR_STORE}) and no instance ever scans all of its partitions.
 * They answer as the outputs show the patient: with a pseudonym key, the records carry the pseudonym
 * ({@link #shown}), never the id. No table from pseudonyms back to ids exists anywhere. A purged patient
 * (retention after the follow-up closed) has no views.
 */
public final class PatientViews {

    /**
     * The store whose key locates a patient: keyed by patient id in the patient processor's sub-topology, so
     * {@code queryMetadataForKey(LOCATOR_STORE, patientId, ...)} names its owner.
     */
    public static final String LOCATOR_STORE = PatientStores.PATIENTS;

    private final TopologyConfig config;

    public PatientViews(TopologyConfig config) {
        this.config = config;
    }

    /** What stands for the patient in the records the views answer: its pseudonym, or the id without a key. */
    public String shown(String patientId) {
        return config.pseudonym().of(patientId);
    }

    /**
     * The patient's current (not retracted) points from the local store of {@code partition}, ordered by analyte
     * then time; one analyte's when {@code analyte} is not null.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<TrajectoryPoint> trajectory(KafkaStreams streams, int partition, String patientId, String analyte) {
        return trajectory(ReadablePatientStores.of(streams, partition), patientId, analyte);
    }

    /**
     * The patient's summaries, one per analyte, from the local store of {@code partition}.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<BiomarkerSummary> summaries(KafkaStreams streams, int partition, String patientId) {
        return summaries(ReadablePatientStores.of(streams, partition), patientId);
    }

    /** The patient's points; nothing for an id that cannot be a store key. */
    public List<TrajectoryPoint> trajectory(ReadablePatientStores stores, String patientId, String analyte) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        PatientContext patient = PatientContext.of(patientId, stores.patient(patientId));
        PatientRecords records = new PatientRecords(config);
        List<TrajectoryPoint> points = new ArrayList<>();
        // Analyte states in key order are the analytes in the readings store's key order.
        stores.forEachAnalyte(
                patientId,
                analyte,
                (name, st) -> stores.forEachReading(
                        patientId,
                        name,
                        r -> points.add(
                                records.point(patient, name, r, st.baseline).value())));
        return points;
    }

    /** The summaries the patient processor last emitted for the patient, by analyte. */
    public List<BiomarkerSummary> summaries(ReadablePatientStores stores, String patientId) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        List<BiomarkerSummary> summaries = new ArrayList<>();
        String shown = shown(patientId);
        stores.forEachAnalyte(patientId, null, (name, st) -> {
            if (st.emittedSummary != null) {
                // Kept without the patient (PatientEmitter.KEPT_PATIENT); shown as the topic shows it.
                BiomarkerSummary kept = AvroBinary.decode(st.emittedSummary, BiomarkerSummary.class);
                kept.setPatientId(shown);
                summaries.add(kept);
            }
        });
        return summaries;
    }

    /**
     * The patient's time-to-normalization records, one per analyte that has one, as the processor last emitted
     * them (the time-to-normalization topic's latest value for each key).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<TimeToNormalization> timeToNormalization(KafkaStreams streams, int partition, String patientId) {
        return timeToNormalization(ReadablePatientStores.of(streams, partition), patientId);
    }

    /** The time-to-normalization records the patient processor last emitted for the patient, by analyte. */
    public List<TimeToNormalization> timeToNormalization(ReadablePatientStores stores, String patientId) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        List<TimeToNormalization> records = new ArrayList<>();
        String shown = shown(patientId);
        stores.forEachAnalyte(patientId, null, (name, st) -> {
            if (st.emittedTtn != null) {
                // Kept without the patient (PatientEmitter.KEPT_PATIENT), like the summary.
                TimeToNormalization kept = AvroBinary.decode(st.emittedTtn, TimeToNormalization.class);
                kept.setPatientId(shown);
                records.add(kept);
            }
        });
        return records;
    }

    /**
     * The patient's infusions (not entered in error), in time order; empty for a patient never seen.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<Instant> infusions(KafkaStreams streams, int partition, String patientId) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        return ReadablePatientStores.of(streams, partition).patient(patientId).infusions();
    }
}
