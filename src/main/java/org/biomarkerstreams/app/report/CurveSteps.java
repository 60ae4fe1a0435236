package org.biomarkerstreams.app.report;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.app.output.FlatRecord;
import org.biomarkerstreams.avro.CurveStep;
import org.biomarkerstreams.avro.NormalizationCurve;

/**
 * The Kaplan-Meier steps of {@code cohort-normalization-curves-steps.csv}, handed to the curves of {@code
 * cohort-normalization-curves.csv} in file order. A steps row names its curve by the curve's text fields (protocol,
 * arm, stratum, analyte) and its position from 1, so a curve's steps are a run of rows 1, 2, …; a change-log file holds
 * one run per record of a key, in the order of those records. A curve with patients at risk always has steps (they
 * partition those patients, the first step's at-risk count is the curve's) and one with none has none, which is what
 * ties each run to its record even where a key's records alternate between the two.
 */
final class CurveSteps {

    private static final List<String> IDENTITY = FlatRecord.identityColumnsOf(NormalizationCurve.getClassSchema());
    private static final String INDEX = FlatRecord.elementIndexColumn(CohortRecords.STEPS);

    private final Path file;
    private final Map<List<String>, Deque<Run>> runs;

    private record Run(int line, List<CurveStep> steps) {}

    private CurveSteps(Path file, Map<List<String>, Deque<Run>> runs) {
        this.file = file;
        this.runs = runs;
    }

    /**
     * @throws IllegalArgumentException naming the file, line and column that cannot be read, or a step out of order
     */
    static CurveSteps read(Path file) {
        Map<List<String>, Deque<Run>> runs = new HashMap<>();
        List<String> previousIdentity = null;
        int previousIndex = 0;
        for (CsvRows.Row row : CsvRows.read(file)) {
            List<String> identity = identity(file, row);
            int index = index(file, row);
            CurveStep step = CohortRecords.fromRow(file, row, CurveStep.class, CurveStep.getClassSchema());
            if (index == 1) {
                runs.computeIfAbsent(identity, k -> new ArrayDeque<>()).addLast(new Run(row.line(), new ArrayList<>()));
            } else if (!identity.equals(previousIdentity) || index != previousIndex + 1) {
                throw new IllegalArgumentException(file + ", line " + row.line() + ": column " + INDEX + " is " + index
                        + " but the row before is not step " + (index - 1) + " of the same curve");
            }
            runs.get(identity).getLast().steps().add(step);
            previousIdentity = identity;
            previousIndex = index;
        }
        return new CurveSteps(file, runs);
    }

    /** The steps of the curve of this row of {@code curvesFile}: the next run of its key, none without patients. */
    List<CurveStep> next(Path curvesFile, CsvRows.Row row, NormalizationCurve curve) {
        if (curve.getAtRisk() == 0) {
            return new ArrayList<>();
        }
        Deque<Run> queue = runs.get(identity(curvesFile, row));
        Run run = queue == null ? null : queue.pollFirst();
        if (run == null) {
            throw new IllegalArgumentException(curvesFile + ", line " + row.line() + ": the curve has "
                    + curve.getAtRisk() + " patients at risk but " + file + " has no (more) steps for it");
        }
        if (run.steps().get(0).getAtRisk() != curve.getAtRisk()) {
            throw new IllegalArgumentException(file + ", line " + run.line() + ": column atRisk is "
                    + run.steps().get(0).getAtRisk() + " but the curve of " + curvesFile + ", line " + row.line()
                    + " has " + curve.getAtRisk() + " patients at risk");
        }
        return run.steps();
    }

    /** @throws IllegalArgumentException when steps are left that no curve took */
    void requireAllTaken() {
        runs.values().stream().flatMap(Deque::stream).mapToInt(Run::line).min().ifPresent(line -> {
            throw new IllegalArgumentException(
                    file + ", line " + line + ": steps of a curve the curves file does not have");
        });
    }

    private static List<String> identity(Path file, CsvRows.Row row) {
        List<String> out = new ArrayList<>(IDENTITY.size());
        for (String column : IDENTITY) {
            String cell = row.cells().get(column);
            if (cell == null) {
                throw new IllegalArgumentException(
                        file + ", line " + row.line() + ": column " + column + " is missing");
            }
            out.add(cell);
        }
        return out;
    }

    private static int index(Path file, CsvRows.Row row) {
        String cell = row.cells().get(INDEX);
        if (cell == null) {
            throw new IllegalArgumentException(file + ", line " + row.line() + ": column " + INDEX + " is missing");
        }
        try {
            int index = Integer.parseInt(cell);
            if (index >= 1) {
                return index;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(
                file + ", line " + row.line() + ": column " + INDEX + ": expected a position from 1");
    }
}
