package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.AlertKind;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientProcessor;
import org.biomarkerstreams.streams.patient.PatientStores;

/**
 * The topology, as a function of a builder and a typed config: two co-partitioned inputs merged into
 * one stateful patient processor, whose outputs are routed by type to their topics. Everything is
 * named so the topology description (and so state and changelog names) is stable across upgrades.
 */
public final class BiomarkerTopology {

    private BiomarkerTopology() {}

    public static Topology build(TopologyConfig config, AvroSerdes serdes, PipelineCounters counters) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, config, serdes, counters);
        return builder.build();
    }

    /** Adds the pipeline to {@code builder}. */
    public static void define(
            StreamsBuilder builder, TopologyConfig config, AvroSerdes serdes, PipelineCounters counters) {
        Topics topics = config.topics();
        UnitConverter converter = new UnitConverter();
        counters.watchInputs(
                topics.inputs(),
                java.util.Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        counters.watchOutputs(
                java.util.Arrays.stream(AlertKind.values()).map(Enum::name).toList(),
                config.profile().analytes().stream()
                        .filter(a -> a.role() == AnalyteRole.PRIMARY)
                        .map(AnalyteDefinition::paramcd)
                        .toList());

        KStream<String, PatientInput> readings = builder.stream(
                        topics.readings(),
                        Consumed.with(
                                        Serdes.String(),
                                        decoding(serdes.value(LabReading.class), config.maxRecordBytes()))
                                .withTimestampExtractor(new InputTimestampExtractor<LabReading>(
                                        r -> r.getObservedAt(), config.clock(), config.futureTolerance()))
                                .withName("lab-readings-source"))
                .mapValues(d -> (PatientInput) new PatientInput.Reading(d), Named.as("as-reading-input"));
        KStream<String, PatientInput> events = builder.stream(
                        topics.events(),
                        Consumed.with(
                                        Serdes.String(),
                                        decoding(serdes.value(ClinicalEvent.class), config.maxRecordBytes()))
                                .withTimestampExtractor(new InputTimestampExtractor<ClinicalEvent>(
                                        e -> e.getAt(), config.clock(), config.futureTolerance()))
                                .withName("clinical-events-source"))
                .mapValues(d -> (PatientInput) new PatientInput.Event(d), Named.as("as-event-input"));

        for (StoreBuilder<?> store : stores()) {
            builder.addStateStore(store);
        }
        ProcessorSupplier<String, PatientInput, String, SpecificRecord> processor =
                () -> new PatientProcessor(config, converter, counters);
        KStream<String, SpecificRecord> outputs = readings.merge(events, Named.as("merge-inputs"))
                .process(
                        processor,
                        Named.as("patient-processor"),
                        PatientStores.READINGS,
                        PatientStores.INDEX,
                        PatientStores.PATIENTS,
                        PatientStores.ANALYTES,
                        PatientStores.CLOSE_SCHEDULE,
                        PatientStores.PSEUDONYMS);
        // Interactive queries: per-patient views read the patient processor's stores (PatientViews), cohort
        // views are global.
        CohortViews.define(builder, topics, serdes);

        outputs.split(Named.as("route-"))
                .branch(
                        (k, v) -> v instanceof TrajectoryPoint,
                        Branched.withConsumer(
                                s -> to(s, topics.trajectory(), serdes.value(TrajectoryPoint.class)), "trajectory"))
                .branch(
                        (k, v) -> v instanceof BiomarkerSummary,
                        Branched.withConsumer(
                                s -> to(s, topics.summaries(), serdes.value(BiomarkerSummary.class)), "summaries"))
                .branch(
                        (k, v) -> v instanceof TimeToNormalization,
                        Branched.withConsumer(
                                s -> to(s, topics.timeToNormalization(), serdes.value(TimeToNormalization.class)),
                                "time-to-normalization"))
                .branch(
                        (k, v) -> v instanceof DeadLetter,
                        Branched.withConsumer(
                                s -> to(s, topics.deadLetters(), serdes.value(DeadLetter.class)), "dead-letters"));

        defineCohorts(outputs, config, serdes);

        KStream<String, SpecificRecord> alerts = outputs.process(
                () -> new AlertProcessor(config, counters),
                Named.as("alert-detector"),
                AlertProcessor.READINGS_STORE,
                AlertProcessor.INDEX_STORE,
                AlertProcessor.SERIES_STORE,
                AlertProcessor.EMITTED_STORE);
        to(alerts, topics.alerts(), serdes.value(BiomarkerAlert.class));
    }

    /**
     * The cohort views behind the patient processor: a contributor per view in the patient's
     * sub-topology (keyed by patient, no repartition) sends what changed to a named repartition topic
     * keyed by cohort group, where a group processor keeps the members and emits the group's records.
     */
    private static void defineCohorts(
            KStream<String, SpecificRecord> patientOutputs, TopologyConfig config, AvroSerdes serdes) {
        Topics topics = config.topics();
        Repartitioned<String, Contribution> contributions = Repartitioned.with(Serdes.String(), Contribution.serde());

        VisitCohort visits = new VisitCohort(config);
        KStream<String, SpecificRecord> visitSummaries = patientOutputs
                .process(
                        () -> new ContributionProcessor(VisitCohort.SENT_STORE, visits::contributions),
                        Named.as("cohort-visit-contributor"),
                        VisitCohort.SENT_STORE)
                .repartition(contributions.withName(VisitCohort.REPARTITION))
                .process(
                        () -> new CohortGroupProcessor(
                                VisitCohort.MEMBERS_STORE, visits::render, config.cohortEmitInterval()),
                        Named.as("cohort-visit-summarizer"),
                        VisitCohort.MEMBERS_STORE);
        to(visitSummaries, topics.cohortVisits(), serdes.value(CohortVisitSummary.class));

        CurveCohort curves = new CurveCohort(config);
        KStream<String, SpecificRecord> normalizationCurves = patientOutputs
                .process(
                        () -> new ContributionProcessor(CurveCohort.SENT_STORE, curves::contributions),
                        Named.as("cohort-curve-contributor"),
                        CurveCohort.SENT_STORE)
                .repartition(contributions.withName(CurveCohort.REPARTITION))
                .process(
                        () -> new CohortGroupProcessor(
                                CurveCohort.MEMBERS_STORE, curves::render, config.cohortEmitInterval()),
                        Named.as("cohort-curve-estimator"),
                        CurveCohort.MEMBERS_STORE);
        to(normalizationCurves, topics.cohortCurves(), serdes.value(NormalizationCurve.class));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void to(
            KStream<String, SpecificRecord> stream, String topic, Serde<T> serde) {
        ((KStream<String, T>) (KStream<String, ?>) stream)
                .to(topic, Produced.with(Serdes.String(), serde).withName("to-" + topic));
    }

    private static <T> Serde<Decoded<T>> decoding(Serde<T> inner, int maxRecordBytes) {
        return Serdes.serdeFrom(
                (topic, data) -> {
                    throw new UnsupportedOperationException("decoded input values are never written");
                },
                new SafeDeserializer<>(inner.deserializer(), maxRecordBytes));
    }

    static List<StoreBuilder<?>> stores() {
        List<StoreBuilder<?>> stores = new ArrayList<>(List.of(
                keyValue(VisitCohort.SENT_STORE),
                keyValue(VisitCohort.MEMBERS_STORE),
                keyValue(CurveCohort.SENT_STORE),
                keyValue(CurveCohort.MEMBERS_STORE),
                byteKeyed(AlertProcessor.READINGS_STORE),
                keyValue(AlertProcessor.INDEX_STORE),
                byteKeyed(AlertProcessor.SERIES_STORE),
                keyValue(AlertProcessor.EMITTED_STORE)));
        stores.addAll(PatientStores.builders());
        return stores;
    }

    private static StoreBuilder<?> byteKeyed(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    private static StoreBuilder<?> keyValue(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray());
    }
}
