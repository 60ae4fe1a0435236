package org.biomarkerstreams.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;

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

        /** The columns a patient with this arm and these strata counts in. */
        List<String> columnsOf(String arm, Map<String, String> strata) {
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

        /** The columns present, in the order the table shows them. */
        List<String> order(Set<String> present) {
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

    private final Layout layout;
    private final CohortTally tally;

    private CohortTable(Layout layout, CohortTally tally) {
        this.layout = layout;
        this.tally = tally;
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
        return new CohortTable(layout, CohortTally.of(summaries, ttn, analytes, visits, layout));
    }

    private static String armOf(String arm) {
        return arm == null || arm.isBlank() ? UNASSIGNED : arm;
    }

    /** The layout the table was built with. */
    public Layout layout() {
        return layout;
    }

    /** The columns: arms (sorted, or in the layout's order), strata values, or {@code ALL}. */
    public List<String> arms() {
        return tally.columns();
    }

    /** Patients of an arm with any record in the table. */
    public int patients(String arm) {
        return tally.patients(arm);
    }

    /** The unit of an analyte as the summaries give it; several are joined by a comma. */
    public Optional<String> unit(String analyte) {
        return tally.unit(analyte);
    }

    /** The cell of an arm, analyte and visit; empty when one of them is not in the table. */
    public Optional<Cell> visit(String arm, String analyte, String visit) {
        return tally.visit(arm, analyte, visit);
    }

    /** Time to normalization of an arm and analyte; empty when either is not in the table. */
    public Optional<Normalization> normalization(String arm, String analyte) {
        return tally.normalization(arm, analyte);
    }

    /** The log-rank test of an analyte's time to normalization between the arm columns, when there are two or more. */
    public Optional<ArmComparison> comparison(String analyte) {
        return tally.comparison(analyte);
    }

    /** Time-to-normalization records that were still provisional. */
    public int provisionalRecords() {
        return tally.provisional();
    }

    /** Plain text: a header, then one block per analyte with the arms side by side. */
    public String render() {
        return new CohortTableText(layout, tally).render();
    }
}
