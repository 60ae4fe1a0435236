package org.biomarkerstreams.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * A reading's content after validation: which analyte, its value in the analyte's canonical unit, the reported
 * comparator and, for D-dimer, the assay type it must be classified by.
 *
 * @param analyte the analyte of the site profile
 * @param canonical the value in {@code analyte.canonicalUnit()}
 * @param comparator {@link Comparator#LT} for {@code "<0.5"}, etc.
 * @param assayType FEU or DDU for D-dimer, NONE otherwise
 */
public record NormalizedValue(
        AnalyteDefinition analyte, Quantity canonical, Comparator comparator, AssayType assayType) {
    public NormalizedValue {
        Objects.requireNonNull(analyte, "analyte");
        Objects.requireNonNull(canonical, "canonical");
        Objects.requireNonNull(comparator, "comparator");
        Objects.requireNonNull(assayType, "assayType");
        if (!canonical.unit().equals(analyte.canonicalUnit())) {
            throw new IllegalArgumentException("value of " + analyte.paramcd() + " must be in "
                    + analyte.canonicalUnit() + ", not " + canonical.unit());
        }
    }

    /** The interval of its own assay type; empty when the profile has none (FiO2). */
    public Optional<ReferenceInterval> interval() {
        return analyte.interval(assayType);
    }

    /**
     * LOW / NORMAL / HIGH against {@link #interval()}, by the reported number ({@code "<0.5"} is classified as
     * 0.5); empty without an interval.
     */
    public Optional<RangeIndicator> rangeIndicator() {
        return interval().map(interval -> interval.classify(canonical.value()));
    }

    /** The canonical number, for arithmetic. */
    public double value() {
        return canonical.value();
    }
}
