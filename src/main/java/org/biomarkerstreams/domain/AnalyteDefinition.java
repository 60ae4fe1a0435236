package org.biomarkerstreams.domain;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One analyte of a site profile, in its canonical unit.
 *
 * @param paramcd the CDISC-style short code, upper case ({@code CRP}, {@code DDIMER}, ...)
 * @param name a human-readable name
 * @param canonicalUnit the UCUM unit every reading is converted to; {@code "1"} for a dimensionless fraction
 * @param role whether the trial is judged by it or it only feeds a derived analyte
 * @param intervals reference intervals by assay type: {@link AssayType#NONE} for ordinary analytes, {@link
 *     AssayType#FEU} and/or {@link AssayType#DDU} for D-dimer; may be empty (FiO2 has none)
 * @param bounds the physiologically plausible range in the canonical unit
 */
public record AnalyteDefinition(
        String paramcd,
        String name,
        String canonicalUnit,
        AnalyteRole role,
        Map<AssayType, ReferenceInterval> intervals,
        PlausibilityBounds bounds) {

    public AnalyteDefinition {
        Objects.requireNonNull(paramcd, "paramcd");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(canonicalUnit, "canonicalUnit");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(intervals, "intervals");
        Objects.requireNonNull(bounds, "bounds");
        if (paramcd.isBlank()) {
            throw new IllegalArgumentException("paramcd must not be blank");
        }
        paramcd = paramcd.strip().toUpperCase(Locale.ROOT);
        EnumMap<AssayType, ReferenceInterval> copy = new EnumMap<>(AssayType.class);
        copy.putAll(intervals);
        if (copy.containsKey(AssayType.NONE) && copy.size() > 1) {
            throw new IllegalArgumentException(
                    paramcd + ": an analyte has either one interval (NONE) or intervals per assay type (FEU/DDU)");
        }
        intervals = Map.copyOf(copy);
    }

    /** The interval a result of this assay type is classified against, if the profile has one. */
    public Optional<ReferenceInterval> interval(AssayType assay) {
        return Optional.ofNullable(intervals.get(assay));
    }

    /**
     * Whether a result needs an assay type (FEU/DDU) to be classified: true iff the intervals are keyed by assay
     * type, as D-dimer's are.
     */
    public boolean requiresAssayType() {
        return intervals.keySet().stream().anyMatch(assay -> assay != AssayType.NONE);
    }

    /** A copy with the interval of {@code assay} replaced or added. */
    public AnalyteDefinition withInterval(AssayType assay, ReferenceInterval interval) {
        Objects.requireNonNull(assay, "assay");
        Objects.requireNonNull(interval, "interval");
        EnumMap<AssayType, ReferenceInterval> copy = new EnumMap<>(AssayType.class);
        copy.putAll(intervals);
        copy.put(assay, interval);
        return new AnalyteDefinition(paramcd, name, canonicalUnit, role, copy, bounds);
    }

    /** A copy with other plausibility bounds. */
    public AnalyteDefinition withBounds(PlausibilityBounds newBounds) {
        return new AnalyteDefinition(paramcd, name, canonicalUnit, role, intervals, newBounds);
    }
}
