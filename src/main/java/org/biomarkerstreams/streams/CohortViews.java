package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;

/**
 * Cohort views as global stores over the two compacted cohort topics: they are small (strata x analytes x
 * visits) and carry no patient id, so every instance keeps all of them and answers cohort queries
 * locally, without forwarding.
 */
public final class CohortViews {

    public static final String VISITS_STORE = "cohort-visits-view";
    public static final String CURVES_STORE = "cohort-curves-view";

    private CohortViews() {}

    static void define(StreamsBuilder builder, Topics topics, AvroSerdes serdes) {
        view(builder, topics.cohortVisits(serdes), VISITS_STORE);
        view(builder, topics.cohortCurves(serdes), CURVES_STORE);
    }

    /** A global table of a cohort topic: every instance answers cohort queries from its own copy. */
    private static <V extends SpecificRecord> void view(StreamsBuilder builder, TopicSpec<V> topic, String store) {
        builder.globalTable(
                topic.name(),
                topic.consumed().withName(store + "-source"),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }

    /**
     * Every stratum's visit summaries, of one analyte when {@code analyte} is not null, in key order.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public static List<CohortVisitSummary> visits(KafkaStreams streams, String analyte) {
        List<CohortVisitSummary> out = new ArrayList<>();
        for (CohortVisitSummary v : all(streams, VISITS_STORE, CohortVisitSummary.class)) {
            if (analyte == null || analyte.equals(v.getAnalyte())) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * Every stratum's Kaplan-Meier curve, of one analyte when {@code analyte} is not null, in key order.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not queryable
     */
    public static List<NormalizationCurve> curves(KafkaStreams streams, String analyte) {
        List<NormalizationCurve> out = new ArrayList<>();
        for (NormalizationCurve c : all(streams, CURVES_STORE, NormalizationCurve.class)) {
            if (analyte == null || analyte.equals(c.getAnalyte())) {
                out.add(c);
            }
        }
        return out;
    }

    private static <V> List<V> all(KafkaStreams streams, String storeName, Class<V> type) {
        ReadOnlyKeyValueStore<String, V> store =
                streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null) {
                    values.add(type.cast(kv.value));
                }
            });
        }
        return values;
    }
}
