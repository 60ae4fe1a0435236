package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One cell of the seeds' tables: the patients of a stratum at one visit, {@code median [Q1-Q3]},
 * {@code mean (SD)}, {@code N (missing)}.
 *
 * @param n patients with a value at the visit, imputed ones included
 * @param nMissing patients of the stratum without a value at the visit
 * @param nImputed values carried forward
 * @param statistics of the n values
 */
public record VisitCell(int n, int nMissing, int nImputed, SampleStatistics statistics) {

    /**
     * The cell of these patients, with R's default type-7 quartiles: one entry per patient, null for a patient
     * missing the visit.
     */
    public static VisitCell of(Collection<VisitValue> perPatient) {
        return of(perPatient, QuantileType.TYPE_7);
    }

    /**
     * The cell of these patients, with quartiles of {@code type}: one entry per patient of the stratum, null for a
     * patient missing the visit (also one with no reading of the analyte at all).
     */
    public static VisitCell of(Collection<VisitValue> perPatient, QuantileType type) {
        List<Double> values = new ArrayList<>(perPatient.size());
        int missing = 0;
        int imputed = 0;
        for (VisitValue v : perPatient) {
            if (v == null) {
                missing++;
            } else {
                values.add(v.value());
                if (v.imputed()) {
                    imputed++;
                }
            }
        }
        return new VisitCell(values.size(), missing, imputed, SampleStatistics.of(values, type));
    }
}
