package org.biomarkerstreams.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.demo.CohortTable.ArmComparison;
import org.biomarkerstreams.demo.CohortTable.Cell;
import org.biomarkerstreams.demo.CohortTable.Layout;
import org.biomarkerstreams.demo.CohortTable.Normalization;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;
import org.biomarkerstreams.domain.SampleStatistics;

/**
 * The numbers of a {@link CohortTable}: the latest summary and time-to-normalization record per patient and analyte,
 * counted in the columns the layout puts each patient in, with the quartiles of every visit, the Kaplan–Meier
 * estimate of every column and the log-rank test between the columns.
 *
 * @param columns the columns in the order the table shows them
 * @param analytes the analytes asked for, without repeats
 * @param visits the visits asked for, without repeats
 * @param patientCounts patients with any record, by column
 * @param units the units of each analyte, joined by a comma
 * @param provisional time-to-normalization records that were still provisional
 */
record CohortTally(
        List<String> columns,
        List<String> analytes,
        List<String> visits,
        Map<String, Integer> patientCounts,
        Map<String, String> units,
        Map<Key, Map<String, Cell>> cells,
        Map<Key, Normalization> normalizations,
        Map<String, ArmComparison> comparisons,
        int provisional) {

    private static final double CI_LEVEL = 0.95;

    record Key(String column, String analyte) {}

    /** The tally of these records; records of other analytes are ignored. */
    static CohortTally of(
            Collection<BiomarkerSummary> summaries,
            Collection<TimeToNormalization> ttn,
            List<String> analytes,
            List<String> visits,
            Layout layout) {
        List<String> analyteOrder = List.copyOf(new LinkedHashSet<>(analytes));
        List<String> visitOrder = List.copyOf(new LinkedHashSet<>(visits));

        Set<String> columnSet = new TreeSet<>();
        Map<String, Set<String>> patientsByColumn = new TreeMap<>();
        Map<String, Set<String>> unitsByAnalyte = new LinkedHashMap<>();
        Map<Key, List<BiomarkerSummary>> summariesByKey = new LinkedHashMap<>();
        for (BiomarkerSummary summary :
                latest(summaries, BiomarkerSummary::getPatientId, BiomarkerSummary::getAnalyte, analyteOrder)) {
            unitsByAnalyte
                    .computeIfAbsent(summary.getAnalyte(), a -> new TreeSet<>())
                    .add(summary.getUnit());
            for (String column : layout.columnsOf(summary.getArm(), summary.getStrata())) {
                columnSet.add(column);
                patientsByColumn.computeIfAbsent(column, c -> new TreeSet<>()).add(summary.getPatientId());
                summariesByKey
                        .computeIfAbsent(new Key(column, summary.getAnalyte()), k -> new ArrayList<>())
                        .add(summary);
            }
        }
        Map<Key, List<KaplanMeier.Observation>> observations = new LinkedHashMap<>();
        int provisional = 0;
        for (TimeToNormalization record :
                latest(ttn, TimeToNormalization::getPatientId, TimeToNormalization::getAnalyte, analyteOrder)) {
            if (record.getProvisional()) {
                provisional++;
            }
            for (String column : layout.columnsOf(record.getArm(), record.getStrata())) {
                columnSet.add(column);
                patientsByColumn.computeIfAbsent(column, c -> new TreeSet<>()).add(record.getPatientId());
                List<KaplanMeier.Observation> list =
                        observations.computeIfAbsent(new Key(column, record.getAnalyte()), k -> new ArrayList<>());
                if (record.getAtRisk() && record.getAval() != null && record.getCnsr() != null) {
                    list.add(new KaplanMeier.Observation(Math.max(0, record.getAval()), record.getCnsr() == 0));
                }
            }
        }

        List<String> columnOrder = List.copyOf(layout.order(columnSet));
        Map<Key, Map<String, Cell>> cells = new LinkedHashMap<>();
        Map<Key, Normalization> normalizations = new LinkedHashMap<>();
        for (String column : columnOrder) {
            for (String analyte : analyteOrder) {
                Key key = new Key(column, analyte);
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
        Map<String, Integer> patientCounts = new LinkedHashMap<>();
        patientsByColumn.forEach((column, patients) -> patientCounts.put(column, patients.size()));
        Map<String, String> units = new LinkedHashMap<>();
        unitsByAnalyte.forEach((analyte, unitSet) -> units.put(analyte, String.join(", ", unitSet)));
        return new CohortTally(
                columnOrder,
                analyteOrder,
                visitOrder,
                patientCounts,
                units,
                cells,
                normalizations,
                comparisons(columnOrder, analyteOrder, observations),
                provisional);
    }

    /** The last record per patient and analyte, in the order the first of each came, for these analytes only. */
    private static <T> Collection<T> latest(
            Collection<T> records, Function<T, String> patient, Function<T, String> analyte, List<String> analytes) {
        Map<String, T> latest = new LinkedHashMap<>();
        for (T record : records) {
            if (analytes.contains(analyte.apply(record))) {
                latest.put(patient.apply(record) + "|" + analyte.apply(record), record);
            }
        }
        return latest.values();
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

    /**
     * Log-rank tests between the columns that are disjoint groups of their own: never a pooled column ({@code ALL},
     * the layout's {@value CohortTable#TOTAL}), which contains the others' patients and so is no group to compare
     * with them, and not the unassigned.
     */
    private static Map<String, ArmComparison> comparisons(
            List<String> columns, List<String> analytes, Map<Key, List<KaplanMeier.Observation>> observations) {
        Map<String, ArmComparison> comparisons = new LinkedHashMap<>();
        List<String> compared = columns.stream()
                .filter(column -> !Blinding.ALL.equals(column)
                        && !CohortTable.TOTAL.equals(column)
                        && !CohortTable.UNASSIGNED.equals(column))
                .toList();
        if (compared.size() >= 2) {
            for (String analyte : analytes) {
                List<List<KaplanMeier.Observation>> groups = compared.stream()
                        .map(column -> observations.getOrDefault(new Key(column, analyte), List.of()))
                        .toList();
                LogRank.test(groups).ifPresent(r -> comparisons.put(analyte, new ArmComparison(compared, r)));
            }
        }
        return comparisons;
    }

    int patients(String column) {
        return patientCounts.getOrDefault(column, 0);
    }

    Optional<String> unit(String analyte) {
        return Optional.ofNullable(units.get(analyte));
    }

    Optional<Cell> visit(String column, String analyte, String visit) {
        return Optional.ofNullable(cells.get(new Key(column, analyte))).map(byVisit -> byVisit.get(visit));
    }

    Optional<Normalization> normalization(String column, String analyte) {
        return Optional.ofNullable(normalizations.get(new Key(column, analyte)));
    }

    Optional<ArmComparison> comparison(String analyte) {
        return Optional.ofNullable(comparisons.get(analyte));
    }
}
