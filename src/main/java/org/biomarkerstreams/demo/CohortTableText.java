package org.biomarkerstreams.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import org.biomarkerstreams.demo.CohortTable.ArmComparison;
import org.biomarkerstreams.demo.CohortTable.Cell;
import org.biomarkerstreams.demo.CohortTable.Kind;
import org.biomarkerstreams.demo.CohortTable.Layout;
import org.biomarkerstreams.demo.CohortTable.Normalization;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;

/**
 * The plain text of a {@link CohortTable}: arms side by side in one block per analyte, or, for a before/after
 * table, one row per analyte and one column per visit. Columns are as wide as their widest entry plus two spaces.
 */
final class CohortTableText {

    private static final int LABEL_INDENT = 2;
    private static final String TTN_LABEL = "time to normal";
    private static final String LOG_RANK_LABEL = "log-rank";

    private final Layout layout;
    private final CohortTally tally;

    CohortTableText(Layout layout, CohortTally tally) {
        this.layout = layout;
        this.tally = tally;
    }

    String render() {
        String title = layout.title() == null ? "" : layout.title() + "\n";
        return title + (layout.kind() == Kind.BEFORE_AFTER ? renderVisitColumns() : renderColumns());
    }

    private String heading(String column) {
        return layout.titles().getOrDefault(column, column);
    }

    private String analyteLabel(String analyte) {
        return tally.unit(analyte).map(u -> analyte + " (" + u + ")").orElse(analyte);
    }

    /** One row per analyte (with its reference interval), one column per visit, then time to normal. */
    private String renderVisitColumns() {
        List<String> columns = tally.columns();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        String column = columns.isEmpty() ? Blinding.ALL : columns.get(0);
        header.add("(n=" + tally.patients(column) + ")");
        tally.visits().forEach(visit -> header.add(heading(visit)));
        header.add(TTN_LABEL);
        rows.add(header);
        for (String analyte : tally.analytes()) {
            List<String> row = new ArrayList<>();
            String range = layout.ranges().get(analyte);
            row.add(analyteLabel(analyte) + (range == null ? "" : " normal " + range));
            int decimals = decimals(analyte);
            for (String visit : tally.visits()) {
                row.add(tally.visit(column, analyte, visit)
                        .map(c -> format(c, decimals))
                        .orElse("-"));
            }
            row.add(tally.normalization(column, analyte)
                    .map(CohortTableText::format)
                    .orElse("-"));
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        rows.forEach(row -> widen(widths, row));
        StringBuilder out = new StringBuilder();
        out.append("Median [Q1-Q3] (n; missing). Time to normal: events/at risk, Kaplan-Meier median\n"
                + "(95% CI, Brookmeyer-Crowley; NR = not reached).\n\n");
        rows.forEach(row -> appendLine(out, "", row, widths));
        appendProvisional(out);
        return out.toString();
    }

    private String renderColumns() {
        List<String> columns = tally.columns();
        List<String> labels = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>(); // one list of arm columns per label
        List<Integer> blockStarts = new ArrayList<>();
        for (String analyte : tally.analytes()) {
            blockStarts.add(labels.size());
            labels.add(analyteLabel(analyte));
            List<String> header = new ArrayList<>();
            columns.forEach(arm -> header.add(heading(arm) + " (n=" + tally.patients(arm) + ")"));
            rows.add(header);
            int decimals = decimals(analyte);
            for (String visit : tally.visits()) {
                labels.add(" ".repeat(LABEL_INDENT) + visit);
                List<String> row = new ArrayList<>();
                for (String arm : columns) {
                    row.add(format(tally.visit(arm, analyte, visit).orElseThrow(), decimals));
                }
                rows.add(row);
            }
            labels.add(" ".repeat(LABEL_INDENT) + TTN_LABEL);
            List<String> row = new ArrayList<>();
            for (String arm : columns) {
                row.add(format(tally.normalization(arm, analyte).orElseThrow()));
            }
            rows.add(row);
            tally.comparison(analyte).ifPresent(comparison -> {
                labels.add(" ".repeat(LABEL_INDENT) + LOG_RANK_LABEL);
                rows.add(List.of(format(comparison, this::heading)));
            });
        }

        int labelWidth = labels.stream().mapToInt(String::length).max().orElse(0) + 2;
        int[] widths = new int[columns.size()];
        for (int r = 0; r < rows.size(); r++) {
            // The log-rank line runs across the arm columns: it must not widen the first one.
            if (!labels.get(r).endsWith(LOG_RANK_LABEL)) {
                widen(widths, rows.get(r));
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Visit values: median [Q1-Q3] (n; missing). Time to normal: events/at risk, Kaplan-Meier median\n"
                + "(95% CI, Brookmeyer-Crowley; NR = not reached); log-rank test between the arms.\n");
        for (int r = 0; r < rows.size(); r++) {
            if (blockStarts.contains(r)) {
                out.append('\n');
            }
            appendLine(out, pad(labels.get(r), labelWidth), rows.get(r), widths);
        }
        appendProvisional(out);
        return out.toString();
    }

    private static void widen(int[] widths, List<String> row) {
        for (int i = 0; i < row.size(); i++) {
            widths[i] = Math.max(widths[i], row.get(i).length() + 2);
        }
    }

    private static void appendLine(StringBuilder out, String label, List<String> row, int[] widths) {
        StringBuilder line = new StringBuilder(label);
        for (int i = 0; i < row.size(); i++) {
            line.append(pad(row.get(i), widths[i]));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private void appendProvisional(StringBuilder out) {
        if (tally.provisional() > 0) {
            out.append('\n')
                    .append(tally.provisional())
                    .append(" time-to-normalization record(s) still provisional (follow-up not closed).\n");
        }
    }

    /** Decimals that suit the analyte's magnitude: 0 from 100 up, 1 from 10 up, else 2. */
    private int decimals(String analyte) {
        double largest = 0;
        for (String column : tally.columns()) {
            for (Cell cell :
                    tally.cells().get(new CohortTally.Key(column, analyte)).values()) {
                if (cell.n() > 0) {
                    largest = Math.max(largest, Math.abs(cell.median()));
                }
            }
        }
        return largest >= 100 ? 0 : largest >= 10 ? 1 : 2;
    }

    private static String format(Cell cell, int decimals) {
        String missing = cell.nMissing() > 0 ? "; " + cell.nMissing() + " missing" : "";
        if (cell.n() == 0) {
            return cell.nMissing() > 0 ? "- (" + cell.nMissing() + " missing)" : "-";
        }
        String pattern = "%." + decimals + "f";
        return String.format(Locale.ROOT, pattern, cell.median())
                + " [" + String.format(Locale.ROOT, pattern, cell.q1())
                + "-" + String.format(Locale.ROOT, pattern, cell.q3())
                + "] (" + cell.n() + missing + ")";
    }

    private static String format(Normalization normalization) {
        if (normalization.atRisk() == 0) {
            return "- (none at risk)";
        }
        String median = normalization.medianDays().isPresent()
                ? String.format(
                        Locale.ROOT, "median %.1f d", normalization.medianDays().getAsDouble())
                : "median not reached";
        KaplanMeier.MedianInterval ci = normalization.medianCi();
        String interval = ci == null || (ci.lower().isEmpty() && ci.upper().isEmpty())
                ? ""
                : " (" + days(ci.lower()) + "-" + days(ci.upper()) + ")";
        return normalization.events() + "/" + normalization.atRisk() + ", " + median + interval;
    }

    private static String days(OptionalDouble bound) {
        return bound.isPresent() ? String.format(Locale.ROOT, "%.1f", bound.getAsDouble()) : "NR";
    }

    private static String format(ArmComparison comparison, UnaryOperator<String> heading) {
        LogRank.Result r = comparison.test();
        String p = r.pValue() < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", r.pValue());
        return String.format(
                Locale.ROOT,
                "%s (chi-square %.2f, %d df; %s)",
                p,
                r.chiSquare(),
                r.degreesOfFreedom(),
                String.join(" vs ", comparison.columns().stream().map(heading).toList()));
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
