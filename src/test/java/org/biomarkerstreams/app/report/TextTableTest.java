package org.biomarkerstreams.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.app.report.CohortFixtures.curve;
import static org.biomarkerstreams.app.report.CohortFixtures.logRank;
import static org.biomarkerstreams.app.report.CohortFixtures.visit;

import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.junit.jupiter.api.Test;

class TextTableTest {

    /** Two arms, CRP at two visits (one without values in CONTROL), LYMPH at baseline; strata and ALL records too. */
    static CohortReport armsReport(boolean total) {
        List<CohortVisitSummary> visits = List.of(
                visit("MSC", "CRP", "BASELINE", 12, 0, 45.2, 30.4, 60.8),
                visit("MSC", "CRP", "D7", 10, 2, 8.1, 5.0, 12.6),
                visit("CONTROL", "CRP", "BASELINE", 29, 0, 50.0, 35.1, 70.3),
                visit("CONTROL", null, null, "CRP", "D7", 0, 29, null, null, null),
                visit("ALL", "CRP", "BASELINE", 41, 0, 48.0, 33.0, 66.0),
                visit("MSC", "severity", "severe", "CRP", "BASELINE", 5, 0, 99.0, 98.0, 100.0),
                visit("MSC", "LYMPH", "BASELINE", 12, 0, 0.62, 0.41, 0.8));
        var test = logRank(List.of("CONTROL", "MSC"), 6.2914, 1, 0.01213);
        List<NormalizationCurve> curves = List.of(
                curve("MSC", null, null, "CRP", 12, 10, 6.5, 4.0, 9.0, test),
                curve("CONTROL", null, null, "CRP", 29, 9, null, 14.0, null, test),
                curve("ALL", null, null, "CRP", 41, 19, 10.0, 7.0, 15.0, test));
        return CohortReport.of(CohortFixtures.arms(total), visits, curves);
    }

    @Test
    void shouldPrintEachVisitAsMedianQuartilesAndNOfNWhenArmsSideBySide() {
        String text = TextTable.render(armsReport(false));

        assertThat(text)
                .contains("Trial X <phase 2> & more\nDoe J et al., doi 10.0/x\n")
                .contains("Protocol trial-x, visits named in ADY; arms: MSC, CONTROL.");
        assertThat(line(text, "CRP (mg/L)")).matches("CRP \\(mg/L\\) +hUC-MSC \\(N=12\\) +CONTROL \\(N=29\\)");
        // Decimals by the analyte's largest median: 50.0 -> one decimal.
        assertThat(line(text, "  BASELINE"))
                .matches(" +BASELINE +45\\.2 \\[30\\.4-60\\.8\\] \\(12/12\\) +"
                        + "50\\.0 \\[35\\.1-70\\.3\\] \\(29/29\\)");
        assertThat(line(text, "  D7")).matches(" +D7 +8\\.1 \\[5\\.0-12\\.6\\] \\(10/12\\) +- \\(0/29\\)");
        assertThat(line(text, "  Time to normalization"))
                .matches(
                        " +Time to normalization +10/12; 6\\.5 d \\(95% CI 4\\.0-9\\.0\\) +9/29; NR \\(95% CI 14\\.0-NR\\)");
        assertThat(line(text, "  log-rank"))
                .matches(" +log-rank +p = 0\\.012 \\(chi-square 6\\.29, 1 df; CONTROL vs hUC-MSC\\)");
        // LYMPH below one: two decimals; no curve: a dash.
        assertThat(text).contains("0.62 [0.41-0.80] (12/12)");
        assertThat(text).doesNotContain("Total", "99.0", "48.0");
    }

    @Test
    void shouldLineUpTheColumnsOfEveryAnalyteWhenPrinted() {
        String text = TextTable.render(armsReport(false));

        int crp = line(text, "CRP (mg/L)").indexOf("CONTROL");
        int lymph = line(text, "LYMPH (10*9/L)").indexOf("CONTROL");
        assertThat(crp).isPositive().isEqualTo(lymph);
        assertThat(line(text, "  BASELINE").indexOf("50.0")).isEqualTo(crp);
    }

    @Test
    void shouldAddTheTotalColumnLastWhenTheLayoutAsksForIt() {
        String text = TextTable.render(armsReport(true));

        assertThat(line(text, "CRP (mg/L)")).endsWith("Total (N=41)");
        assertThat(line(text, "  Time to normalization")).endsWith("19/41; 10.0 d (95% CI 7.0-15.0)");
        // The ALL curve carries the same test as the arms: said once.
        assertThat(text.lines().filter(l -> l.contains("log-rank")).count()).isEqualTo(1);
    }

    @Test
    void shouldStateTheQuantileTypeAndTheKaplanMeierConventionsWhenPrinted() {
        String text = TextTable.render(armsReport(false));

        assertThat(text)
                .contains("Hyndman-Fan type 6 (R quantile(type = 6))")
                .contains("95% CI (Brookmeyer-Crowley, log-log transform")
                .contains("survdiff");
    }

    @Test
    void shouldPrintStrataValuesAsColumnsWhenTheLayoutIsStrata() {
        ReportLayout layout = new ReportLayout(
                ProtocolFile.Layout.STRATA,
                "severity",
                List.of("severe", "critical"),
                true,
                Map.of("severe", "Group A (severe)", "critical", "Group B (critical)"),
                false,
                CohortFixtures.PROTOCOL,
                "Trial S",
                null,
                "ADY",
                List.of("UC-MSC"),
                List.of("BASELINE", "D7"),
                List.of("CRP"),
                Map.of(),
                QuantileType.TYPE_7,
                false);
        var withinCritical = logRank(List.of("CONTROL", "UC-MSC"), 0.5, 1, 0.4795);
        CohortReport report = CohortReport.of(
                layout,
                List.of(
                        visit("ALL", "severity", "critical", "CRP", "BASELINE", 7, 0, 80.0, 60.0, 90.0),
                        visit("ALL", "severity", "severe", "CRP", "BASELINE", 8, 1, 40.0, 30.0, 50.0),
                        visit("ALL", null, null, "CRP", "BASELINE", 15, 1, 55.0, 35.0, 85.0),
                        visit("UC-MSC", null, null, "CRP", "BASELINE", 15, 1, 1.0, 1.0, 1.0)),
                List.of(curve("ALL", "severity", "critical", "CRP", 7, 3, null, 5.0, null, withinCritical)));

        String text = TextTable.render(report);

        assertThat(line(text, "CRP (mg/L)"))
                .matches(
                        "CRP \\(mg/L\\) +Group A \\(severe\\) \\(N=9\\) +Group B \\(critical\\) \\(N=7\\) +Total \\(N=16\\)");
        assertThat(line(text, "  BASELINE")).contains("40.0 [30.0-50.0] (8/9)", "80.0 [60.0-90.0] (7/7)");
        assertThat(line(text, "  log-rank within Group B (critical)"))
                .contains("p = 0.480 (chi-square 0.50, 1 df; CONTROL vs UC-MSC)");
        assertThat(line(text, "  Time to normalization")).contains("3/7; NR (95% CI 5.0-NR)");
    }

    @Test
    void shouldPrintOneRowPerAnalyteAndAColumnPerVisitWhenBeforeAfter() {
        ReportLayout layout = new ReportLayout(
                ProtocolFile.Layout.BEFORE_AFTER,
                null,
                List.of(),
                false,
                Map.of("BASELINE", "Before", "AFTER", "After"),
                false,
                CohortFixtures.PROTOCOL,
                "Trial B",
                null,
                "PDY",
                List.of("UC-MSC"),
                List.of("BASELINE", "AFTER"),
                List.of("CRP"),
                Map.of("CRP", "<10"),
                QuantileType.TYPE_7,
                false);
        CohortReport report = CohortReport.of(
                layout,
                List.of(
                        visit("ALL", "CRP", "BASELINE", 31, 0, 40.0, 20.0, 60.0),
                        visit("ALL", "CRP", "AFTER", 30, 1, 9.0, 5.0, 14.0)),
                List.of(curve("ALL", null, null, "CRP", 0, 0, null, null, null, null)));

        String text = TextTable.render(report);

        assertThat(line(text, "Analyte")).matches("Analyte \\(N=31\\) +Before +After +Time to normalization");
        assertThat(line(text, "  CRP"))
                .matches(
                        " +CRP \\(mg/L\\), normal <10 +40\\.0 \\[20\\.0-60\\.0\\] \\(31/31\\) +9\\.0 \\[5\\.0-14\\.0\\] "
                                + "\\(30/31\\) +none at risk");
    }

    @Test
    void shouldSayThereAreNoRecordsWhenTheOutputsAreEmpty() {
        String text = TextTable.render(CohortReport.of(CohortFixtures.arms(false), List.of(), List.of()));

        assertThat(text).contains("No cohort records for this protocol.");
    }

    /** The first line that starts with {@code start}. */
    static String line(String text, String start) {
        return text.lines()
                .filter(l -> l.startsWith(start))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in\n" + text));
    }
}
