package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_7;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PatientViewsTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private List<TrajectoryPoint> trajectory(String patient, String analyte) {
        KeyValueStore<Bytes, TrajectoryPoint> store = harness.store(PatientViews.TRAJECTORY_STORE);
        return PatientViews.trajectory(store, patient, analyte);
    }

    private List<BiomarkerSummary> summaries(String patient) {
        KeyValueStore<String, BiomarkerSummary> store = harness.store(PatientViews.SUMMARY_STORE);
        return PatientViews.summaries(store, patient);
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
        assertThat(harness.storeKeys(PatientViews.POINT_INDEX_STORE)).hasSize(1);
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
}
