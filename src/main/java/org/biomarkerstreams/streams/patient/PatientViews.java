package org.biomarkerstreams.streams.patient;

import org.biomarkerstreams.streams.Outputs;
import org.biomarkerstreams.streams.StoreKeys;
import org.biomarkerstreams.streams.TopologyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;

/**
 * Queryable per-patient views, read from the patient processor's own stores: a patient's trajectory is
 * its stored readings rendered as points with its current anchor and baselines, and its summaries are
 * the summaries it last emitted (kept in the analyte state to tell a changed summary from an unchanged
 * one). The processor re-emits a point whenever its anchor or baseline changes, so a point rendered here
 * equals the last one on the trajectory topic for that reading; nothing is copied into stores of their
 * own, which saved three store writes (and changelog records) per reading.
 *
 * <p>The views answer for the patient as the outputs show it: with a pseudonym key, by pseudonym only
 * (the processor keeps a pseudonym-to-id store for that), so the HTTP API never looks a patient id up.
 * A purged patient (retention after the follow-up closed) has no views.
 */
public final class PatientViews {

    /**
     * The store whose key locates a patient: keyed by patient id in the patient processor's
     * sub-topology, so {@code queryMetadataForKey(LOCATOR_STORE, patientId, ...)} names its owner.
     */
    public static final String LOCATOR_STORE = PatientProcessor.PATIENTS_STORE;

    private static final QueryableStoreType<ReadOnlyKeyValueStore<String, byte[]>> BY_STRING =
            QueryableStoreTypes.keyValueStore();
    private static final QueryableStoreType<ReadOnlyKeyValueStore<Bytes, byte[]>> BY_BYTES =
            QueryableStoreTypes.keyValueStore();

    private final TopologyConfig config;

    public PatientViews(TopologyConfig config) {
        this.config = config;
    }

    /** The processor's stores a view reads (one partition's, or every local partition's). */
    public record Stores(
            ReadOnlyKeyValueStore<Bytes, byte[]> readings,
            ReadOnlyKeyValueStore<String, byte[]> analytes,
            ReadOnlyKeyValueStore<String, byte[]> patients,
            ReadOnlyKeyValueStore<String, byte[]> pseudonyms) {

        /**
         * @param partition one partition's stores, or every local partition's when null
         * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while a store is not queryable
         */
        static Stores of(KafkaStreams streams, Integer partition) {
            return new Stores(
                    streams.store(query(PatientProcessor.READINGS_STORE, BY_BYTES, partition)),
                    streams.store(query(PatientProcessor.ANALYTES_STORE, BY_STRING, partition)),
                    streams.store(query(PatientProcessor.PATIENTS_STORE, BY_STRING, partition)),
                    streams.store(query(PatientProcessor.PSEUDONYMS_STORE, BY_STRING, partition)));
        }

        private static <T> StoreQueryParameters<T> query(String name, QueryableStoreType<T> type, Integer partition) {
            StoreQueryParameters<T> q = StoreQueryParameters.fromNameAndType(name, type);
            return partition == null ? q : q.withPartition(partition);
        }
    }

    /**
     * The patient's current (not retracted) points from the local store of {@code partition}, ordered by
     * analyte then time; one analyte's when {@code analyte} is not null.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<TrajectoryPoint> trajectory(KafkaStreams streams, int partition, String patient, String analyte) {
        return trajectory(Stores.of(streams, partition), patient, analyte);
    }

    /**
     * As {@link #trajectory(KafkaStreams, int, String, String)}, from every partition this instance owns: for a
     * pseudonym, whose partition cannot be computed (the inputs are partitioned by the patient id it hides).
     */
    public List<TrajectoryPoint> localTrajectory(KafkaStreams streams, String patient, String analyte) {
        return trajectory(Stores.of(streams, null), patient, analyte);
    }

    /**
     * The patient's summaries, one per analyte, from the local store of {@code partition}.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public List<BiomarkerSummary> summaries(KafkaStreams streams, int partition, String patient) {
        return summaries(Stores.of(streams, partition), patient);
    }

    /** As {@link #summaries(KafkaStreams, int, String)}, from every partition this instance owns. */
    public List<BiomarkerSummary> localSummaries(KafkaStreams streams, String patient) {
        return summaries(Stores.of(streams, null), patient);
    }

    /** {@code shown} is the patient as the outputs show it: its id, or its pseudonym when one is configured. */
    public List<TrajectoryPoint> trajectory(Stores stores, String shown, String analyte) {
        String id = patientId(stores, shown);
        if (id == null) {
            return List.of();
        }
        byte[] state = stores.patients().get(id);
        PatientProcessor.PatientContext patient =
                PatientProcessor.contextOf(id, state == null ? PatientState.EMPTY : PatientState.decode(state));
        Outputs outputs = new Outputs(config);
        List<TrajectoryPoint> points = new ArrayList<>();
        // Analyte states in key order are the analytes in the readings store's key order.
        try (KeyValueIterator<String, byte[]> states = stores.analytes()
                .range(StoreKeys.patientAnalyte(id, analyte == null ? "" : analyte), analyteRangeEnd(id, analyte))) {
            while (states.hasNext()) {
                var entry = states.next();
                String name = entry.key.substring(id.length() + 1);
                AnalyteState st = AnalyteState.decode(entry.value);
                try (KeyValueIterator<Bytes, byte[]> it = stores.readings()
                        .range(StoreKeys.readingsAll(id, name, false), StoreKeys.readingsAll(id, name, true))) {
                    while (it.hasNext()) {
                        StoredReading r = StoredReading.decode(it.next().value);
                        points.add((TrajectoryPoint)
                                outputs.point(patient, name, r, st.baseline).value());
                    }
                }
            }
        }
        return points;
    }

    /** The summaries the patient processor last emitted for the patient, by analyte. */
    public List<BiomarkerSummary> summaries(Stores stores, String shown) {
        String id = patientId(stores, shown);
        if (id == null) {
            return List.of();
        }
        List<BiomarkerSummary> summaries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> states =
                stores.analytes().range(StoreKeys.patientAnalyte(id, ""), analyteRangeEnd(id, null))) {
            while (states.hasNext()) {
                byte[] emitted = AnalyteState.decode(states.next().value).emittedSummary;
                if (emitted != null) {
                    summaries.add(decodeSummary(emitted));
                }
            }
        }
        return summaries;
    }

    /** The patient id behind {@code shown}; null when unknown here or not a valid id. */
    private String patientId(Stores stores, String shown) {
        if (shown == null) {
            return null;
        }
        String id;
        if (config.pseudonym().enabled()) {
            byte[] bytes = stores.pseudonyms().get(shown);
            id = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        } else {
            id = shown;
        }
        return id != null && StoreKeys.isKeySafe(id) ? id : null;
    }

    /** Exclusive end of one analyte's state key, or of all of the patient's. */
    private static String analyteRangeEnd(String id, String analyte) {
        return analyte == null ? id + '\1' : StoreKeys.patientAnalyte(id, analyte);
    }

    private static BiomarkerSummary decodeSummary(byte[] avro) {
        try {
            return new SpecificDatumReader<>(BiomarkerSummary.class)
                    .read(null, DecoderFactory.get().binaryDecoder(avro, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
