package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Predicate;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;
import org.biomarkerstreams.domain.AlertKind;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientStores;

/**
 * The topology, as a function of a builder and a typed config: two co-partitioned inputs merged into one
 * stateful patient processor, whose outputs are routed by type to their topics and feed the cohort views and
 * alerts. Everything is named so the topology description (and so state and changelog names) is stable across
 * upgrades. The picture: docs/architecture.md, "A reading's path".
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
        PatientSubtopology patient = new PatientSubtopology(config, counters);
        counters.watchInputs(topics.inputs());
        counters.watchOutputs(
                Arrays.stream(AlertKind.values()).map(Enum::name).toList(),
                config.profile().analytes().stream()
                        .filter(a -> a.role() == AnalyteRole.PRIMARY)
                        .map(AnalyteDefinition::paramcd)
                        .toList());

        KStream<String, PatientInput> readings =
                input(builder, InputDecoding.readings(config, serdes), "lab-readings-source", "as-reading-input");
        KStream<String, PatientInput> events =
                input(builder, InputDecoding.events(config, serdes), "clinical-events-source", "as-event-input");

        for (StoreBuilder<?> store : stores()) {
            builder.addStateStore(store);
        }
        KStream<String, PatientInput> inputs = readings.merge(events, Named.as("merge-inputs"));
        // Before the patient processor: Kafka Streams forwards to a node's children in the order they were added.
        inputs.process(patient.alertNote(), Named.as(AlertInputs.NOTE), PatientStores.INDEX);
        KStream<String, SpecificRecord> outputs = inputs.process(
                patient.patient(), Named.as(PatientSubtopology.PATIENT_PROCESSOR), PatientStores.names());
        // Interactive queries: per-patient views read the patient processor's stores (PatientViews), cohort
        // views are global.
        CohortViews.define(builder, topics, serdes);

        outputs.split(Named.as("route-"))
                .branch(carries(topics.trajectory(serdes)), to(topics.trajectory(serdes), "trajectory"))
                .branch(carries(topics.summaries(serdes)), to(topics.summaries(serdes), "summaries"))
                .branch(
                        carries(topics.timeToNormalization(serdes)),
                        to(topics.timeToNormalization(serdes), "time-to-normalization"))
                .branch(carries(topics.deadLetters(serdes)), to(topics.deadLetters(serdes), "dead-letters"));

        List<CohortView> cohorts = patient.cohorts();
        cohort(outputs, cohorts.get(0), topics.cohortVisits(serdes), config);
        cohort(outputs, cohorts.get(1), topics.cohortCurves(serdes), config);

        KStream<String, SpecificRecord> alerts = outputs.process(
                patient.alerts(), Named.as(PatientSubtopology.ALERT_DETECTOR), PatientSubtopology.ALERT_STORES);
        to(alerts, topics.alerts(serdes));
    }

    /** One input topic as the patient processor's input ({@link InputDecoding}). */
    private static <V extends SpecificRecord> KStream<String, PatientInput> input(
            StreamsBuilder builder, InputDecoding<V> input, String sourceName, String mappingName) {
        return builder.stream(input.topic().name(), input.consumed(sourceName))
                .mapValues(input::asInput, Named.as(mappingName));
    }

    /**
     * A cohort view behind the patient processor: a contributor in the patient's sub-topology (keyed by patient,
     * no repartition) sends what changed to a named repartition topic keyed by analyte (one record per change and
     * analyte, for all the groups of the analyte), where a group processor keeps the members and emits the groups'
     * records.
     */
    private static void cohort(
            KStream<String, SpecificRecord> patientOutputs,
            CohortView cohort,
            TopicSpec<? extends SpecificRecord> topic,
            TopologyConfig config) {
        KStream<String, SpecificRecord> records = patientOutputs
                .process(PatientSubtopology.contributor(cohort), Named.as(cohort.contributorName()), cohort.sentStore())
                .repartition(Repartitioned.with(Serdes.String(), Contribution.serde())
                        .withName(cohort.repartition()))
                .process(
                        () -> new CohortGroupProcessor(
                                cohort.membersStore(), cohort.view(), config.cohortEmitInterval()),
                        Named.as(cohort.groupName()),
                        cohort.membersStore());
        to(records, topic);
    }

    /** The branch test of a topic, made once: the spec is built here, not for every record. */
    private static Predicate<String, SpecificRecord> carries(TopicSpec<?> topic) {
        return (key, value) -> topic.carries(value);
    }

    private static <V extends SpecificRecord> Branched<String, SpecificRecord> to(TopicSpec<V> topic, String branch) {
        return Branched.withConsumer(stream -> to(stream, topic), branch);
    }

    /** Writes the records of a stream of several record types that belong on {@code topic}, typed as its values. */
    private static <V extends SpecificRecord> void to(KStream<String, SpecificRecord> stream, TopicSpec<V> topic) {
        stream.mapValues(topic::cast, Named.as("as-" + topic.name())).to(topic.name(), topic.produced());
    }

    static List<StoreBuilder<?>> stores() {
        List<StoreSpec<?, ?>> stores = new ArrayList<>(PatientSubtopology.stores());
        stores.add(PatientSubtopology.keyValue(VisitCohort.MEMBERS_STORE));
        stores.add(PatientSubtopology.keyValue(CurveCohort.MEMBERS_STORE));
        return stores.stream().<StoreBuilder<?>>map(StoreSpec::persistent).toList();
    }
}
