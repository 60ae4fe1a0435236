package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_7;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.streams.patient.PatientViews;
import org.biomarkerstreams.streams.patient.ReadablePatientStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PatientViewsTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private ReadablePatientStores stores() {
        return new ReadablePatientStores(
                harness.store(PatientStores.READINGS),
                harness.store(PatientStores.ANALYTES),
                harness.store(PatientStores.PATIENTS));
    }

    private List<TrajectoryPoint> trajectory(String patient, String analyte) {
        return new PatientViews(harness.config).trajectory(stores(), patient, analyte);
    }

    private List<BiomarkerSummary> summaries(String patient) {
        return new PatientViews(harness.config).summaries(stores(), patient);
    }

    @Test
    void shouldAnswerPointsInTimeOrderPerAnalyteWhenReadingsArriveOutOfOrder() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("d7").value(5, "mg/L").at(DAY_7).build());
        harness.send(aReading().id("bl").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(
                aReading().id("l3").of("LYMPH").value(0.6, "10*9/L").at(DAY_3).build());
        harness.send(aReading().id("d3").value(20, "mg/L").at(DAY_3).build());

        assertThat(trajectory(PATIENT, "CRP"))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("bl", "d3", "d7");
        assertThat(trajectory(PATIENT, null))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("bl", "d3", "d7", "l3");
        assertThat(trajectory(PATIENT, "CRP").get(0).getBaselineFlag()).isTrue();
    }

    @Test
    void shouldKeepLatestPointAndSummaryAsTheTopicsDoWhenDerivationsChange() {
        harness.send(aReading().id("d3").value(20, "mg/L").at(DAY_3).build());
        harness.send(infusionAt(INFUSION));

        assertThat(trajectory(PATIENT, "CRP")).singleElement().isEqualTo(harness.point(PATIENT, "d3"));
        assertThat(summaries(PATIENT)).containsExactly(harness.summary(PATIENT, "CRP"));
    }

    @Test
    void shouldAnswerTimeToNormalizationAsTheTopicLastShowsItPerAnalyte() {
        harness.send(aReading().id("bl").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("d7").value(5, "mg/L").at(DAY_7).build());

        List<TimeToNormalization> records = new PatientViews(harness.config).timeToNormalization(stores(), PATIENT);

        assertThat(records).containsExactly(harness.ttn(PATIENT, "CRP"));
        assertThat(records.get(0).getCnsr()).as("normalized on day 7").isZero();
        assertThat(new PatientViews(harness.config).timeToNormalization(stores(), "NOBODY"))
                .isEmpty();
    }

    @Test
    void shouldMovePointWhenCorrectionChangesItsTime() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("x").value(20, "mg/L").at(DAY_3).build());
        harness.send(aReading()
                .id("x")
                .revision(1)
                .status(ResultStatus.CORRECTED)
                .value(18, "mg/L")
                .at(DAY_7)
                .build());

        assertThat(trajectory(PATIENT, "CRP")).singleElement().satisfies(p -> {
            assertThat(p.getValue()).isEqualTo(18.0);
            assertThat(p.getObservedAt()).isEqualTo(DAY_7);
        });
    }

    @Test
    void shouldRemovePointWhenReadingIsRetracted() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("keep").value(30, "mg/L").at(DAY_3).build());
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_7).build());
        harness.send(aReading()
                .id("r")
                .revision(1)
                .status(ResultStatus.DELETED)
                .value(null, null)
                .at(null)
                .build());

        assertThat(trajectory(PATIENT, "CRP"))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("keep");
    }

    @Test
    void shouldNotMixPatientsWhenOneIdIsPrefixOfAnother() {
        harness.send(aReading().patient("P1").id("a").at(DAY_3).build());
        harness.send(aReading().patient("P10").id("b").at(DAY_3).build());

        assertThat(trajectory("P1", null))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("a");
        assertThat(summaries("P1")).extracting(BiomarkerSummary::getPatientId).containsOnly("P1");
        assertThat(trajectory("P2", null)).isEmpty();
    }

    @Test
    void shouldRenderEveryPointAsTheLastOneOnTheTopicThroughBaselineAndAnchorChangesCorrectionsAndRetractions() {
        harness.send(aReading().id("bl1").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().id("d3").value(20, "mg/L").at(DAY_3).build());
        harness.send(aReading()
                .id("l1")
                .of("LYMPH")
                .value(0.6, "10*9/L")
                .at(DAY_MINUS_1)
                .build());
        harness.send(infusionAt(INFUSION));
        // A later baseline candidate: every post-anchor point's chg changes.
        harness.send(aReading()
                .id("bl2")
                .value(50, "mg/L")
                .at(DAY_MINUS_1.plus(Duration.ofHours(3)))
                .build());
        harness.send(aReading().id("d7").value(10, "mg/L").at(DAY_7).build());
        harness.send(aReading()
                .id("d3")
                .revision(1)
                .status(ResultStatus.CORRECTED)
                .value(25, "mg/L")
                .at(DAY_3)
                .build());
        harness.send(aReading()
                .id("bl2")
                .revision(1)
                .status(ResultStatus.DELETED)
                .value(null, null)
                .at(null)
                .build());
        // The anchor moves a day later: study days and baselines are re-derived.
        harness.send(infusionAt(INFUSION.plus(Duration.ofDays(1))));
        harness.send(
                aReading().patient("P-OTHER").id("o").value(5, "mg/L").at(DAY_3).build());

        Map<String, TrajectoryPoint> lastOnTopic = new TreeMap<>();
        harness.finalState().forEach((key, value) -> {
            if (value instanceof TrajectoryPoint p && p.getPatientId().equals(PATIENT) && !p.getRetracted()) {
                lastOnTopic.put(p.getReadingId(), p);
            }
        });
        assertThat(lastOnTopic).containsOnlyKeys("bl1", "d3", "l1", "d7");
        assertThat(trajectory(PATIENT, null)).containsExactlyInAnyOrderElementsOf(lastOnTopic.values());
        assertThat(trajectory(PATIENT, "CRP"))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("bl1", "d3", "d7");
        assertThat(summaries(PATIENT))
                .containsExactly(harness.summary(PATIENT, "CRP"), harness.summary(PATIENT, "LYMPH"));
    }

    @Test
    void shouldAnswerNothingForAPatientWhoseStateWasPurged() {
        try (TopologyHarness h = new TopologyHarness(
                TopologyConfig.builder(java.time.Clock.fixed(TopologyHarness.WALL_CLOCK, java.time.ZoneOffset.UTC))
                        .stateRetention(Duration.ofDays(1))
                        .build())) {
            h.send(infusionAt(INFUSION));
            h.send(aReading().id("d3").value(8, "mg/L").at(DAY_3).build());
            PatientViews views = new PatientViews(h.config);
            ReadablePatientStores stores = new ReadablePatientStores(
                    h.store(PatientStores.READINGS), h.store(PatientStores.ANALYTES), h.store(PatientStores.PATIENTS));
            assertThat(views.trajectory(stores, PATIENT, null)).hasSize(1);

            // stream time passes the close (anchor + 28 d + 1 d grace), which schedules the purge
            h.send(aReading()
                    .patient("P-002")
                    .id("other")
                    .value(5, "mg/L")
                    .at(INFUSION.plus(Duration.ofDays(30)))
                    .build());
            assertThat(views.summaries(stores, PATIENT)).isNotEmpty();
            // then passes close (anchor + 28 d + 1 d grace) + 1 day retention
            h.send(aReading()
                    .patient("P-002")
                    .id("later")
                    .value(5, "mg/L")
                    .at(INFUSION.plus(Duration.ofDays(31)))
                    .build());

            assertThat(views.trajectory(stores, PATIENT, null)).isEmpty();
            assertThat(views.summaries(stores, PATIENT)).isEmpty();
            assertThat(views.trajectory(stores, "P-002", null)).hasSize(2);
        }
    }
}
