package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_7;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.RANDOMIZATION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.anEvent;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CohortTopologyTest {

    private TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    private void useProtocol(Protocol protocol) {
        harness.close();
        harness = new TopologyHarness(TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                .protocol(protocol)
                .build());
    }

    private static Protocol withStrata(boolean locf, Blinding blinding) {
        return Protocol.defaults().withReporting("trial", List.of("severity"), blinding, locf);
    }

    /** Randomizes and infuses a patient. */
    private void enrol(String patient, String arm, String severity) {
        harness.send(anEvent(EventType.RANDOMIZED)
                .id(patient + "-rand")
                .patient(patient)
                .at(RANDOMIZATION)
                .arm(arm)
                .strata(severity == null ? Map.of() : Map.of("severity", severity))
                .build());
        harness.send(anEvent(EventType.INFUSION)
                .id(patient + "-inf")
                .patient(patient)
                .at(INFUSION)
                .build());
    }

    private void crp(String patient, String readingId, double value, java.time.Instant at) {
        harness.send(aReading()
                .patient(patient)
                .id(readingId)
                .value(value, "mg/L")
                .at(at)
                .build());
    }

    @Test
    void shouldSummarizeEachVisitPerArmAndAllWhenPatientsHaveValues() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        enrol("P3", "CONTROL", null);
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_3);
        crp("P3", "c", 40, DAY_3);
        harness.emitCohorts();

        CohortVisitSummary msc = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(msc.getN()).isEqualTo(2);
        assertThat(msc.getNMissing()).isZero();
        assertThat(msc.getMedian()).isEqualTo(15.0);
        assertThat(msc.getQ1()).isEqualTo(12.5);
        assertThat(msc.getQ3()).isEqualTo(17.5);
        assertThat(msc.getMean()).isEqualTo(15.0);
        assertThat(msc.getSd()).isCloseTo(7.0710678, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(msc.getMin()).isEqualTo(10.0);
        assertThat(msc.getMax()).isEqualTo(20.0);
        assertThat(msc.getUnit()).isEqualTo("mg/L");
        assertThat(msc.getProtocol()).isEqualTo(Protocol.DEFAULT_NAME);
        CohortVisitSummary all = harness.visit("ALL", null, null, "CRP", "D3");
        assertThat(all.getN()).isEqualTo(3);
        assertThat(all.getMedian()).isEqualTo(20.0);
        assertThat(harness.visit("CONTROL", null, null, "CRP", "D3").getSd()).isNull();
    }

    @Test
    void shouldCountPatientAsMissingWhenItHasNoValueAtTheVisit() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_7);
        harness.emitCohorts();

        CohortVisitSummary d3 = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(d3.getN()).isEqualTo(1);
        assertThat(d3.getNMissing()).isEqualTo(1);
        CohortVisitSummary baseline = harness.visit("MSC", null, null, "CRP", "BASELINE");
        assertThat(baseline.getN()).isZero();
        assertThat(baseline.getNMissing()).isEqualTo(2);
        assertThat(baseline.getMedian()).isNull();
    }

    @Test
    void shouldNotCountPatientWhenItHasNoAnchor() {
        harness.send(Fixtures.randomizedTo("MSC"));
        harness.send(aReading().value(10, "mg/L").at(DAY_3).build());
        harness.send(anEvent(EventType.RANDOMIZED)
                .patient("P2")
                .at(INFUSION.plusSeconds(60))
                .arm("MSC")
                .build());
        harness.emitCohorts();

        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getN()).isEqualTo(1);
        harness.send(aReading().patient("P3").value(10, "mg/L").at(DAY_3).build());
        harness.emitCohorts();
        assertThat(harness.visit("UNASSIGNED", null, null, "CRP", "D3")).isNull();
    }

    @Test
    void shouldReplaceOldValueWhenReadingIsCorrected() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_3);
        harness.emitCohorts();
        harness.send(aReading()
                .patient("P1")
                .id("a")
                .revision(1)
                .status(ResultStatus.CORRECTED)
                .value(30, "mg/L")
                .at(DAY_3)
                .build());
        harness.emitCohorts();

        CohortVisitSummary d3 = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(d3.getN()).isEqualTo(2);
        assertThat(d3.getMedian()).isEqualTo(25.0);
        assertThat(d3.getMin()).isEqualTo(20.0);
    }

    @Test
    void shouldKeepInNAPatientWhoseOnlyReadingIsRetracted() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_3);
        harness.emitCohorts();
        harness.send(aReading()
                .patient("P1")
                .id("a")
                .revision(1)
                .status(ResultStatus.DELETED)
                .at(DAY_3)
                .build());
        harness.emitCohorts();

        // N counts every anchored patient of the stratum (docs/semantics.md, "n of N"): P1 is still randomized,
        // only its value is gone, as if the retracted reading had never come.
        CohortVisitSummary d3 = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(d3.getN()).isEqualTo(1);
        assertThat(d3.getNMissing()).isEqualTo(1);
        assertThat(d3.getMedian()).isEqualTo(20.0);
    }

    @Test
    void shouldCountInNAPatientWithoutAnyReadingAndDropItWhenItsAnchorIsRetracted() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        harness.emitCohorts();

        // P2 was randomized and infused but no lab reading came at all: "1 of 2".
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getNMissing()).isEqualTo(1);
        assertThat(harness.visit("ALL", null, null, "CRP", "D3").getNMissing()).isEqualTo(1);

        for (String event : List.of("P2-rand", "P2-inf")) {
            harness.send(anEvent(event.endsWith("rand") ? EventType.RANDOMIZED : EventType.INFUSION)
                    .id(event)
                    .revision(1)
                    .patient("P2")
                    .at(event.endsWith("rand") ? RANDOMIZATION : INFUSION)
                    .arm(event.endsWith("rand") ? "MSC" : null)
                    .enteredInError()
                    .build());
        }
        harness.emitCohorts();

        // Without an anchor P2 is in no stratum.
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getNMissing()).isZero();
        assertThat(harness.visit("ALL", null, null, "CRP", "D3").getNMissing()).isZero();
    }

    @Test
    void shouldCountEveryPatientOfTheStratumWhenSomeHaveNoReadingOfTheAnalyte() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        enrol("P3", "CONTROL", null);
        crp("P1", "a", 10, DAY_3);
        harness.send(aReading()
                .patient("P2")
                .id("b")
                .of("LYMPH")
                .value(0.8, "10*9/L")
                .at(DAY_3)
                .build());
        harness.send(aReading()
                .patient("P3")
                .id("c")
                .of("LYMPH")
                .value(1.5, "10*9/L")
                .at(DAY_3)
                .build());
        harness.emitCohorts();

        // N = 2 patients of MSC (P2 has no CRP at all), n = 1: "1 of 2"; ALL has 3; CONTROL has no CRP, no cell.
        CohortVisitSummary msc = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(msc.getN()).isEqualTo(1);
        assertThat(msc.getNMissing()).isEqualTo(1);
        CohortVisitSummary all = harness.visit("ALL", null, null, "CRP", "D3");
        assertThat(all.getN()).isEqualTo(1);
        assertThat(all.getNMissing()).isEqualTo(2);
        assertThat(harness.visit("CONTROL", null, null, "CRP", "D3")).isNull();
        assertThat(harness.visit("MSC", null, null, "LYMPH", "D3").getNMissing())
                .isEqualTo(1);
    }

    @Test
    void shouldMoveThePatientsEnrolmentWhenItsArmIsCorrected() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        harness.send(aReading()
                .patient("P2")
                .id("b")
                .of("LYMPH")
                .value(0.8, "10*9/L")
                .at(DAY_3)
                .build());
        harness.emitCohorts();
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getNMissing()).isEqualTo(1);

        harness.send(anEvent(EventType.RANDOMIZED)
                .id("P2-rand")
                .revision(1)
                .patient("P2")
                .at(RANDOMIZATION)
                .arm("CONTROL")
                .build());
        harness.emitCohorts();

        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getNMissing()).isZero();
        assertThat(harness.visit("ALL", null, null, "CRP", "D3").getNMissing()).isEqualTo(1);
        assertThat(harness.visit("CONTROL", null, null, "CRP", "D3")).isNull();
    }

    @Test
    void shouldComputeQuartilesOfTheProtocolsTypeWhenItChoosesOne() {
        useProtocol(Protocol.defaults().withQuantileType(org.biomarkerstreams.domain.QuantileType.TYPE_6));
        for (int i = 1; i <= 4; i++) {
            enrol("P" + i, "MSC", null);
        }
        crp("P1", "a", 2, DAY_3);
        crp("P2", "b", 4, DAY_3);
        crp("P3", "c", 7, DAY_3);
        crp("P4", "d", 9, DAY_3);
        harness.emitCohorts();

        // Type 6 of 2, 4, 7, 9: (n + 1)p = 1.25, 2.5, 3.75 -> 2.5, 5.5, 8.5 (type 7 would say 3.5, 5.5, 7.5).
        CohortVisitSummary d3 = harness.visit("MSC", null, null, "CRP", "D3");
        assertThat(d3.getQuantileType()).isEqualTo(6);
        assertThat(d3.getQ1()).isEqualTo(2.5);
        assertThat(d3.getMedian()).isEqualTo(5.5);
        assertThat(d3.getQ3()).isEqualTo(8.5);
    }

    @Test
    void shouldMovePatientAndDeleteEmptiedStratumWhenArmIsCorrected() {
        enrol("P1", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        harness.emitCohorts();
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getN()).isEqualTo(1);

        harness.send(anEvent(EventType.RANDOMIZED)
                .id("P1-rand")
                .revision(1)
                .patient("P1")
                .at(RANDOMIZATION)
                .arm("CONTROL")
                .build());
        harness.emitCohorts();

        assertThat(harness.visit("MSC", null, null, "CRP", "D3")).isNull();
        assertThat(harness.cohortHistory).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo(CohortKey.visit("MSC", null, null, "CRP", "D3"));
            assertThat(r.value()).isNull();
        });
        assertThat(harness.visit("CONTROL", null, null, "CRP", "D3").getN()).isEqualTo(1);
        assertThat(harness.visit("ALL", null, null, "CRP", "D3").getN()).isEqualTo(1);
    }

    @Test
    void shouldSplitByStrataLabelWhenProtocolDeclaresIt() {
        useProtocol(withStrata(false, Blinding.none()));
        enrol("P1", "MSC", "severe");
        enrol("P2", "MSC", "critical");
        enrol("P3", "CONTROL", "critical");
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_3);
        crp("P3", "c", 40, DAY_3);
        harness.emitCohorts();

        assertThat(harness.visit("MSC", "severity", "critical", "CRP", "D3").getMedian())
                .isEqualTo(20.0);
        assertThat(harness.visit("ALL", "severity", "critical", "CRP", "D3").getN())
                .isEqualTo(2);
        assertThat(harness.visit("ALL", "severity", "critical", "CRP", "D3").getStratumValue())
                .isEqualTo("critical");
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getN()).isEqualTo(2);
        assertThat(harness.visit("CONTROL", "severity", "severe", "CRP", "D3")).isNull();
        assertThat(harness.visit("MSC", null, null, "CRP", "D3").getProtocol()).isEqualTo("trial");
    }

    @Test
    void shouldShowNeutralArmCodesWhenProtocolIsBlinded() {
        Blinding blinding = Blinding.of(List.of("MSC", "PLACEBO"), "secret");
        useProtocol(withStrata(false, blinding));
        enrol("P1", "MSC", "severe");
        enrol("P2", "PLACEBO", "severe");
        crp("P1", "a", 10, DAY_3);
        crp("P2", "b", 20, DAY_3);
        harness.emitCohorts();

        assertThat(harness.visitByKey.values())
                .extracting(CohortVisitSummary::getArm)
                .containsOnly(blinding.label("MSC"), blinding.label("PLACEBO"), "ALL")
                .doesNotContain("MSC", "PLACEBO");
        assertThat(harness.visitByKey.keySet()).noneMatch(k -> k.contains("MSC") || k.contains("PLACEBO"));
        assertThat(harness.visit(blinding.label("MSC"), null, null, "CRP", "D3").getMedian())
                .isEqualTo(10.0);
    }

    @Test
    void shouldCarryLastValueForwardAndFlagItWhenProtocolUsesLocf() {
        useProtocol(withStrata(true, Blinding.none()));
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "base", 50, DAY_MINUS_1);
        crp("P1", "a", 30, DAY_3);
        crp("P1", "late", 35, DAY_3.plus(java.time.Duration.ofDays(17))); // day 20: past D7 and D14
        crp("P2", "b", 20, DAY_3);
        crp("P2", "c", 10, DAY_7);
        harness.emitCohorts();

        CohortVisitSummary d7 = harness.visit("MSC", null, null, "CRP", "D7");
        assertThat(d7.getN()).isEqualTo(2);
        assertThat(d7.getNImputed()).isEqualTo(1);
        assertThat(d7.getMedian()).isEqualTo(20.0);
        CohortVisitSummary d14 = harness.visit("MSC", null, null, "CRP", "D14");
        assertThat(d14.getN())
                .as("P1 carried forward; P2 not yet seen past D14")
                .isEqualTo(1);
        assertThat(d14.getNImputed()).isEqualTo(1);
        assertThat(d14.getNMissing()).isEqualTo(1);
        CohortVisitSummary d28 = harness.visit("MSC", null, null, "CRP", "D28");
        assertThat(d28.getN())
                .as("nobody observed past D28's window: nothing carried into it")
                .isZero();
        assertThat(d28.getNMissing()).isEqualTo(2);
        CohortVisitSummary baseline = harness.visit("MSC", null, null, "CRP", "BASELINE");
        assertThat(baseline.getN()).isEqualTo(1);
        assertThat(baseline.getNMissing()).isEqualTo(1);
    }

    @Test
    void shouldEmitOnlyOnScheduleAndSkipUnchangedCellsWhenAnotherVisitChanges() {
        enrol("P1", "MSC", null);
        crp("P1", "a", 10, DAY_3);
        assertThat(harness.cohortHistory).isEmpty();
        harness.emitCohorts();
        int afterFirst = harness.cohortHistory.size();
        assertThat(afterFirst).isPositive();

        crp("P1", "b", 20, DAY_7);
        harness.emitCohorts();

        assertThat(harness.cohortHistory.subList(afterFirst, harness.cohortHistory.size()))
                .extracting(r -> r.key())
                .containsOnly(
                        CohortKey.visit("MSC", null, null, "CRP", "D7"),
                        CohortKey.visit("ALL", null, null, "CRP", "D7"));
    }

    @Test
    void shouldKeepPatientIdsOutOfCohortStoresAndOutputs() {
        enrol("P-SECRET-1", "MSC", null);
        crp("P-SECRET-1", "a", 10, DAY_3);
        harness.emitCohorts();

        assertThat(harness.storeKeys(VisitCohort.MEMBERS_STORE)).isNotEmpty().noneMatch(k -> k.contains("P-SECRET"));
        assertThat(harness.storeKeys(CurveCohort.MEMBERS_STORE)).noneMatch(k -> k.contains("P-SECRET"));
        assertThat(harness.visitByKey.values()).noneMatch(v -> v.toString().contains("P-SECRET"));
    }

    @Test
    void shouldEstimateNormalizationCurvePerArmWhenPatientsAreAtRisk() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        enrol("P3", "CONTROL", null);
        for (String p : List.of("P1", "P2", "P3")) {
            crp(p, p + "-base", 50, DAY_MINUS_1);
        }
        crp("P1", "a", 5, DAY_3); // normal: event at day 3 (pdy), aval from the anchor instant
        crp("P2", "b", 40, DAY_7); // still abnormal: censored at the last reading
        crp("P3", "c", 5, DAY_7);
        harness.emitCohorts();

        NormalizationCurve msc = harness.curve("MSC", null, null, "CRP");
        assertThat(msc.getAtRisk()).isEqualTo(2);
        assertThat(msc.getEvents()).isEqualTo(1);
        assertThat(msc.getCensored()).isEqualTo(1);
        assertThat(msc.getSteps()).hasSize(2);
        assertThat(msc.getSteps().get(0).getSurvival()).isEqualTo(0.5);
        assertThat(msc.getMedianDays()).isEqualTo(harness.ttn("P1", "CRP").getAval());
        NormalizationCurve all = harness.curve("ALL", null, null, "CRP");
        assertThat(all.getAtRisk()).isEqualTo(3);
        assertThat(all.getEvents()).isEqualTo(2);
        assertThat(harness.curve("CONTROL", null, null, "CRP").getEvents()).isEqualTo(1);
    }

    @Test
    void shouldAddTheMedianCiGreenwoodErrorsAndTheLogRankBetweenArmsWhenTwoArmsAreAtRisk() {
        for (int i = 1; i <= 6; i++) {
            enrol("M" + i, "MSC", null);
            crp("M" + i, "m" + i + "-base", 50, DAY_MINUS_1);
            crp("M" + i, "m" + i, i <= 4 ? 5 : 40, i <= 4 ? DAY_3 : DAY_7);
            enrol("C" + i, "CONTROL", null);
            crp("C" + i, "c" + i + "-base", 50, DAY_MINUS_1);
            crp("C" + i, "c" + i, i <= 2 ? 5 : 40, DAY_7);
        }
        harness.emitCohorts();

        NormalizationCurve msc = harness.curve("MSC", null, null, "CRP");
        NormalizationCurve control = harness.curve("CONTROL", null, null, "CRP");
        assertThat(msc.getMedianLower()).isNotNull();
        assertThat(msc.getSteps().get(0).getStdErr()).isNotNull();
        assertThat(msc.getLogRank()).isNotNull().isEqualTo(control.getLogRank());
        assertThat(msc.getLogRank().getArms()).containsExactly("CONTROL", "MSC");
        assertThat(msc.getLogRank().getDegreesOfFreedom()).isEqualTo(1);
        assertThat(msc.getLogRank().getPValue()).isStrictlyBetween(0.0, 1.0);
        assertThat(harness.curve("ALL", null, null, "CRP").getLogRank()).isEqualTo(msc.getLogRank());
    }

    @Test
    void shouldNotTestWhenOnlyOneArmIsAtRisk() {
        enrol("P1", "MSC", null);
        crp("P1", "base", 50, DAY_MINUS_1);
        crp("P1", "a", 5, DAY_3);
        harness.emitCohorts();

        assertThat(harness.curve("MSC", null, null, "CRP").getLogRank()).isNull();
    }

    @Test
    void shouldDropPatientFromCurveWhenItsBaselineIsRetracted() {
        enrol("P1", "MSC", null);
        enrol("P2", "MSC", null);
        crp("P1", "base1", 50, DAY_MINUS_1);
        crp("P2", "base2", 50, DAY_MINUS_1);
        crp("P1", "a", 5, DAY_3);
        harness.emitCohorts();
        assertThat(harness.curve("MSC", null, null, "CRP").getAtRisk()).isEqualTo(2);

        harness.send(aReading()
                .patient("P2")
                .id("base2")
                .revision(1)
                .status(ResultStatus.DELETED)
                .at(DAY_MINUS_1)
                .build());
        harness.emitCohorts();

        NormalizationCurve msc = harness.curve("MSC", null, null, "CRP");
        assertThat(msc.getAtRisk()).isEqualTo(1);
        assertThat(msc.getMedianDays()).isNotNull();
    }
}
