package org.biomarkerstreams.app.report;

import java.util.List;
import org.biomarkerstreams.app.report.PaperGrid.Row;
import org.biomarkerstreams.app.report.PaperGrid.Section;

/**
 * The report as one self-contained HTML page: inline CSS, no script, no external asset, so it opens from a file or an
 * e-mail attachment and prints as it shows. Written as well-formed XHTML-compatible HTML5 (every element closed,
 * every attribute quoted, text escaped), so XML tools read it too.
 */
public final class HtmlPage {

    private static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;"
            + "color:#222}h1{font-size:1.3em;margin-bottom:.2em}p.meta{margin:.2em 0;color:#555}"
            + "table{border-collapse:collapse;margin:1.2em 0;font-variant-numeric:tabular-nums}"
            + "th,td{padding:.25em .8em;text-align:left;vertical-align:top}"
            + "thead th{border-top:2px solid #222;border-bottom:1px solid #222}"
            + "tbody.analyte th[scope=rowgroup]{padding-top:.8em;border-top:1px solid #bbb}"
            + "td.label{padding-left:1.6em}tr.ttn td,tr.logrank td{border-top:1px dotted #bbb}"
            + "tbody:last-child tr:last-child td{border-bottom:2px solid #222}"
            + "ol.notes{color:#444;font-size:.9em;padding-left:1.2em}"
            + "@media print{body{margin:0}}";

    private HtmlPage() {}

    public static String render(CohortReport report) {
        StringBuilder out = new StringBuilder();
        List<String> header = report.layout().headerLines();
        out.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n")
                .append("<title>")
                .append(escape(header.get(0)))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n<h1>")
                .append(escape(header.get(0)))
                .append("</h1>\n");
        for (String line : header.subList(1, header.size())) {
            out.append("<p class=\"meta\">").append(escape(line)).append("</p>\n");
        }
        if (report.isEmpty()) {
            out.append("<p>No cohort records for this protocol.</p>\n");
        } else {
            table(out, report);
        }
        out.append("<ol class=\"notes\">\n");
        for (String line : report.layout().conventionLines()) {
            out.append("<li>").append(escape(line)).append("</li>\n");
        }
        return out.append("</ol>\n</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder out, CohortReport report) {
        PaperGrid grid = PaperGrid.of(report, CellText.TYPOGRAPHIC);
        out.append("<table>\n");
        if (grid.sections().get(0).analyte() == null) {
            Section section = grid.sections().get(0);
            out.append("<thead>");
            headerRow(out, section.header());
            out.append("</thead>\n<tbody>\n");
            for (Row row : section.rows()) {
                out.append("<tr><th scope=\"row\">").append(escape(row.label())).append("</th>");
                row.cells().forEach(c -> out.append("<td>").append(escape(c)).append("</td>"));
                out.append("</tr>\n");
            }
            out.append("</tbody>\n</table>\n");
            return;
        }
        int columns = report.columns().size();
        out.append("<thead>");
        List<String> first = grid.sections().get(0).header();
        headerRow(out, withLabel("", first));
        out.append("</thead>\n");
        for (Section section : grid.sections()) {
            out.append("<tbody class=\"analyte\">\n<tr><th scope=\"rowgroup\" colspan=\"")
                    .append(columns + 1)
                    .append("\">")
                    .append(escape(section.header().get(0)))
                    .append("</th></tr>\n");
            for (Row row : section.rows()) {
                String css = row.spanning()
                        ? " class=\"logrank\""
                        : PaperGrid.TTN_LABEL.equals(row.key()) ? " class=\"ttn\"" : "";
                out.append("<tr")
                        .append(css)
                        .append("><td class=\"label\">")
                        .append(escape(row.label()))
                        .append("</td>");
                if (row.spanning()) {
                    out.append("<td colspan=\"")
                            .append(columns)
                            .append("\">")
                            .append(escape(row.cells().get(0)))
                            .append("</td>");
                } else {
                    row.cells()
                            .forEach(c -> out.append("<td>").append(escape(c)).append("</td>"));
                }
                out.append("</tr>\n");
            }
            out.append("</tbody>\n");
        }
        out.append("</table>\n");
    }

    /** The header of a side-by-side table: an empty corner, then the columns. */
    private static List<String> withLabel(String corner, List<String> header) {
        List<String> cells = new java.util.ArrayList<>();
        cells.add(corner);
        cells.addAll(header.subList(1, header.size()));
        return cells;
    }

    private static void headerRow(StringBuilder out, List<String> cells) {
        out.append("<tr>");
        cells.forEach(c -> out.append("<th scope=\"col\">").append(escape(c)).append("</th>"));
        out.append("</tr>");
    }

    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                // Control characters are not allowed in XML 1.0 (nor shown by HTML): a space instead.
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
