package org.biomarkerstreams.app.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * How a protocol's table is laid out and introduced: which cohort records are its columns (arms, the values of one
 * strata label, or every patient), in what order and under which headings, the visits in the protocol's order, and
 * the header lines (title, citation, arms, statistics conventions).
 *
 * @param kind what the columns are
 * @param stratum the strata label of a {@link ProtocolFile.Layout#STRATA} table, else null
 * @param columnOrder columns in this order first (arm labels or strata values), the rest sorted after them; ignored
 *     when the arms are blinded, since the protocol's order would give the allocation away
 * @param total whether a {@value #TOTAL} column pools every patient ({@code ALL} of the cohort outputs)
 * @param titles headings by column or by visit instead of the raw value
 * @param blinded whether the arms are shown as neutral codes
 * @param protocolName the protocol's name, as the cohort records carry it
 * @param title the trial's title
 * @param citation where the trial is published
 * @param dayConvention how the protocol writes days (PDY or ADY); the visit names are written in it
 * @param arms the arms the protocol declares, as the table shows them (blinded: their codes)
 * @param visits visit names in table order, BASELINE first
 * @param analytes analytes in table order (the site profile's primary analytes); others follow sorted
 * @param ranges reference interval text by analyte
 * @param quantileType the quartile definition of the visit cells
 * @param locf whether a visit without a value carries the last one forward
 */
public record ReportLayout(
        ProtocolFile.Layout kind,
        String stratum,
        List<String> columnOrder,
        boolean total,
        Map<String, String> titles,
        boolean blinded,
        String protocolName,
        String title,
        String citation,
        String dayConvention,
        List<String> arms,
        List<String> visits,
        List<String> analytes,
        Map<String, String> ranges,
        QuantileType quantileType,
        boolean locf) {

    /** The heading of the column that pools every patient. */
    public static final String TOTAL = "Total";

    public ReportLayout {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(protocolName, "protocolName");
        Objects.requireNonNull(quantileType, "quantileType");
        if (kind == ProtocolFile.Layout.STRATA && (stratum == null || stratum.isBlank())) {
            throw new IllegalArgumentException("a strata layout needs the strata label");
        }
        columnOrder = List.copyOf(columnOrder);
        titles = Map.copyOf(titles);
        arms = List.copyOf(arms);
        visits = List.copyOf(visits);
        analytes = List.copyOf(analytes);
        ranges = Map.copyOf(ranges);
    }

    /**
     * The layout of a loaded protocol file's {@code table:} section, with the rules the pipeline ran with (blinding,
     * quantile type, visits, LOCF).
     */
    public static ReportLayout of(ProtocolFile.Loaded file, Protocol rules) {
        ProtocolFile.Table table = file.table();
        boolean blinded = rules.blinding().blinded();
        List<String> order =
                table.columns().isEmpty() && table.layout() == ProtocolFile.Layout.ARMS ? file.arms() : table.columns();
        Map<String, String> titles = new LinkedHashMap<>(table.columnTitles());
        if (table.layout() == ProtocolFile.Layout.ARMS && blinded) {
            // A heading written for an arm would name it.
            titles.keySet().removeAll(file.arms());
        }
        return new ReportLayout(
                table.layout(),
                table.stratum(),
                order,
                table.total(),
                titles,
                blinded,
                rules.name(),
                file.heading(rules),
                file.citation(),
                file.dayConvention().name(),
                // Blinded, the arms are named by their codes only, sorted: the file's order would tell which is which.
                blinded
                        ? file.arms().stream()
                                .map(rules.blinding()::label)
                                .sorted()
                                .toList()
                        : file.arms(),
                rules.visitNames(),
                file.profile().primaryAnalytes().stream()
                        .map(AnalyteDefinition::paramcd)
                        .toList(),
                ranges(file.profile()),
                rules.quantileType(),
                rules.locf());
    }

    /** The heading of a column or a visit: its title when the protocol gives one. */
    public String heading(String columnOrVisit) {
        return titles.getOrDefault(columnOrVisit, columnOrVisit);
    }

    /** Lines that introduce the table: what it is, where from, and how its numbers were computed. */
    public List<String> headerLines() {
        List<String> lines = new ArrayList<>();
        lines.add(title == null || title.isBlank() ? "Protocol " + protocolName : title);
        if (citation != null && !citation.isBlank()) {
            lines.add(citation);
        }
        String armText = arms.isEmpty() ? "" : "; arms: " + String.join(", ", arms);
        lines.add("Protocol " + protocolName + ", visits named in " + dayConvention + armText
                + (blinded ? " (arms blinded: neutral codes)" : "") + ".");
        return lines;
    }

    /** The statistics conventions, one sentence a line, as a table's footnotes state them. */
    public List<String> conventionLines() {
        int type = quantileType.number();
        List<String> lines = new ArrayList<>();
        lines.add("Visits: median [Q1-Q3] (n/N); quartiles of Hyndman-Fan type " + type + " (R quantile(type = " + type
                + ")); n = patients with a value at the visit, N = patients of the column counted at the visit"
                + (locf ? "; last observation carried forward, as the protocol asks." : "."));
        lines.add("Time to normalization: normalized/at risk (abnormal at baseline); Kaplan-Meier median in days"
                + " with 95% CI (Brookmeyer-Crowley, log-log transform, as R survival's conf.type = \"log-log\");"
                + " NR = not reached.");
        lines.add("Log-rank test (R survival::survdiff) between the arms of a stratum; a total is never a group.");
        return lines;
    }

    private static Map<String, String> ranges(SiteProfile profile) {
        Map<String, String> ranges = new LinkedHashMap<>();
        for (AnalyteDefinition analyte : profile.primaryAnalytes()) {
            if (analyte.requiresAssayType()) {
                List<String> parts = new ArrayList<>();
                for (AssayType assay : List.of(AssayType.DDU, AssayType.FEU)) {
                    analyte.interval(assay).map(ReferenceInterval::text).ifPresent(t -> parts.add(assay + " " + t));
                }
                ranges.put(analyte.paramcd(), String.join(", ", parts));
            } else {
                analyte.interval(AssayType.NONE).ifPresent(i -> ranges.put(analyte.paramcd(), i.text()));
            }
        }
        return ranges;
    }
}
