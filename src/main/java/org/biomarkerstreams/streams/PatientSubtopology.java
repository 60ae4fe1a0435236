package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.patient.OrphanWatch;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientProcessor;
import org.biomarkerstreams.streams.patient.PatientStores;

/**
 * The processors of the patient's sub-topology (keyed by patient, one task per input partition) and their
 * stores, defined once: {@link BiomarkerTopology} wires them into the streaming topology, {@link BatchTask} runs
 * the same processors on in-memory stores for a backfill. The patient processor's outputs go, in this order, to
 * the output topics (routed by record type), to one contributor per cohort view (whose contributions cross a
 * repartition topic to the cohort's group processor) and to the alert detector.
 */
public final class PatientSubtopology {

    static final String PATIENT_PROCESSOR = "patient-processor";
    static final String ALERT_DETECTOR = "alert-detector";
    /** The alert detector's own store and the patient processor's stores it reads. */
    static final String[] ALERT_STORES = AlertProcessor.stores();

    private final TopologyConfig config;
    private final PipelineCounters counters;
    private final UnitConverter converter;
    private final OrphanWatch orphans;
    private final List<CohortView> cohorts;
    private final AlertInputs alertInputs = new AlertInputs();

    public PatientSubtopology(TopologyConfig config, PipelineCounters counters) {
        this.config = config;
        this.counters = counters;
        this.converter = new UnitConverter().withSpellings(config.profile().unitSpellings());
        this.orphans = new OrphanWatch(config.orphanAfter(), counters);
        this.cohorts = List.of(VisitCohort.view(config), CurveCohort.view(config));
    }

    TopologyConfig config() {
        return config;
    }

    ProcessorSupplier<String, PatientInput, String, SpecificRecord> patient() {
        return this::patientProcessor;
    }

    PatientProcessor patientProcessor() {
        return new PatientProcessor(config, converter, counters, orphans);
    }

    /** The cohort views, in the order the patient processor's outputs reach their contributors. */
    List<CohortView> cohorts() {
        return cohorts;
    }

    static ProcessorSupplier<String, SpecificRecord, String, Contribution> contributor(CohortView cohort) {
        return () -> new ContributionProcessor(cohort.sentStore(), cohort.contributor());
    }

    /**
     * The node that notes each input for the alert detector ({@link AlertInputs}); it must see every input record
     * before the patient processor does.
     */
    ProcessorSupplier<String, PatientInput, Void, Void> alertNote() {
        return alertInputs::note;
    }

    ProcessorSupplier<String, SpecificRecord, String, SpecificRecord> alerts() {
        return () -> new AlertProcessor(config, counters, alertInputs);
    }

    /** The stores of the patient's sub-topology (those a backfill writes to their changelogs). */
    public static List<StoreSpec<?, ?>> stores() {
        List<StoreSpec<?, ?>> stores = new ArrayList<>(List.of(
                keyValue(VisitCohort.SENT_STORE),
                keyValue(CurveCohort.SENT_STORE),
                keyValue(AlertProcessor.EMITTED_STORE)));
        stores.addAll(PatientStores.specs());
        return stores;
    }

    /** The names of the repartition topics the contributors write, as Kafka Streams names them. */
    public static List<String> repartitionTopics(String applicationId) {
        return List.of(
                repartitionTopic(applicationId, VisitCohort.REPARTITION),
                repartitionTopic(applicationId, CurveCohort.REPARTITION));
    }

    static String repartitionTopic(String applicationId, String name) {
        return applicationId + "-" + name + "-repartition";
    }

    static StoreSpec<?, ?> keyValue(String name) {
        return new StoreSpec<>(name, Serdes.String(), Serdes.ByteArray());
    }
}
