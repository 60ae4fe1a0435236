package org.biomarkerstreams.api;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.streams.CohortViews;
import org.biomarkerstreams.streams.patient.PatientViews;

/**
 * What the query server reads: who owns a patient, and the local views. Store methods throw {@link
 * org.apache.kafka.streams.errors.InvalidStateStoreException} while a store is not queryable.
 */
interface QueryViews {

    /** The instance that owns the patient's partition; {@link KeyQueryMetadata#NOT_AVAILABLE} when unknown. */
    KeyQueryMetadata owner(String patientId);

    List<TrajectoryPoint> trajectory(int partition, String patientId, String analyte);

    List<BiomarkerSummary> summaries(int partition, String patientId);

    List<TimeToNormalization> timeToNormalization(int partition, String patientId);

    /** The patient's infusions in time order (the first is the anchor). */
    List<Instant> infusions(int partition, String patientId);

    /**
     * What stands for the patient in answers (and in an audit record): its keyed pseudonym when the topology runs
     * with a pseudonym key, computed here from the id (no table maps pseudonyms back to ids), else the id itself.
     */
    String shown(String patientId);

    List<CohortVisitSummary> visits(String analyte);

    List<NormalizationCurve> curves(String analyte);

    KafkaStreams.State state();

    /** The views of a running {@link KafkaStreams}; {@code patients} reads its per-patient stores. */
    static QueryViews of(KafkaStreams streams, PatientViews patients) {
        return new QueryViews() {
            @Override
            public KeyQueryMetadata owner(String patientId) {
                // Input topics are keyed by patient id with the default partitioner, and the views live in
                // the patient processor's sub-topology: the patient id locates them.
                return streams.queryMetadataForKey(
                        PatientViews.LOCATOR_STORE, patientId, Serdes.String().serializer());
            }

            @Override
            public List<TrajectoryPoint> trajectory(int partition, String patientId, String analyte) {
                return patients.trajectory(streams, partition, patientId, analyte);
            }

            @Override
            public List<BiomarkerSummary> summaries(int partition, String patientId) {
                return patients.summaries(streams, partition, patientId);
            }

            @Override
            public List<TimeToNormalization> timeToNormalization(int partition, String patientId) {
                return patients.timeToNormalization(streams, partition, patientId);
            }

            @Override
            public List<Instant> infusions(int partition, String patientId) {
                return patients.infusions(streams, partition, patientId);
            }

            @Override
            public String shown(String patientId) {
                return patients.shown(patientId);
            }

            @Override
            public List<CohortVisitSummary> visits(String analyte) {
                return CohortViews.visits(streams, analyte);
            }

            @Override
            public List<NormalizationCurve> curves(String analyte) {
                return CohortViews.curves(streams, analyte);
            }

            @Override
            public KafkaStreams.State state() {
                return streams.state();
            }
        };
    }
}
