package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;

/**
 * Queryable per-patient views: the patient processor's trajectory points and summaries, materialized in
 * the patient's own sub-topology so that the instance owning a patient's input partition answers for
 * it. Points are kept under patient, analyte, time, reading id (a patient's analyte history is one
 * time-ordered range); an index from patient and reading id to that key lets a correction that moves a
 * reading in time or to another analyte replace it in O(1), and a retraction remove it.
 *
 * <p>The views hold the records as the output topics carry them: with a pseudonym key, they are keyed by the
 * patient's pseudonym, so the HTTP API answers by pseudonym and never by the patient id.
 */
public final class PatientViews {

    public static final String TRAJECTORY_STORE = "patient-trajectory-view";
    static final String POINT_INDEX_STORE = "patient-trajectory-view-index";
    public static final String SUMMARY_STORE = "patient-summary-view";

    private PatientViews() {}

    /** Materializes the per-patient outputs of {@code outputs} (keyed by patient, not repartitioned). */
    static void define(StreamsBuilder builder, AvroSerdes serdes, KStream<String, SpecificRecord> outputs) {
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(TRAJECTORY_STORE), Serdes.Bytes(), serdes.value(TrajectoryPoint.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(POINT_INDEX_STORE), Serdes.String(), Serdes.Bytes()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(SUMMARY_STORE), Serdes.String(), serdes.value(BiomarkerSummary.class)));
        outputs.process(
                ViewProcessor::new, Named.as("patient-views"), TRAJECTORY_STORE, POINT_INDEX_STORE, SUMMARY_STORE);
    }

    /**
     * The patient's current (not retracted) points from the local store of {@code partition}, ordered by
     * analyte then time; one analyte's when {@code analyte} is not null.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public static List<TrajectoryPoint> trajectory(
            KafkaStreams streams, int partition, String patientId, String analyte) {
        ReadOnlyKeyValueStore<Bytes, TrajectoryPoint> store = streams.store(StoreQueryParameters.fromNameAndType(
                        TRAJECTORY_STORE, QueryableStoreTypes.<Bytes, TrajectoryPoint>keyValueStore())
                .withPartition(partition));
        return trajectory(store, patientId, analyte);
    }

    /**
     * As {@link #trajectory(KafkaStreams, int, String, String)}, from every partition this instance owns: for a
     * pseudonym, whose partition cannot be computed (the inputs are partitioned by the patient id it hides).
     */
    public static List<TrajectoryPoint> localTrajectory(KafkaStreams streams, String patientId, String analyte) {
        ReadOnlyKeyValueStore<Bytes, TrajectoryPoint> store = streams.store(StoreQueryParameters.fromNameAndType(
                TRAJECTORY_STORE, QueryableStoreTypes.<Bytes, TrajectoryPoint>keyValueStore()));
        return trajectory(store, patientId, analyte);
    }

    /** As {@link #summaries(KafkaStreams, int, String)}, from every partition this instance owns. */
    public static List<BiomarkerSummary> localSummaries(KafkaStreams streams, String patientId) {
        ReadOnlyKeyValueStore<String, BiomarkerSummary> store = streams.store(StoreQueryParameters.fromNameAndType(
                SUMMARY_STORE, QueryableStoreTypes.<String, BiomarkerSummary>keyValueStore()));
        return summaries(store, patientId);
    }

    static List<TrajectoryPoint> trajectory(
            ReadOnlyKeyValueStore<Bytes, TrajectoryPoint> store, String patientId, String analyte) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        Bytes from =
                analyte == null ? StoreKeys.patientFrom(patientId) : StoreKeys.readingsAll(patientId, analyte, false);
        Bytes to = analyte == null ? StoreKeys.patientTo(patientId) : StoreKeys.readingsAll(patientId, analyte, true);
        List<TrajectoryPoint> points = new ArrayList<>();
        try (KeyValueIterator<Bytes, TrajectoryPoint> it = store.range(from, to)) {
            it.forEachRemaining(kv -> points.add(kv.value));
        }
        return points;
    }

    /**
     * The patient's summaries, one per analyte, from the local store of {@code partition}.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public static List<BiomarkerSummary> summaries(KafkaStreams streams, int partition, String patientId) {
        ReadOnlyKeyValueStore<String, BiomarkerSummary> store = streams.store(StoreQueryParameters.fromNameAndType(
                        SUMMARY_STORE, QueryableStoreTypes.<String, BiomarkerSummary>keyValueStore())
                .withPartition(partition));
        return summaries(store, patientId);
    }

    static List<BiomarkerSummary> summaries(ReadOnlyKeyValueStore<String, BiomarkerSummary> store, String patientId) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return List.of();
        }
        List<BiomarkerSummary> summaries = new ArrayList<>();
        try (KeyValueIterator<String, BiomarkerSummary> it = store.range(patientId + '\0', patientId + '\1')) {
            it.forEachRemaining(kv -> summaries.add(kv.value));
        }
        return summaries;
    }

    /** Keeps the views in step with the patient processor's outputs; everything else passes by. */
    static final class ViewProcessor implements Processor<String, SpecificRecord, Void, Void> {

        private KeyValueStore<Bytes, TrajectoryPoint> points;
        private KeyValueStore<String, Bytes> index;
        private KeyValueStore<String, BiomarkerSummary> summaries;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            points = context.getStateStore(TRAJECTORY_STORE);
            index = context.getStateStore(POINT_INDEX_STORE);
            summaries = context.getStateStore(SUMMARY_STORE);
        }

        @Override
        public void process(Record<String, SpecificRecord> record) {
            if (record.value() instanceof TrajectoryPoint point) {
                onPoint(point);
            } else if (record.value() instanceof BiomarkerSummary summary) {
                summaries.put(StoreKeys.patientAnalyte(summary.getPatientId(), summary.getAnalyte()), summary);
            }
        }

        private void onPoint(TrajectoryPoint point) {
            String indexKey = StoreKeys.patientReading(point.getPatientId(), point.getReadingId());
            Bytes previous = index.get(indexKey);
            if (point.getRetracted()) {
                if (previous != null) {
                    points.delete(previous);
                    index.delete(indexKey);
                }
                return;
            }
            Bytes key = StoreKeys.reading(
                    point.getPatientId(),
                    point.getAnalyte(),
                    point.getObservedAt().toEpochMilli(),
                    point.getReadingId());
            if (previous != null && !previous.equals(key)) {
                points.delete(previous);
            }
            points.put(key, point);
            // A re-emitted point (new baseline, same reading) keeps its key: the index already says so.
            if (!key.equals(previous)) {
                index.put(indexKey, key);
            }
        }
    }
}
