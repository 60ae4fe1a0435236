package org.biomarkerstreams.streams.patient;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.streams.AvroBinary;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * Queryable per-patient views, read from the patient processor's own stores: a patient's trajectory is its
 * stored readings rendered as points with its current anchor and baselines, and its summaries are the summaries
 * it last emitted (kept in the analyte state to tell a changed summary from an unchanged one). The processor
 * re-emits a point whenever its anchor or baseline changes, so a point rendered here equals the last one on the
 * trajectory topic for that reading; nothing is copied into stores of the views' own.
 *
 * <p>The views answer for the patient as the outputs show it: with a pseudonym key, by pseudonym only (the
 * processor keeps a pseudonym-to-id store for that), so the HTTP API never looks a patient id up. A purged
 * patient (retention after the follow-up closed) has no views.
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

    /**
     * The patient's current (not retracted) points from the local store of {@code partition}, ordered by analyte
     * then time; one analyte's when {@code analyte} is not null.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<TrajectoryPoint> trajectory(KafkaStreams streams, int partition, String patient, String analyte) {
        return trajectory(ReadablePatientStores.of(streams, partition), patient, analyte);
    }

    /**
     * As {@link #trajectory(KafkaStreams, int, String, String)}, from every partition this instance owns: for a
     * pseudonym, whose partition cannot be computed (the inputs are partitioned by the patient id it hides).
     */
    public List<TrajectoryPoint> localTrajectory(KafkaStreams streams, String patient, String analyte) {
        return trajectory(ReadablePatientStores.of(streams, null), patient, analyte);
    }

    /**
     * The patient's summaries, one per analyte, from the local store of {@code partition}.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<BiomarkerSummary> summaries(KafkaStreams streams, int partition, String patient) {
        return summaries(ReadablePatientStores.of(streams, partition), patient);
    }

    /** As {@link #summaries(KafkaStreams, int, String)}, from every partition this instance owns. */
    public List<BiomarkerSummary> localSummaries(KafkaStreams streams, String patient) {
        return summaries(ReadablePatientStores.of(streams, null), patient);
    }

    /** {@code shown} is the patient as the outputs show it: its id, or its pseudonym when one is configured. */
    public List<TrajectoryPoint> trajectory(ReadablePatientStores stores, String shown, String analyte) {
        String id = stores.patientIdOf(shown, config.pseudonym());
        if (id == null) {
            return List.of();
        }
        PatientContext patient = PatientContext.of(id, stores.patient(id));
        PatientRecords records = new PatientRecords(config);
        List<TrajectoryPoint> points = new ArrayList<>();
        // Analyte states in key order are the analytes in the readings store's key order.
        stores.forEachAnalyte(
                id,
                analyte,
                (name, st) -> stores.forEachReading(
                        id,
                        name,
                        r -> points.add(
                                records.point(patient, name, r, st.baseline).value())));
        return points;
    }

    /** The summaries the patient processor last emitted for the patient, by analyte. */
    public List<BiomarkerSummary> summaries(ReadablePatientStores stores, String shown) {
        String id = stores.patientIdOf(shown, config.pseudonym());
        if (id == null) {
            return List.of();
        }
        List<BiomarkerSummary> summaries = new ArrayList<>();
        stores.forEachAnalyte(id, null, (name, st) -> {
            if (st.emittedSummary != null) {
                summaries.add(AvroBinary.decode(st.emittedSummary, BiomarkerSummary.class));
            }
        });
        return summaries;
    }
}
