package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.UUID;
import org.apache.kafka.streams.TopologyDescription;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.junit.jupiter.api.Test;

/** Processor, store and repartition names are part of the upgrade contract: state and changelogs hang on them. */
class TopologyNamesTest {

    private final TopologyDescription description = BiomarkerTopology.build(
                    TopologyConfig.defaults(Clock.systemUTC()),
                    new AvroSerdes(InMemorySchemaRegistry.scope("names-" + UUID.randomUUID()), true),
                    new PipelineCounters(new SimpleMeterRegistry()))
            .describe();

    @Test
    void shouldNameCohortAndAlertProcessorsStoresAndRepartitionsWhenBuilt() {
        assertThat(description.toString())
                .contains(
                        "cohort-visit-contributor",
                        "cohort-curve-contributor",
                        "cohort-visit-changes-repartition",
                        "cohort-curve-changes-repartition",
                        "cohort-visit-summarizer",
                        "cohort-curve-estimator",
                        "alert-detector",
                        AlertInputs.NOTE,
                        VisitCohort.SENT_STORE,
                        VisitCohort.MEMBERS_STORE,
                        CurveCohort.SENT_STORE,
                        CurveCohort.MEMBERS_STORE,
                        AlertProcessor.EMITTED_STORE,
                        "to-cohort-visit-summaries",
                        "to-cohort-normalization-curves",
                        "to-biomarker-alerts")
                .doesNotContainPattern("KSTREAM-[A-Z]+-\\d+");
    }

    /**
     * Written out, not taken from the constants: a renamed constant would otherwise pass, and a running deployment
     * would then start from empty stores instead of restoring {@code <application>-<store>-changelog}.
     */
    @Test
    void shouldKeepEveryStoreNameOfTheUpgradeContractWhenBuilt() {
        assertThat(description.subtopologies().stream()
                        .flatMap(s -> s.nodes().stream())
                        .filter(n -> n instanceof TopologyDescription.Processor)
                        .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream())
                        .distinct())
                .containsExactlyInAnyOrder(
                        "readings",
                        "reading-index",
                        "patients",
                        "analyte-state",
                        "close-schedule",
                        "unanchored-patients",
                        "alerts-emitted",
                        "cohort-visit-sent",
                        "cohort-visit-member-sets",
                        "cohort-curve-sent",
                        "cohort-curve-member-sets");
        assertThat(description.globalStores())
                .extracting(g -> g.processor().stores().iterator().next())
                .containsExactlyInAnyOrder("cohort-visits-view", "cohort-curves-view");
    }

    @Test
    void shouldKeepContributorsAndAlertsInThePatientSubTopologyWhenBuilt() {
        assertThat(description.subtopologies()).hasSize(3);
        TopologyDescription.Subtopology patient = description.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals("patient-processor")))
                .findFirst()
                .orElseThrow();
        assertThat(patient.nodes())
                .extracting(TopologyDescription.Node::name)
                .contains("cohort-visit-contributor", "cohort-curve-contributor", "alert-detector", "alert-input-note");
    }

    /**
     * The alert detector reads the patient processor's stores; its own copies of earlier releases are gone, and an
     * upgrade leaves their changelogs behind (docs/architecture.md, "Upgrade contract").
     */
    @Test
    void shouldNotConnectTheRemovedAlertStoresWhenBuilt() {
        assertThat(description.toString()).doesNotContain(AlertProcessor.REMOVED_STORES);
        assertThat(AlertProcessor.REMOVED_STORES)
                .containsExactly("alert-readings", "alert-reading-index", "alert-series");
    }
}
