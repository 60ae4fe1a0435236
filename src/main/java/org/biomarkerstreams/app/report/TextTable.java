package org.biomarkerstreams.app.report;

import java.util.List;
import org.biomarkerstreams.app.report.PaperGrid.Row;
import org.biomarkerstreams.app.report.PaperGrid.Section;

/**
 * The report as plain text for a terminal: the header lines, then the table with columns as wide as their widest
 * entry plus two spaces (the same widths in every analyte's section, so the arms line up down the page), then the
 * statistics conventions.
 */
public final class TextTable {

    private static final String INDENT = "  ";

    private TextTable() {}

    public static String render(CohortReport report) {
        StringBuilder out = new StringBuilder();
        report.layout().headerLines().forEach(line -> out.append(line).append('\n'));
        if (report.isEmpty()) {
            return out.append("\nNo cohort records for this protocol.\n").toString();
        }
        PaperGrid grid = PaperGrid.of(report, CellText.ASCII);
        int labelWidth = 0;
        int columns = 0;
        for (Section section : grid.sections()) {
            columns = Math.max(columns, section.header().size() - 1);
            labelWidth = Math.max(labelWidth, section.header().get(0).length());
            for (Row row : section.rows()) {
                labelWidth = Math.max(labelWidth, INDENT.length() + row.label().length());
            }
        }
        int[] widths = new int[columns];
        for (Section section : grid.sections()) {
            widen(widths, section.header().subList(1, section.header().size()));
            for (Row row : section.rows()) {
                // A row across the columns must not widen the first one.
                if (!row.spanning()) {
                    widen(widths, row.cells());
                }
            }
        }
        for (Section section : grid.sections()) {
            out.append('\n');
            line(
                    out,
                    pad(section.header().get(0), labelWidth + 2),
                    section.header().subList(1, section.header().size()),
                    widths);
            for (Row row : section.rows()) {
                line(out, pad(INDENT + row.label(), labelWidth + 2), row.cells(), widths);
            }
        }
        out.append('\n');
        report.layout().conventionLines().forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static void widen(int[] widths, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            widths[i] = Math.max(widths[i], cells.get(i).length() + 2);
        }
    }

    private static void line(StringBuilder out, String label, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(label);
        for (int i = 0; i < cells.size(); i++) {
            line.append(pad(cells.get(i), widths[i]));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
