package org.biomarkerstreams.app.report;

import java.util.Locale;
import org.biomarkerstreams.app.report.CohortReport.Cell;
import org.biomarkerstreams.app.report.CohortReport.Comparison;
import org.biomarkerstreams.app.report.CohortReport.Normalization;

/**
 * The text of one cell, the same in every rendering but for the range dash: a terminal gets {@code -}, files and
 * pages the typographic en dash papers print ({@code 12.3 [8.1–20.4]}).
 */
record CellText(String dash) {

    static final CellText ASCII = new CellText("-");
    static final CellText TYPOGRAPHIC = new CellText("\u2013");

    /** {@code median [Q1-Q3] (n/N)}, with the values carried forward named; {@code - (0/N)} without values. */
    String visit(Cell cell, int decimals) {
        String imputed = cell.nImputed() > 0 ? "; " + cell.nImputed() + " LOCF" : "";
        String count = "(" + cell.n() + "/" + cell.total() + imputed + ")";
        if (cell.n() == 0 || cell.median() == null) {
            return "- " + count;
        }
        return number(cell.median(), decimals) + " [" + number(cell.q1(), decimals) + dash + number(cell.q3(), decimals)
                + "] " + count;
    }

    /** {@code events/at risk; median d (95% CI lower-upper)}; NR where not reached. */
    String normalization(Normalization ttn) {
        if (ttn.atRisk() == 0) {
            return "none at risk";
        }
        String median = ttn.medianDays() == null ? "NR" : days(ttn.medianDays()) + " d";
        String ci = ttn.lower() == null && ttn.upper() == null
                ? ""
                : " (95% CI " + days(ttn.lower()) + dash + days(ttn.upper()) + ")";
        return ttn.events() + "/" + ttn.atRisk() + "; " + median + ci;
    }

    /** {@code p = 0.012 (chi-square 6.31, 1 df; A vs B)}. */
    String comparison(Comparison c) {
        String p = c.pValue() < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", c.pValue());
        return String.format(
                Locale.ROOT,
                "%s (chi-square %.2f, %d df; %s)",
                p,
                c.chiSquare(),
                c.degreesOfFreedom(),
                String.join(" vs ", c.groups()));
    }

    /** The label of a comparison row. */
    static String comparisonLabel(Comparison c) {
        return c.within() == null ? "log-rank" : "log-rank within " + c.within();
    }

    private static String days(Double value) {
        return value == null ? "NR" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String number(Double value, int decimals) {
        return value == null ? "NA" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
