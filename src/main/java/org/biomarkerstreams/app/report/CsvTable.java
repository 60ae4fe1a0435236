package org.biomarkerstreams.app.report;

import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.app.report.PaperGrid.Row;
import org.biomarkerstreams.app.report.PaperGrid.Section;

/**
 * The report's table as CSV (RFC 4180: comma-separated, fields quoted when they hold a comma, quote or line break,
 * CRLF line ends, UTF-8), one header row and the cells as the paper prints them, to paste into a manuscript or read
 * with R's {@code read.csv}. An arms or strata table has the columns {@code analyte, unit, row} and one per arm or
 * strata value; a log-rank row puts its test in the first of them. A before/after table has {@code analyte, unit,
 * reference interval}, one column per visit and the time to normalization.
 */
public final class CsvTable {

    private static final String CRLF = "\r\n";

    private CsvTable() {}

    public static String render(CohortReport report) {
        StringBuilder out = new StringBuilder();
        if (report.isEmpty()) {
            return out.toString();
        }
        PaperGrid grid = PaperGrid.of(report, CellText.TYPOGRAPHIC);
        if (grid.sections().get(0).analyte() == null) {
            Section section = grid.sections().get(0);
            List<String> header = new ArrayList<>(List.of("analyte", "unit", "reference interval"));
            header.addAll(section.header().subList(1, section.header().size()));
            record(out, header);
            for (Row row : section.rows()) {
                List<String> fields = new ArrayList<>();
                fields.add(row.key());
                fields.add(report.unit(row.key()).orElse(""));
                fields.add(report.range(row.key()).orElse(""));
                fields.addAll(row.cells());
                record(out, fields);
            }
            return out.toString();
        }
        List<String> header = new ArrayList<>(List.of("analyte", "unit", "row"));
        report.columns().forEach(c -> header.add(c.heading() + " (N=" + c.patients() + ")"));
        record(out, header);
        for (Section section : grid.sections()) {
            for (Row row : section.rows()) {
                List<String> fields = new ArrayList<>();
                fields.add(section.analyte());
                fields.add(report.unit(section.analyte()).orElse(""));
                fields.add(row.label());
                fields.addAll(row.cells());
                // Every record as wide as the header, as RFC 4180 asks: a log-rank row fills the rest with blanks.
                while (fields.size() < header.size()) {
                    fields.add("");
                }
                record(out, fields);
            }
        }
        return out.toString();
    }

    private static void record(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(fields.get(i)));
        }
        out.append(CRLF);
    }

    private static String field(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
