package org.biomarkerstreams.app.report;

import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.app.report.CohortReport.Column;
import org.biomarkerstreams.app.report.CohortReport.Comparison;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * A report as the rows and columns a paper prints, before any rendering. An arms or strata table has one section per
 * analyte (the columns side by side, a row per visit, then time to normalization and the log-rank tests); a
 * before/after table has one section, a row per analyte and a column per visit.
 *
 * @param sections in print order
 */
record PaperGrid(List<Section> sections) {

    static final String TTN_LABEL = "Time to normalization";

    /**
     * @param analyte the analyte of an arms or strata section, null for a before/after table
     * @param header the label column's heading, then one per column
     * @param rows the rows under it
     */
    record Section(String analyte, List<String> header, List<Row> rows) {}

    /**
     * @param label the row's label (a visit, a time-to-normalization or log-rank line, or an analyte)
     * @param key what the row is: the visit name, {@link #TTN_LABEL}, {@code log-rank}, or the analyte
     * @param cells one per column, or a single cell across all of them when {@code spanning}
     */
    record Row(String label, String key, List<String> cells, boolean spanning) {}

    static PaperGrid of(CohortReport report, CellText text) {
        return report.layout().kind() == ProtocolFile.Layout.BEFORE_AFTER
                ? visitColumns(report, text)
                : sideBySide(report, text);
    }

    static String analyteLabel(CohortReport report, String analyte) {
        return report.unit(analyte).map(u -> analyte + " (" + u + ")").orElse(analyte);
    }

    private static PaperGrid sideBySide(CohortReport report, CellText text) {
        List<Section> sections = new ArrayList<>();
        for (String analyte : report.analytes()) {
            List<String> header = new ArrayList<>();
            header.add(analyteLabel(report, analyte));
            report.columns().forEach(c -> header.add(c.heading() + " (N=" + c.patients() + ")"));
            int decimals = report.decimals(analyte);
            List<Row> rows = new ArrayList<>();
            for (String visit : report.visits()) {
                List<String> cells = new ArrayList<>();
                for (Column column : report.columns()) {
                    cells.add(report.cell(column.key(), analyte, visit)
                            .map(c -> text.visit(c, decimals))
                            .orElse("-"));
                }
                rows.add(new Row(report.layout().heading(visit), visit, cells, false));
            }
            List<String> ttn = new ArrayList<>();
            for (Column column : report.columns()) {
                ttn.add(report.normalization(column.key(), analyte)
                        .map(text::normalization)
                        .orElse("-"));
            }
            rows.add(new Row(TTN_LABEL, TTN_LABEL, ttn, false));
            for (Comparison c : report.comparisons(analyte)) {
                rows.add(new Row(CellText.comparisonLabel(c), "log-rank", List.of(text.comparison(c)), true));
            }
            sections.add(new Section(analyte, header, rows));
        }
        return new PaperGrid(sections);
    }

    private static PaperGrid visitColumns(CohortReport report, CellText text) {
        List<String> header = new ArrayList<>();
        String column =
                report.columns().isEmpty() ? null : report.columns().get(0).key();
        int patients = report.columns().isEmpty() ? 0 : report.columns().get(0).patients();
        header.add("Analyte (N=" + patients + ")");
        report.visits().forEach(v -> header.add(report.layout().heading(v)));
        header.add(TTN_LABEL);
        List<Row> rows = new ArrayList<>();
        for (String analyte : report.analytes()) {
            int decimals = report.decimals(analyte);
            List<String> cells = new ArrayList<>();
            for (String visit : report.visits()) {
                cells.add(report.cell(column, analyte, visit)
                        .map(c -> text.visit(c, decimals))
                        .orElse("-"));
            }
            cells.add(report.normalization(column, analyte)
                    .map(text::normalization)
                    .orElse("-"));
            String label = analyteLabel(report, analyte)
                    + report.range(analyte).map(r -> ", normal " + r).orElse("");
            rows.add(new Row(label, analyte, cells, false));
        }
        return new PaperGrid(List.of(new Section(null, header, rows)));
    }
}
