package org.biomarkerstreams.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;
import org.biomarkerstreams.domain.SampleStatistics;

/**
 * The demo's terminal table, the shape of the seeds' tables: per arm × analyte × visit {@code median [Q1-Q3] (n)}
 * (R type-7 quantiles) with the number of patients missing the visit, and per arm × analyte the time to
 * normalization as {@code events/at risk} with the Kaplan–Meier median in days.
 *
 * <p>Built from the latest record per key of the {@code BiomarkerSummary} and {@code TimeToNormalization} outputs
 * (if a key appears more than once, the last one in iteration order wins). A patient without an arm is counted in
 * {@value #UNASSIGNED}. {@code nMissing} counts the patients of the arm that have a summary for the analyte but no
 * value at that visit. Time to normalization uses the records with {@code atRisk}: event = {@code cnsr} 0, time =
 * {@code aval}.
 *
 * <p>The text puts arms side by side, one block per analyte with a line per visit, because five visits of
 * {@code median [Q1-Q3] (n)} plus time to normalization do not fit a 120-column terminal as one row; two or three
 * arms do fit this way, and side by side is how the papers compare arms.
 */
public final class CohortTable {

    public static final String UNASSIGNED = "UNASSIGNED";
    /** The column that pools every patient, when a layout asks for it. */
    public static final String TOTAL = "Total";

    /** What the columns are. */
    public enum Kind {
        /** One column per arm; a blinded protocol's arms show as its neutral codes (Arm A, Arm B). */
        ARMS,
        /** One column per value of one strata label (e.g. severe vs critical). */
        STRATA,
        /**
         * All patients together, one row per analyte (with its reference interval) and one column per visit: a
         * single-arm trial's "before vs after" table.
         */
        BEFORE_AFTER
    }

    /**
     * How a protocol's table is laid out.
     *
     * @param kind what the columns are
     * @param stratum the strata label of a {@link Kind#STRATA} table
     * @param columnOrder columns in this order first (arm labels as the protocol writes them, or strata values);
     *     the rest follow sorted. Ignored for blinded arms, which are sorted by their codes so the order gives
     *     nothing away.
     * @param total whether a {@value #TOTAL} column pools every patient
     * @param titles headings by column (or by visit for {@link Kind#BEFORE_AFTER}) instead of the raw value
     * @param blinding how arm labels are shown
     * @param ranges reference interval text by analyte, shown next to the analyte
     * @param title the table's title line; null for none
     */
    public record Layout(
            Kind kind,
            String stratum,
            List<String> columnOrder,
            boolean total,
            Map<String, String> titles,
            Blinding blinding,
            Map<String, String> ranges,
            String title) {
        public Layout {
            Objects.requireNonNull(kind, "kind");
            columnOrder = List.copyOf(columnOrder);
            titles = Map.copyOf(titles);
            Objects.requireNonNull(blinding, "blinding");
            ranges = Map.copyOf(ranges);
            if (kind == Kind.STRATA && (stratum == null || stratum.isBlank())) {
                throw new IllegalArgumentException("a strata layout needs the strata label");
            }
        }

        /** Arms side by side, sorted, unblinded, untitled: the table the demo has always printed. */
        public static Layout arms() {
            return new Layout(Kind.ARMS, null, List.of(), false, Map.of(), Blinding.none(), Map.of(), null);
        }

        private List<String> columnsOf(String arm, Map<String, String> strata) {
            String column =
                    switch (kind) {
                        case ARMS -> blinding.label(armOf(arm));
                        case STRATA -> {
                            String value = strata == null ? null : strata.get(stratum);
                            yield value == null || value.isBlank() ? UNASSIGNED : value;
                        }
                        case BEFORE_AFTER -> Blinding.ALL;
                    };
            return total && kind != Kind.BEFORE_AFTER ? List.of(column, TOTAL) : List.of(column);
        }

        private List<String> order(Set<String> present) {
            List<String> order = new ArrayList<>();
            if (!(kind == Kind.ARMS && blinding.blinded())) {
                for (String column : columnOrder) {
                    String shown = kind == Kind.ARMS ? blinding.label(column) : column;
                    if (present.contains(shown) && !order.contains(shown)) {
                        order.add(shown);
                    }
                }
            }
            for (String column : present) {
                if (!order.contains(column) && !column.equals(TOTAL)) {
                    order.add(column);
                }
            }
            if (present.contains(TOTAL)) {
                order.add(TOTAL);
            }
            return order;
        }
    }

    /**
     * One visit of one analyte in one arm.
     *
     * @param n patients with a value at the visit
     * @param nMissing patients with a summary for the analyte but no value at the visit
     * @param median median, NaN when {@code n} is 0
     * @param q1 first quartile (type 7), NaN when {@code n} is 0
     * @param q3 third quartile (type 7), NaN when {@code n} is 0
     */
    public record Cell(int n, int nMissing, double median, double q1, double q3) {}

    /**
     * Time to normalization of one analyte in one arm.
     *
     * @param events patients at risk who normalized
     * @param atRisk patients abnormal at baseline
     * @param medianDays Kaplan–Meier median in days from the anchor, empty when not reached
     * @param medianCi its 95% confidence interval (Brookmeyer–Crowley, log-log), bounds empty when not reached
     */
    public record Normalization(
            int events, int atRisk, OptionalDouble medianDays, KaplanMeier.MedianInterval medianCi) {}

    /** The log-rank test between the columns of one analyte's time to normalization. */
    public record ArmComparison(List<String> columns, LogRank.Result test) {}

    private record Key(String arm, String analyte) {}

    private static final int LABEL_INDENT = 2;
    private static final String TTN_LABEL = "time to normal";
    private static final String LOG_RANK_LABEL = "log-rank";
    private static final double CI_LEVEL = 0.95;

    private final List<String> arms;
    private final List<String> analytes;
    private final List<String> visits;
    private final Map<String, Integer> armPatients;
    private final Map<String, String> units;
    private final Map<Key, Map<String, Cell>> cells;
    private final Map<Key, Normalization> normalizations;
    private final Map<String, ArmComparison> comparisons;
    private final int provisional;
    private final Layout layout;

    private CohortTable(
            List<String> arms,
            List<String> analytes,
            List<String> visits,
            Map<String, Integer> armPatients,
            Map<String, String> units,
            Map<Key, Map<String, Cell>> cells,
            Map<Key, Normalization> normalizations,
            Map<String, ArmComparison> comparisons,
            int provisional,
            Layout layout) {
        this.layout = layout;
        this.arms = arms;
        this.analytes = analytes;
        this.visits = visits;
        this.armPatients = armPatients;
        this.units = units;
        this.cells = cells;
        this.normalizations = normalizations;
        this.comparisons = comparisons;
        this.provisional = provisional;
    }

    /**
     * The table of these records, for these analytes and visits in this order. Records of other analytes are
     * ignored.
     */
    public static CohortTable from(
            Collection<BiomarkerSummary> summaries,
            Collection<TimeToNormalization> ttn,
            List<String> analytes,
            List<String> visits) {
        return from(summaries, ttn, analytes, visits, Layout.arms());
    }

    /**
     * The table of these records laid out as a protocol's paper lays it out: columns are arms (blinded or not),
     * the values of a strata label, or all patients; {@link #arms()} and the {@code arm} parameters of the
     * accessors then mean these columns.
     */
    public static CohortTable from(
            Collection<BiomarkerSummary> summaries,
            Collection<TimeToNormalization> ttn,
            List<String> analytes,
            List<String> visits,
            Layout layout) {
        Objects.requireNonNull(summaries, "summaries");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(ttn, "ttn");
        List<String> analyteOrder = List.copyOf(new LinkedHashSet<>(analytes));
        List<String> visitOrder = List.copyOf(new LinkedHashSet<>(visits));

        Map<String, BiomarkerSummary> latestSummaries = new LinkedHashMap<>();
        for (BiomarkerSummary summary : summaries) {
            if (analyteOrder.contains(summary.getAnalyte())) {
                latestSummaries.put(summary.getPatientId() + "|" + summary.getAnalyte(), summary);
            }
        }
        Map<String, TimeToNormalization> latestTtn = new LinkedHashMap<>();
        for (TimeToNormalization record : ttn) {
            if (analyteOrder.contains(record.getAnalyte())) {
                latestTtn.put(record.getPatientId() + "|" + record.getAnalyte(), record);
            }
        }

        Set<String> armSet = new TreeSet<>();
        Map<String, Set<String>> patientsByArm = new TreeMap<>();
        Map<String, Set<String>> unitsByAnalyte = new LinkedHashMap<>();
        Map<Key, List<BiomarkerSummary>> summariesByKey = new LinkedHashMap<>();
        for (BiomarkerSummary summary : latestSummaries.values()) {
            unitsByAnalyte
                    .computeIfAbsent(summary.getAnalyte(), a -> new TreeSet<>())
                    .add(summary.getUnit());
            for (String arm : layout.columnsOf(summary.getArm(), summary.getStrata())) {
                armSet.add(arm);
                patientsByArm.computeIfAbsent(arm, a -> new TreeSet<>()).add(summary.getPatientId());
                summariesByKey
                        .computeIfAbsent(new Key(arm, summary.getAnalyte()), k -> new ArrayList<>())
                        .add(summary);
            }
        }
        Map<Key, List<KaplanMeier.Observation>> observations = new LinkedHashMap<>();
        int provisional = 0;
        for (TimeToNormalization record : latestTtn.values()) {
            if (record.getProvisional()) {
                provisional++;
            }
            for (String arm : layout.columnsOf(record.getArm(), record.getStrata())) {
                armSet.add(arm);
                patientsByArm.computeIfAbsent(arm, a -> new TreeSet<>()).add(record.getPatientId());
                List<KaplanMeier.Observation> list =
                        observations.computeIfAbsent(new Key(arm, record.getAnalyte()), k -> new ArrayList<>());
                if (record.getAtRisk() && record.getAval() != null && record.getCnsr() != null) {
                    list.add(new KaplanMeier.Observation(Math.max(0, record.getAval()), record.getCnsr() == 0));
                }
            }
        }

        List<String> armOrder = List.copyOf(layout.order(armSet));
        Map<Key, Map<String, Cell>> cells = new LinkedHashMap<>();
        Map<Key, Normalization> normalizations = new LinkedHashMap<>();
        for (String arm : armOrder) {
            for (String analyte : analyteOrder) {
                Key key = new Key(arm, analyte);
                List<BiomarkerSummary> ofKey = summariesByKey.getOrDefault(key, List.of());
                Map<String, Cell> byVisit = new LinkedHashMap<>();
                for (String visit : visitOrder) {
                    byVisit.put(visit, cell(ofKey, visit));
                }
                cells.put(key, byVisit);
                KaplanMeier km = KaplanMeier.estimate(observations.getOrDefault(key, List.of()));
                normalizations.put(
                        key,
                        new Normalization(km.events(), km.size(), km.median(), km.medianConfidenceInterval(CI_LEVEL)));
            }
        }
        Map<String, ArmComparison> comparisons = new LinkedHashMap<>();
        List<String> compared = armOrder.stream()
                .filter(arm -> !Blinding.ALL.equals(arm) && !UNASSIGNED.equals(arm))
                .toList();
        if (compared.size() >= 2) {
            for (String analyte : analyteOrder) {
                List<List<KaplanMeier.Observation>> groups = compared.stream()
                        .map(arm -> observations.getOrDefault(new Key(arm, analyte), List.of()))
                        .toList();
                LogRank.test(groups).ifPresent(r -> comparisons.put(analyte, new ArmComparison(compared, r)));
            }
        }
        Map<String, Integer> armPatients = new LinkedHashMap<>();
        patientsByArm.forEach((arm, patients) -> armPatients.put(arm, patients.size()));
        Map<String, String> units = new LinkedHashMap<>();
        unitsByAnalyte.forEach((analyte, unitSet) -> units.put(analyte, String.join(", ", unitSet)));
        return new CohortTable(
                armOrder,
                analyteOrder,
                visitOrder,
                armPatients,
                units,
                cells,
                normalizations,
                comparisons,
                provisional,
                layout);
    }

    private static String armOf(String arm) {
        return arm == null || arm.isBlank() ? UNASSIGNED : arm;
    }

    private static Cell cell(List<BiomarkerSummary> summaries, String visit) {
        List<Double> values = new ArrayList<>();
        int missing = 0;
        for (BiomarkerSummary summary : summaries) {
            Double value =
                    summary.getVisits() == null ? null : summary.getVisits().get(visit);
            if (value == null || !Double.isFinite(value)) {
                missing++;
            } else {
                values.add(value);
            }
        }
        SampleStatistics stats = SampleStatistics.of(values);
        return new Cell(stats.n(), missing, stats.median(), stats.q1(), stats.q3());
    }

    /** The layout the table was built with. */
    public Layout layout() {
        return layout;
    }

    /** The columns: arms (sorted, or in the layout's order), strata values, or {@code ALL}. */
    public List<String> arms() {
        return arms;
    }

    /** Patients of an arm with any record in the table. */
    public int patients(String arm) {
        return armPatients.getOrDefault(arm, 0);
    }

    /** The unit of an analyte as the summaries give it; several are joined by a comma. */
    public Optional<String> unit(String analyte) {
        return Optional.ofNullable(units.get(analyte));
    }

    /** The cell of an arm, analyte and visit; empty when one of them is not in the table. */
    public Optional<Cell> visit(String arm, String analyte, String visit) {
        return Optional.ofNullable(cells.get(new Key(arm, analyte))).map(byVisit -> byVisit.get(visit));
    }

    /** Time to normalization of an arm and analyte; empty when either is not in the table. */
    public Optional<Normalization> normalization(String arm, String analyte) {
        return Optional.ofNullable(normalizations.get(new Key(arm, analyte)));
    }

    /** Time-to-normalization records that were still provisional. */
    public int provisionalRecords() {
        return provisional;
    }

    /** Plain text: a header, then one block per analyte with the arms side by side. */
    public String render() {
        String title = layout.title() == null ? "" : layout.title() + "\n";
        return title + (layout.kind() == Kind.BEFORE_AFTER ? renderVisitColumns() : renderColumns());
    }

    private String heading(String column) {
        return layout.titles().getOrDefault(column, column);
    }

    /** One row per analyte (with its reference interval), one column per visit, then time to normal. */
    private String renderVisitColumns() {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        String column = arms.isEmpty() ? Blinding.ALL : arms.get(0);
        header.add("(n=" + patients(column) + ")");
        visits.forEach(visit -> header.add(heading(visit)));
        header.add(TTN_LABEL);
        rows.add(header);
        for (String analyte : analytes) {
            List<String> row = new ArrayList<>();
            String range = layout.ranges().get(analyte);
            row.add(unit(analyte).map(u -> analyte + " (" + u + ")").orElse(analyte)
                    + (range == null ? "" : " normal " + range));
            int decimals = decimals(analyte);
            for (String visit : visits) {
                row.add(visit(column, analyte, visit)
                        .map(c -> format(c, decimals))
                        .orElse("-"));
            }
            row.add(normalization(column, analyte).map(CohortTable::format).orElse("-"));
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length() + 2);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Median [Q1-Q3] (n; missing). Time to normal: events/at risk, Kaplan-Meier median\n"
                + "(95% CI, Brookmeyer-Crowley; NR = not reached).\n\n");
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(pad(row.get(i), widths[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        appendProvisional(out);
        return out.toString();
    }

    private void appendProvisional(StringBuilder out) {
        if (provisional > 0) {
            out.append('\n')
                    .append(provisional)
                    .append(" time-to-normalization record(s) still provisional (follow-up not closed).\n");
        }
    }

    private String renderColumns() {
        List<String> labels = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>(); // one list of arm columns per label
        List<Integer> blockStarts = new ArrayList<>();
        for (String analyte : analytes) {
            blockStarts.add(labels.size());
            labels.add(unit(analyte).map(u -> analyte + " (" + u + ")").orElse(analyte));
            List<String> header = new ArrayList<>();
            arms.forEach(arm -> header.add(heading(arm) + " (n=" + patients(arm) + ")"));
            rows.add(header);
            int decimals = decimals(analyte);
            for (String visit : visits) {
                labels.add(" ".repeat(LABEL_INDENT) + visit);
                List<String> row = new ArrayList<>();
                for (String arm : arms) {
                    row.add(format(visit(arm, analyte, visit).orElseThrow(), decimals));
                }
                rows.add(row);
            }
            labels.add(" ".repeat(LABEL_INDENT) + TTN_LABEL);
            List<String> row = new ArrayList<>();
            for (String arm : arms) {
                row.add(format(normalization(arm, analyte).orElseThrow()));
            }
            rows.add(row);
            ArmComparison comparison = comparisons.get(analyte);
            if (comparison != null) {
                labels.add(" ".repeat(LABEL_INDENT) + LOG_RANK_LABEL);
                rows.add(List.of(format(comparison, this::heading)));
            }
        }

        int labelWidth = labels.stream().mapToInt(String::length).max().orElse(0) + 2;
        int[] widths = new int[arms.size()];
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (labels.get(r).endsWith(LOG_RANK_LABEL)) {
                continue; // one line across the arm columns
            }
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length() + 2);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Visit values: median [Q1-Q3] (n; missing). Time to normal: events/at risk, Kaplan-Meier median\n"
                + "(95% CI, Brookmeyer-Crowley; NR = not reached); log-rank test between the arms.\n");
        for (int r = 0; r < rows.size(); r++) {
            if (blockStarts.contains(r)) {
                out.append('\n');
            }
            StringBuilder line = new StringBuilder(pad(labels.get(r), labelWidth));
            List<String> row = rows.get(r);
            for (int i = 0; i < row.size(); i++) {
                line.append(pad(row.get(i), widths[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        appendProvisional(out);
        return out.toString();
    }

    /** Decimals that suit the analyte's magnitude: 0 from 100 up, 1 from 10 up, else 2. */
    private int decimals(String analyte) {
        double largest = 0;
        for (String arm : arms) {
            for (Cell cell : cells.get(new Key(arm, analyte)).values()) {
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

    private static String format(ArmComparison comparison, java.util.function.UnaryOperator<String> heading) {
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

    /** The log-rank test of an analyte's time to normalization between the arm columns, when there are two or more. */
    public Optional<ArmComparison> comparison(String analyte) {
        return Optional.ofNullable(comparisons.get(analyte));
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }
}
