package org.biomarkerstreams.app.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * The table a paper prints, as the streaming cohort outputs give it: per column (arm, strata value or every patient,
 * as the protocol's {@link ReportLayout} says) and analyte, each visit's {@code median [Q1-Q3] (n/N)} from the
 * {@link CohortVisitSummary} records, the time to normalization with its Kaplan–Meier median and 95% CI from the
 * {@link NormalizationCurve} records, and the log-rank tests those carry.
 *
 * <p>It computes no statistic: every number is one the pipeline wrote (one place computes cohort statistics), and
 * the renderers ({@link TextTable}, {@link CsvTable}, {@link HtmlPage}) only lay them out. Give it the latest record
 * per key ({@link CohortRecords}); records of strata the layout does not show are left out.
 */
public final class CohortReport {

    /**
     * A column of the table.
     *
     * @param key the arm as the records show it (blinded code included), the strata value, or {@code ALL}
     * @param heading what the table prints over it
     * @param patients N of the column: the most patients counted at any visit of any analyte
     */
    public record Column(String key, String heading, int patients) {}

    /**
     * One visit of one analyte in one column.
     *
     * @param n patients with a value
     * @param nMissing patients of the column without one
     * @param nImputed values carried forward, included in {@code n}
     * @param median null when {@code n} is 0
     * @param q1 first quartile, of the protocol's quantile type
     * @param q3 third quartile
     */
    public record Cell(int n, int nMissing, int nImputed, Double median, Double q1, Double q3) {
        /** N: patients with a value and patients missing one. */
        public int total() {
            return n + nMissing;
        }
    }

    /**
     * Time to normalization of one analyte in one column.
     *
     * @param atRisk patients abnormal at baseline
     * @param events patients who normalized
     * @param medianDays Kaplan–Meier median in days, null when not reached
     * @param lower 95% CI lower bound of the median, null when unknown
     * @param upper 95% CI upper bound, null when not reached
     */
    public record Normalization(int atRisk, int events, Double medianDays, Double lower, Double upper) {}

    /**
     * A log-rank test the pipeline computed.
     *
     * @param within the column whose arms were compared, or null when the test compares the table's columns
     * @param groups the groups compared, as the table heads them
     */
    public record Comparison(
            String within, List<String> groups, double chiSquare, int degreesOfFreedom, double pValue) {}

    private record Key(String column, String analyte) {}

    private final ReportLayout layout;
    private final List<Column> columns;
    private final List<String> analytes;
    private final List<String> visits;
    private final Map<String, String> units;
    private final Map<Key, Map<String, Cell>> cells;
    private final Map<Key, Normalization> normalizations;
    private final Map<String, List<Comparison>> comparisons;

    private CohortReport(
            ReportLayout layout,
            List<Column> columns,
            List<String> analytes,
            List<String> visits,
            Map<String, String> units,
            Map<Key, Map<String, Cell>> cells,
            Map<Key, Normalization> normalizations,
            Map<String, List<Comparison>> comparisons) {
        this.layout = layout;
        this.columns = List.copyOf(columns);
        this.analytes = List.copyOf(analytes);
        this.visits = List.copyOf(visits);
        this.units = units;
        this.cells = cells;
        this.normalizations = normalizations;
        this.comparisons = comparisons;
    }

    /** The table of these records (one per key, the latest) laid out as {@code layout} says. */
    public static CohortReport of(
            ReportLayout layout, Collection<CohortVisitSummary> visitSummaries, Collection<NormalizationCurve> curves) {
        Objects.requireNonNull(layout, "layout");
        Set<String> present = new LinkedHashSet<>();
        Set<String> analytesPresent = new TreeSet<>();
        Set<String> visitsPresent = new LinkedHashSet<>();
        Map<String, Set<String>> unitsByAnalyte = new TreeMap<>();
        Map<Key, Map<String, Cell>> cells = new LinkedHashMap<>();
        Map<String, Integer> patients = new LinkedHashMap<>();
        for (CohortVisitSummary s : visitSummaries) {
            Optional<String> column = columnOf(layout, s.getArm(), s.getStratumLabel(), s.getStratumValue());
            if (column.isEmpty()) {
                continue;
            }
            present.add(column.get());
            analytesPresent.add(s.getAnalyte());
            visitsPresent.add(s.getVisit());
            unitsByAnalyte.computeIfAbsent(s.getAnalyte(), a -> new TreeSet<>()).add(s.getUnit());
            Cell cell = new Cell(s.getN(), s.getNMissing(), s.getNImputed(), s.getMedian(), s.getQ1(), s.getQ3());
            cells.computeIfAbsent(new Key(column.get(), s.getAnalyte()), k -> new LinkedHashMap<>())
                    .put(s.getVisit(), cell);
            patients.merge(column.get(), cell.total(), Math::max);
        }
        Map<Key, Normalization> normalizations = new LinkedHashMap<>();
        Map<Key, LogRankTest> tests = new LinkedHashMap<>();
        for (NormalizationCurve c : curves) {
            Optional<String> column = columnOf(layout, c.getArm(), c.getStratumLabel(), c.getStratumValue());
            if (column.isEmpty()) {
                continue;
            }
            present.add(column.get());
            analytesPresent.add(c.getAnalyte());
            Key key = new Key(column.get(), c.getAnalyte());
            normalizations.put(
                    key,
                    new Normalization(
                            c.getAtRisk(), c.getEvents(), c.getMedianDays(), c.getMedianLower(), c.getMedianUpper()));
            if (c.getLogRank() != null) {
                tests.put(key, c.getLogRank());
            }
        }
        List<Column> columns = new ArrayList<>();
        for (String key : order(layout, present)) {
            columns.add(new Column(key, heading(layout, key), patients.getOrDefault(key, 0)));
        }
        List<String> analytes = ordered(layout.analytes(), analytesPresent);
        List<String> visits = ordered(layout.visits(), visitsPresent);
        Map<String, String> units = new LinkedHashMap<>();
        unitsByAnalyte.forEach((analyte, set) -> units.put(analyte, String.join(", ", set)));
        return new CohortReport(
                layout,
                columns,
                analytes,
                visits,
                units,
                cells,
                normalizations,
                comparisons(layout, columns, analytes, tests));
    }

    /** The column a record of this stratum belongs in, empty when the layout does not show that stratum. */
    private static Optional<String> columnOf(ReportLayout layout, String arm, String label, String value) {
        boolean all = Blinding.ALL.equals(arm);
        return switch (layout.kind()) {
            case ARMS -> label != null || (all && !layout.total()) ? Optional.empty() : Optional.of(arm);
            case STRATA -> {
                if (!all) {
                    yield Optional.empty();
                }
                if (label == null) {
                    yield layout.total() ? Optional.of(Blinding.ALL) : Optional.empty();
                }
                yield label.equals(layout.stratum()) ? Optional.of(value) : Optional.empty();
            }
            case BEFORE_AFTER -> all && label == null ? Optional.of(Blinding.ALL) : Optional.empty();
        };
    }

    private static List<String> order(ReportLayout layout, Set<String> present) {
        List<String> order = new ArrayList<>();
        if (!(layout.kind() == ProtocolFile.Layout.ARMS && layout.blinded())) {
            layout.columnOrder().stream().filter(present::contains).forEach(order::add);
        }
        new TreeSet<>(present)
                .stream()
                        .filter(c -> !order.contains(c) && !Blinding.ALL.equals(c))
                        .forEach(order::add);
        if (present.contains(Blinding.ALL)) {
            order.add(Blinding.ALL);
        }
        return order;
    }

    private static String heading(ReportLayout layout, String key) {
        if (Blinding.ALL.equals(key)) {
            return layout.kind() == ProtocolFile.Layout.BEFORE_AFTER ? "All patients" : ReportLayout.TOTAL;
        }
        return layout.heading(key);
    }

    private static List<String> ordered(List<String> first, Collection<String> present) {
        List<String> out = new ArrayList<>();
        first.stream().filter(present::contains).distinct().forEach(out::add);
        present.stream().filter(p -> !out.contains(p)).forEach(out::add);
        return out;
    }

    /**
     * The distinct tests the columns' curves carry, per analyte. A test between the table's columns (the arms of an
     * arms table) is said once; a test between arms inside one column (a strata table's value) names that column.
     */
    private static Map<String, List<Comparison>> comparisons(
            ReportLayout layout, List<Column> columns, List<String> analytes, Map<Key, LogRankTest> tests) {
        Map<String, String> headings = new LinkedHashMap<>();
        columns.forEach(c -> headings.put(c.key(), c.heading()));
        Map<String, List<Comparison>> out = new LinkedHashMap<>();
        for (String analyte : analytes) {
            List<Comparison> list = new ArrayList<>();
            for (Column column : columns) {
                LogRankTest t = tests.get(new Key(column.key(), analyte));
                if (t == null) {
                    continue;
                }
                boolean betweenColumns = headings.keySet().containsAll(t.getArms());
                Comparison comparison = new Comparison(
                        betweenColumns ? null : column.heading(),
                        t.getArms().stream()
                                .map(a -> betweenColumns ? headings.get(a) : a)
                                .toList(),
                        t.getChiSquare(),
                        t.getDegreesOfFreedom(),
                        t.getPValue());
                if (!list.contains(comparison)) {
                    list.add(comparison);
                }
            }
            out.put(analyte, List.copyOf(list));
        }
        return out;
    }

    public ReportLayout layout() {
        return layout;
    }

    /** The columns in the order the table shows them. */
    public List<Column> columns() {
        return columns;
    }

    /** The column with this key (arm as shown, strata value, or {@code ALL}). */
    public Optional<Column> column(String key) {
        return columns.stream().filter(c -> c.key().equals(key)).findFirst();
    }

    /** Analytes with records, the protocol's first. */
    public List<String> analytes() {
        return analytes;
    }

    /** Visits with records, in the protocol's order. */
    public List<String> visits() {
        return visits;
    }

    /** The canonical unit of an analyte's values; several are joined by a comma. */
    public Optional<String> unit(String analyte) {
        return Optional.ofNullable(units.get(analyte));
    }

    /** The reference interval the protocol judged the analyte by, as text. */
    public Optional<String> range(String analyte) {
        return Optional.ofNullable(layout.ranges().get(analyte)).filter(r -> !r.isBlank());
    }

    public Optional<Cell> cell(String column, String analyte, String visit) {
        return Optional.ofNullable(cells.get(new Key(column, analyte))).map(byVisit -> byVisit.get(visit));
    }

    public Optional<Normalization> normalization(String column, String analyte) {
        return Optional.ofNullable(normalizations.get(new Key(column, analyte)));
    }

    /** The log-rank tests of an analyte's time to normalization; empty when the pipeline computed none. */
    public List<Comparison> comparisons(String analyte) {
        return comparisons.getOrDefault(analyte, List.of());
    }

    /** Whether the table has any cell at all. */
    public boolean isEmpty() {
        return columns.isEmpty();
    }

    /** Decimals that suit an analyte's magnitude: 0 from 100 up, 1 from 10 up, else 2. */
    int decimals(String analyte) {
        double largest = 0;
        for (Column column : columns) {
            Map<String, Cell> byVisit = cells.get(new Key(column.key(), analyte));
            if (byVisit != null) {
                for (Cell cell : byVisit.values()) {
                    if (cell.median() != null) {
                        largest = Math.max(largest, Math.abs(cell.median()));
                    }
                }
            }
        }
        return largest >= 100 ? 0 : largest >= 10 ? 1 : 2;
    }
}
