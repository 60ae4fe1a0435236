package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.time.Duration;
import java.time.Instant;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertTopologyTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private static Instant hour(int h) {
        return DAY_1.plus(Duration.ofHours(h));
    }

    private void ratio(String id, double mmHg, Instant at) {
        harness.send(
                aReading().of("PFRATIO").id(id).value(mmHg, "mm[Hg]").at(at).build());
    }

    /** A correction (revision 1) of a ratio reading. */
    private void correctRatio(String id, double mmHg, Instant at) {
        harness.send(aReading()
                .of("PFRATIO")
                .id(id)
                .revision(1)
                .status(ResultStatus.CORRECTED)
                .value(mmHg, "mm[Hg]")
                .at(at)
                .build());
    }

    private void lymph(String id, double value, Instant at) {
        harness.send(aReading().of("LYMPH").id(id).value(value, "10*9/L").at(at).build());
    }

    @Test
    void shouldAlertOnceWhenRatioCrossesDownThrough300() {
        harness.send(infusionAt(INFUSION));
        ratio("r1", 350, hour(0));
        ratio("r2", 250, hour(1));
        ratio("r3", 240, hour(2));

        assertThat(harness.alertList).hasSize(1);
        BiomarkerAlert alert = harness.alertList.get(0);
        assertThat(alert.getKind()).isEqualTo("PFRATIO_LE_300");
        assertThat(alert.getAlertId()).isEqualTo("PFRATIO_LE_300:r2");
        assertThat(alert.getValue()).isEqualTo(250.0);
        assertThat(alert.getPreviousValue()).isEqualTo(350.0);
        assertThat(alert.getThreshold()).isEqualTo(300.0);
        assertThat(alert.getUnit()).isEqualTo("mm[Hg]");
        assertThat(alert.getReadingId()).isEqualTo("r2");
        assertThat(alert.getDerived()).isFalse();
        assertThat(alert.getObservedAt()).isEqualTo(hour(1));
        assertThat(alert.getPdy()).isEqualTo(1);
    }

    @Test
    void shouldAlertEveryThresholdWhenFirstReadingIsAlreadyBelow() {
        ratio("r1", 90, hour(0));

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getKind)
                .containsExactlyInAnyOrder("PFRATIO_LE_300", "PFRATIO_LE_200", "PFRATIO_LE_100");
        assertThat(harness.alertList)
                .allSatisfy(a -> assertThat(a.getPreviousValue()).isNull());
    }

    @Test
    void shouldAlertAgainWhenRatioRecoversAndCrossesAgain() {
        ratio("r1", 350, hour(0));
        ratio("r2", 280, hour(1));
        ratio("r3", 320, hour(2));
        ratio("r4", 290, hour(3));

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getAlertId)
                .containsExactly("PFRATIO_LE_300:r2", "PFRATIO_LE_300:r4");
    }

    @Test
    void shouldNotAlertTwiceWhenCrossingReadingIsCorrectedOnTheSameSide() {
        ratio("r1", 350, hour(0));
        ratio("r2", 250, hour(1));
        correctRatio("r2", 260, hour(1));

        assertThat(harness.alertList).hasSize(1);
    }

    @Test
    void shouldJudgeNextReadingAgainstCorrectedValueWhenCorrectionKeepsTheReadingsTime() {
        ratio("r1", 350, hour(0));
        ratio("r2", 250, hour(1));
        correctRatio("r2", 320, hour(1));
        ratio("r3", 280, hour(2));

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getAlertId)
                .containsExactly("PFRATIO_LE_300:r2", "PFRATIO_LE_300:r3");
        assertThat(harness.alertList.get(1).getPreviousValue()).isEqualTo(320.0);
    }

    /**
     * A correction that moves a reading in time emits only its new point: the reading after its old place, whose
     * predecessor changed, is judged again from what the note of the input says the reading was.
     */
    @Test
    void shouldJudgeTheReadingAfterTheOldPlaceWhenACorrectionMovesAReadingInTime() {
        ratio("r1", 350, hour(0));
        ratio("r2", 250, hour(1));
        ratio("r3", 280, hour(2));
        correctRatio("r2", 250, hour(3));

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getAlertId)
                .containsExactly("PFRATIO_LE_300:r2", "PFRATIO_LE_300:r3");
        assertThat(harness.alertList.get(1).getPreviousValue()).isEqualTo(350.0);
    }

    @Test
    void shouldCarryStudyDaysOfTheCurrentAnchorWhenAnAlertIsRaised() {
        harness.send(infusionAt(INFUSION));
        ratio("r1", 280, hour(0));

        assertThat(harness.alertList).singleElement().satisfies(a -> {
            assertThat(a.getAdy()).isEqualTo(harness.pointHistory.get(0).getAdy());
            assertThat(a.getPdy()).isEqualTo(harness.pointHistory.get(0).getPdy());
            assertThat(a.getAdy()).isNotNull();
        });
    }

    @Test
    void shouldNotAlertAgainWhenPointsAreReEmittedForANewBaseline() {
        harness.send(infusionAt(INFUSION));
        ratio("b1", 400, INFUSION.minus(Duration.ofHours(6)));
        ratio("r1", 280, hour(0));
        // A later baseline reading re-emits every post-infusion point with new changes from baseline.
        ratio("b2", 390, INFUSION.minus(Duration.ofHours(2)));
        ratio("r2", 270, hour(1));

        assertThat(harness.alertList).extracting(BiomarkerAlert::getAlertId).containsExactly("PFRATIO_LE_300:r1");
    }

    @Test
    void shouldJudgeLateReadingAgainstTheReadingBeforeItInTime() {
        ratio("r1", 350, hour(0));
        ratio("r3", 320, hour(4));
        ratio("r2", 250, hour(2));

        assertThat(harness.alertList).hasSize(1);
        assertThat(harness.alertList.get(0).getAlertId()).isEqualTo("PFRATIO_LE_300:r2");
        assertThat(harness.alertList.get(0).getPreviousValue()).isEqualTo(350.0);
    }

    @Test
    void shouldNotAlertAgainWhenAnEarlierReadingArrivesLate() {
        ratio("r2", 250, hour(2));
        ratio("r1", 350, hour(0));

        assertThat(harness.alertList).extracting(BiomarkerAlert::getAlertId).containsExactly("PFRATIO_LE_300:r2");
    }

    @Test
    void shouldAlertOnNextCrossingWhenCrossingReadingIsRetracted() {
        ratio("r1", 350, hour(0));
        ratio("r2", 250, hour(1));
        harness.send(aReading()
                .of("PFRATIO")
                .id("r2")
                .revision(1)
                .status(ResultStatus.DELETED)
                .at(hour(1))
                .build());
        ratio("r3", 260, hour(2));

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getAlertId)
                .containsExactly("PFRATIO_LE_300:r2", "PFRATIO_LE_300:r3");
    }

    @Test
    void shouldDeriveRatioWhenPao2AndFio2AreWithinThirtyMinutes() {
        harness.send(
                aReading().of("PAO2").id("pa").value(80, "mm[Hg]").at(hour(0)).build());
        harness.send(aReading()
                .of("FIO2")
                .id("fi")
                .value(40, "%")
                .at(hour(0).plus(Duration.ofMinutes(30)))
                .build());

        assertThat(harness.alertList)
                .extracting(BiomarkerAlert::getKind)
                .containsExactlyInAnyOrder("PFRATIO_LE_300", "PFRATIO_LE_200");
        BiomarkerAlert alert = harness.alertList.get(0);
        assertThat(alert.getDerived()).isTrue();
        assertThat(alert.getValue()).isCloseTo(200.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(alert.getPao2()).isEqualTo(80.0);
        assertThat(alert.getFio2()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(alert.getReadingId()).isEqualTo("pa");
        assertThat(alert.getAnalyte()).isEqualTo("PFRATIO");
        assertThat(alert.getObservedAt()).isEqualTo(hour(0));
    }

    @Test
    void shouldNotDeriveRatioWhenFio2IsMoreThanThirtyMinutesAway() {
        harness.send(
                aReading().of("PAO2").id("pa").value(80, "mm[Hg]").at(hour(0)).build());
        harness.send(aReading()
                .of("FIO2")
                .id("fi")
                .value(0.4, "1")
                .at(hour(0).plus(Duration.ofMinutes(31)))
                .build());

        assertThat(harness.alertList).isEmpty();
    }

    @Test
    void shouldUseReportedRatioInsteadOfDerivingWhenOneIsWithinThirtyMinutes() {
        ratio("r1", 350, hour(0));
        harness.send(aReading()
                .of("PAO2")
                .id("pa")
                .value(80, "mm[Hg]")
                .at(hour(0).plus(Duration.ofMinutes(20)))
                .build());
        harness.send(aReading()
                .of("FIO2")
                .id("fi")
                .value(0.4, "1")
                .at(hour(0).plus(Duration.ofMinutes(20)))
                .build());

        assertThat(harness.alertList).isEmpty();
    }

    @Test
    void shouldDeriveFromLatePairAgainstReportedRatioBeforeIt() {
        ratio("r1", 350, hour(0));
        harness.send(aReading().of("FIO2").id("fi").value(0.5, "1").at(hour(5)).build());
        harness.send(
                aReading().of("PAO2").id("pa").value(120, "mm[Hg]").at(hour(5)).build());

        assertThat(harness.alertList).singleElement().satisfies(a -> {
            assertThat(a.getKind()).isEqualTo("PFRATIO_LE_300");
            assertThat(a.getValue()).isEqualTo(240.0);
            assertThat(a.getPreviousValue()).isEqualTo(350.0);
            assertThat(a.getDerived()).isTrue();
        });
    }

    @Test
    void shouldAlertWhenLymphocytesFallBelowHalf() {
        lymph("l1", 0.8, hour(0));
        lymph("l2", 0.5, hour(1));
        lymph("l3", 0.4, hour(2));
        lymph("l4", 0.3, hour(3));

        assertThat(harness.alertList).singleElement().satisfies(a -> {
            assertThat(a.getAlertId()).isEqualTo("LYMPH_LT_0_5:l3");
            assertThat(a.getUnit()).isEqualTo("10*9/L");
            assertThat(a.getPreviousValue()).isEqualTo(0.5);
        });
    }

    @Test
    void shouldKeyAlertsByPatientAndCarryNoArm() {
        harness.send(Fixtures.randomizedTo("MSC"));
        lymph("l1", 0.3, hour(0));

        assertThat(harness.alertList).singleElement().satisfies(a -> {
            assertThat(a.getPatientId()).isEqualTo(Fixtures.PATIENT);
            assertThat(a.toString()).doesNotContain("MSC");
        });
    }
}
