package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.demo.CohortTable.Cell;
import org.biomarkerstreams.demo.CohortTable.Normalization;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;
import org.biomarkerstreams.streams.BatchOracle;
import org.biomarkerstreams.streams.TopologyConfig;
import org.junit.jupiter.api.Test;

class CohortTableTest {

    private static final List<String> ANALYTES = List.of("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO");
    private static final List<String> VISITS = List.of("BASELINE", "D3", "D7", "D14", "D28");

    private static int patients;

    private static BiomarkerSummary summary(String arm, String analyte, String unit, Double... baselineD3D7D14D28) {
        Map<String, Double> visits = new HashMap<>();
        for (int i = 0; i < baselineD3D7D14D28.length; i++) {
            visits.put(VISITS.get(i), baselineD3D7D14D28[i]);
        }
        return BiomarkerSummary.newBuilder()
                .setPatientId("P-" + ++patients)
                .setAnalyte(analyte)
                .setUnit(unit)
                .setArm(arm)
                .setVisits(visits)
                .build();
    }

    private static TimeToNormalization ttn(String arm, String analyte, boolean atRisk, Integer cnsr, Double aval) {
        return ttn("P-" + ++patients, arm, analyte, atRisk, cnsr, aval);
    }

    private static TimeToNormalization ttn(
            String patientId, String arm, String analyte, boolean atRisk, Integer cnsr, Double aval) {
        return TimeToNormalization.newBuilder()
                .setPatientId(patientId)
                .setAnalyte(analyte)
                .setArm(arm)
                .setAtRisk(atRisk)
                .setStatus(
                        !atRisk
                                ? NormalizationStatus.NORMAL_AT_BASELINE
                                : cnsr == 0 ? NormalizationStatus.NORMALIZED : NormalizationStatus.CENSORED)
                .setCnsr(cnsr)
                .setAval(aval)
                .setProvisional(false)
                .build();
    }

    private static CohortTable table(Collection<BiomarkerSummary> summaries, Collection<TimeToNormalization> ttn) {
        return CohortTable.from(summaries, ttn, ANALYTES, VISITS);
    }

    @Test
    void shouldGiveType7QuartilesWhenAVisitHasValues() {
        CohortTable table = table(
                List.of(
                        summary("MSC", "CRP", "mg/L", 40.0),
                        summary("MSC", "CRP", "mg/L", 10.0),
                        summary("MSC", "CRP", "mg/L", 30.0),
                        summary("MSC", "CRP", "mg/L", 20.0)),
                List.of());

        Cell cell = table.visit("MSC", "CRP", "BASELINE").orElseThrow();

        assertThat(cell.n()).isEqualTo(4);
        assertThat(cell.nMissing()).isZero();
        assertThat(cell.median()).isEqualTo(25.0);
        assertThat(cell.q1()).isEqualTo(17.5);
        assertThat(cell.q3()).isEqualTo(32.5);
    }

    @Test
    void shouldCountMissingWhenASummaryHasNoValueAtTheVisit() {
        CohortTable table = table(
                List.of(
                        summary("MSC", "CRP", "mg/L", 40.0, 12.0),
                        summary("MSC", "CRP", "mg/L", 30.0, null),
                        summary("MSC", "CRP", "mg/L", 20.0)),
                List.of());

        assertThat(table.visit("MSC", "CRP", "D3").orElseThrow())
                .extracting(Cell::n, Cell::nMissing, Cell::median)
                .containsExactly(1, 2, 12.0);
        assertThat(table.visit("MSC", "CRP", "D7").orElseThrow())
                .extracting(Cell::n, Cell::nMissing)
                .containsExactly(0, 3);
        assertThat(table.visit("MSC", "CRP", "D7").orElseThrow().median()).isNaN();
    }

    @Test
    void shouldNotCountPatientsOfOtherArmsOrAnalytesWhenCountingMissing() {
        CohortTable table = table(
                List.of(
                        summary("MSC", "CRP", "mg/L", 40.0),
                        summary("CONTROL", "CRP", "mg/L"),
                        summary("MSC", "IL6", "pg/mL")),
                List.of());

        assertThat(table.visit("MSC", "CRP", "BASELINE").orElseThrow().nMissing())
                .isZero();
        assertThat(table.visit("CONTROL", "CRP", "BASELINE").orElseThrow().nMissing())
                .isEqualTo(1);
        assertThat(table.visit("MSC", "LYMPH", "BASELINE").orElseThrow())
                .extracting(Cell::n, Cell::nMissing)
                .containsExactly(0, 0);
    }

    @Test
    void shouldKeepTheLastRecordWhenAKeyRepeats() {
        BiomarkerSummary first = summary("MSC", "CRP", "mg/L", 40.0);
        BiomarkerSummary revised = BiomarkerSummary.newBuilder(first)
                .setVisits(Map.of("BASELINE", 50.0))
                .build();

        CohortTable table = table(List.of(first, revised), List.of());

        assertThat(table.visit("MSC", "CRP", "BASELINE").orElseThrow())
                .extracting(Cell::n, Cell::median)
                .containsExactly(1, 50.0);
    }

    @Test
    void shouldPutRecordsWithoutArmInUnassignedWhenArmIsNull() {
        CohortTable table = table(
                List.of(summary(null, "CRP", "mg/L", 40.0), summary("MSC", "CRP", "mg/L", 30.0)),
                List.of(ttn(null, "CRP", true, 0, 2.0)));

        assertThat(table.arms()).containsExactly("MSC", "UNASSIGNED");
        assertThat(table.visit("UNASSIGNED", "CRP", "BASELINE").orElseThrow().median())
                .isEqualTo(40.0);
        assertThat(table.normalization("UNASSIGNED", "CRP").orElseThrow().events())
                .isEqualTo(1);
    }

    @Test
    void shouldSortArmsWhenTheyArriveInAnyOrder() {
        CohortTable table = table(
                List.of(
                        summary("PLACEBO", "CRP", "mg/L", 1.0),
                        summary("MSC", "CRP", "mg/L", 1.0),
                        summary("CONTROL", "CRP", "mg/L", 1.0)),
                List.of());

        assertThat(table.arms()).containsExactly("CONTROL", "MSC", "PLACEBO");
    }

    @Test
    void shouldEstimateKaplanMeierOverPatientsAtRiskWhenGivenTimeToNormalization() {
        // at risk: event 2.0, censored 3.0, event 5.0 -> S = 2/3 after 2, 0 after 5 -> median 5.0
        CohortTable table = table(
                List.of(),
                List.of(
                        ttn("MSC", "CRP", true, 0, 5.0),
                        ttn("MSC", "CRP", true, 2, 3.0),
                        ttn("MSC", "CRP", true, 0, 2.0),
                        ttn("MSC", "CRP", false, null, null),
                        ttn("CONTROL", "CRP", true, 0, 1.0)));

        Normalization msc = table.normalization("MSC", "CRP").orElseThrow();

        assertThat(msc.events()).isEqualTo(2);
        assertThat(msc.atRisk()).isEqualTo(3);
        assertThat(msc.medianDays()).hasValue(5.0);
    }

    @Test
    void shouldCompareTheArmsByLogRankAndShowTheMedianCiWhenTwoArmsHavePatientsAtRisk() {
        List<TimeToNormalization> records = new java.util.ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            records.add(ttn("MSC", "CRP", true, 0, (double) i));
            records.add(ttn("CONTROL", "CRP", true, i % 3 == 0 ? 0 : 1, 10.0 + 2 * i));
        }
        CohortTable table = table(List.of(), records);

        CohortTable.ArmComparison comparison = table.comparison("CRP").orElseThrow();
        java.util.List<KaplanMeier.Observation> msc = new java.util.ArrayList<>();
        java.util.List<KaplanMeier.Observation> control = new java.util.ArrayList<>();
        for (TimeToNormalization r : records) {
            ("MSC".equals(r.getArm()) ? msc : control).add(new KaplanMeier.Observation(r.getAval(), r.getCnsr() == 0));
        }
        // the same numbers as the domain's test on the arms' observations, columns in table order
        assertThat(comparison.columns()).containsExactly("CONTROL", "MSC");
        assertThat(comparison.test().pValue())
                .isEqualTo(LogRank.test(List.of(control, msc)).orElseThrow().pValue())
                .isLessThan(0.05);
        assertThat(table.normalization("MSC", "CRP").orElseThrow().medianCi())
                .isEqualTo(KaplanMeier.estimate(msc).medianConfidenceInterval(0.95));
        assertThat(table.render())
                .contains("log-rank")
                .contains("CONTROL vs MSC")
                // MSC: days 1..8, S = 0.5 from day 4 to day 5; R's survfit prints the midpoint, 4.5
                .contains("median 4.5 d (");
    }

    @Test
    void shouldCompareOnlyTheStrataAndNotTheTotalWhenTheLayoutHasATotalColumn() {
        // seed 002's layout: Group A (severe) vs Group B (critical) plus a Total column that contains both.
        CohortTable.Layout layout = new CohortTable.Layout(
                CohortTable.Kind.STRATA,
                "severity",
                List.of("severe", "critical"),
                true,
                java.util.Map.of(),
                org.biomarkerstreams.domain.Blinding.none(),
                java.util.Map.of(),
                null);
        List<TimeToNormalization> records = new java.util.ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            records.add(withSeverity(ttn("UC-MSC", "CRP", true, 0, (double) i), "severe"));
            records.add(withSeverity(ttn("UC-MSC", "CRP", true, i % 2, 8.0 + i), "critical"));
        }

        CohortTable table = CohortTable.from(List.of(), records, ANALYTES, VISITS, layout);

        CohortTable.ArmComparison comparison = table.comparison("CRP").orElseThrow();
        assertThat(table.arms()).contains(CohortTable.TOTAL);
        assertThat(comparison.columns()).containsExactly("severe", "critical");
        assertThat(comparison.test().degreesOfFreedom()).isEqualTo(1);
    }

    private static TimeToNormalization withSeverity(TimeToNormalization record, String severity) {
        return TimeToNormalization.newBuilder(record)
                .setStrata(java.util.Map.of("severity", severity))
                .build();
    }

    @Test
    void shouldNotCompareWhenOnlyOneArmHasPatients() {
        CohortTable table = table(List.of(), List.of(ttn("MSC", "CRP", true, 0, 2.0), ttn("MSC", "CRP", true, 0, 3.0)));

        assertThat(table.comparison("CRP")).isEmpty();
        assertThat(table.render()).doesNotContain("\n  log-rank");
    }

    @Test
    void shouldSayNotReachedWhenTheCurveStaysAboveHalf() {
        CohortTable table = table(
                List.of(summary("CONTROL", "CRP", "mg/L", 40.0)),
                List.of(
                        ttn("CONTROL", "CRP", true, 0, 4.5),
                        ttn("CONTROL", "CRP", true, 1, 28.0),
                        ttn("CONTROL", "CRP", true, 3, 12.0)));

        assertThat(table.normalization("CONTROL", "CRP").orElseThrow().medianDays())
                .isEmpty();
        assertThat(table.render()).contains("1/3, median not reached");
    }

    @Test
    void shouldBeEmptyWhenAskedForAnArmOrVisitNotInTheTable() {
        CohortTable table = table(List.of(summary("MSC", "CRP", "mg/L", 40.0)), List.of());

        assertThat(table.visit("PLACEBO", "CRP", "BASELINE")).isEmpty();
        assertThat(table.visit("MSC", "CRP", "D90")).isEmpty();
        assertThat(table.visit("MSC", "PCT", "BASELINE")).isEmpty();
        assertThat(table.normalization("PLACEBO", "CRP")).isEmpty();
    }

    @Test
    void shouldRenderMedianQuartilesCountsAndUnitsWhenRendering() {
        BiomarkerSummary normalizesOnDay3 = summary("MSC", "CRP", "mg/L", 40.0, 8.0);
        BiomarkerSummary normalizesOnDay7 = summary("MSC", "CRP", "mg/L", 10.0, null);
        CohortTable table = table(
                List.of(
                        normalizesOnDay3,
                        normalizesOnDay7,
                        summary("MSC", "CRP", "mg/L", 30.0, 4.0),
                        summary("MSC", "CRP", "mg/L", 20.0, 6.0),
                        summary("CONTROL", "LYMPH", "10*9/L", 0.6)),
                List.of(
                        ttn(normalizesOnDay3.getPatientId(), "MSC", "CRP", true, 0, 2.9),
                        ttn(normalizesOnDay7.getPatientId(), "MSC", "CRP", true, 0, 6.9)));

        String text = table.render();

        assertThat(text).contains("CRP (mg/L)").contains("LYMPH (10*9/L)").contains("CONTROL (n=1)", "MSC (n=4)");
        assertThat(text).containsPattern("\\n  BASELINE +- +25\\.0 \\[17\\.5-32\\.5\\] \\(4\\)\\n");
        assertThat(text).containsPattern("\\n  D3 +- +6\\.0 \\[5\\.0-7\\.0\\] \\(3; 1 missing\\)\\n");
        assertThat(text).containsPattern("\\n  D7 +- +- \\(4 missing\\)\\n");
        // S = 0.5 from day 2.9 to day 6.9: R's survfit prints the midpoint, 4.9
        assertThat(text)
                .containsPattern("\\n  time to normal +- \\(none at risk\\) +2/2, median 4\\.9 d \\(2\\.9-NR\\)\\n");
        assertThat(text).containsPattern("\\n  BASELINE +0\\.60 \\[0\\.60-0\\.60\\] \\(1\\) +-\\n");
        assertThat(text.indexOf("CRP (mg/L)")).isLessThan(text.indexOf("LYMPH (10*9/L)"));
        assertThat(text.indexOf("  D7")).isLessThan(text.indexOf("  D14"));
    }

    @Test
    void shouldFitA120ColumnTerminalWhenRenderingSeed000() {
        String text = seed000Table().render();

        assertThat(text.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(120));
        System.out.println(text); // the sample the report quotes
    }

    @Test
    void shouldShowFasterNormalizationWithMscWhenBuiltFromSeed000() {
        CohortTable table = seed000Table();

        for (String analyte : List.of("CRP", "LYMPH")) {
            double msc = table.normalization("MSC", analyte)
                    .orElseThrow()
                    .medianDays()
                    .orElseThrow();
            double control = table.normalization("CONTROL", analyte)
                    .orElseThrow()
                    .medianDays()
                    .orElse(Double.POSITIVE_INFINITY);
            assertThat(msc).as(analyte).isLessThan(control);
        }
        assertThat(table.visit("MSC", "CRP", "BASELINE").orElseThrow().n()).isBetween(10, 12);
        assertThat(table.visit("MSC", "CRP", "D7").orElseThrow().median())
                .isLessThan(table.visit("CONTROL", "CRP", "D7").orElseThrow().median());
        assertThat(table.unit("LYMPH")).hasValue("10*9/L");
        assertThat(table.visit("CONTROL", "LYMPH", "BASELINE").orElseThrow().median())
                .isCloseTo(0.7, within(0.2));
    }

    /** Seed 000's synthetic cohort through the batch oracle, i.e. the final outputs the topology must produce. */
    private static CohortTable seed000Table() {
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.seed000(42));
        TopologyConfig config =
                TopologyConfig.defaults(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
        Map<String, SpecificRecord> outputs = new BatchOracle(config)
                .expected(cohort.readings(), cohort.events(), Instant.parse("2020-06-01T00:00:00Z"));
        List<BiomarkerSummary> summaries = outputs.values().stream()
                .filter(BiomarkerSummary.class::isInstance)
                .map(BiomarkerSummary.class::cast)
                .toList();
        List<TimeToNormalization> ttn = outputs.values().stream()
                .filter(TimeToNormalization.class::isInstance)
                .map(TimeToNormalization.class::cast)
                .toList();
        return CohortTable.from(summaries, ttn, ANALYTES, Arrays.asList("BASELINE", "D3", "D7", "D14", "D28"));
    }
}
