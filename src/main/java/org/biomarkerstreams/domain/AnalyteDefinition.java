package org.biomarkerstreams.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
 * @param labIntervals intervals of particular labs, by the {@link #labKey lab key} of the reading's {@code source}
 *     ({@code hl7:<sending facility>}), each by assay type like {@code intervals}; they replace {@code intervals} for
 *     readings from that lab (see {@link #interval(AssayType, String)})
 */
public record AnalyteDefinition(
        String paramcd,
        String name,
        String canonicalUnit,
        AnalyteRole role,
        Map<AssayType, ReferenceInterval> intervals,
        PlausibilityBounds bounds,
        Map<String, Map<AssayType, ReferenceInterval>> labIntervals) {

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
        Objects.requireNonNull(labIntervals, "labIntervals");
        Map<String, Map<AssayType, ReferenceInterval>> labs = new LinkedHashMap<>();
        for (Map.Entry<String, Map<AssayType, ReferenceInterval>> lab : labIntervals.entrySet()) {
            Map<AssayType, ReferenceInterval> byAssay = Map.copyOf(lab.getValue());
            boolean typed = copy.keySet().stream().anyMatch(assay -> assay != AssayType.NONE);
            if (byAssay.keySet().stream().anyMatch(assay -> (assay != AssayType.NONE) != typed)) {
                throw new IllegalArgumentException(paramcd + ": the intervals of lab " + lab.getKey()
                        + " are of assay type " + byAssay.keySet() + "; " + paramcd + " takes "
                        + (typed ? "FEU or DDU" : "NONE"));
            }
            if (!byAssay.isEmpty() && labs.put(labKey(lab.getKey()), byAssay) != null) {
                throw new IllegalArgumentException(paramcd + ": lab " + lab.getKey() + " is given twice");
            }
        }
        labIntervals = Collections.unmodifiableMap(labs);
    }

    /** An analyte with the same intervals for every lab. */
    public AnalyteDefinition(
            String paramcd,
            String name,
            String canonicalUnit,
            AnalyteRole role,
            Map<AssayType, ReferenceInterval> intervals,
            PlausibilityBounds bounds) {
        this(paramcd, name, canonicalUnit, role, intervals, bounds, Map.of());
    }

    /**
     * How a lab is named: a reading's {@code source} (or a site profile's lab) stripped and upper-cased, so that
     * {@code hl7:Central-Lab} in a file matches the sending facility {@code CENTRAL-LAB}; null stays null.
     */
    public static String labKey(String source) {
        return source == null ? null : source.strip().toUpperCase(Locale.ROOT);
    }

    /** The interval a result of this assay type is classified against, if the profile has one. */
    public Optional<ReferenceInterval> interval(AssayType assay) {
        return Optional.ofNullable(intervals.get(assay));
    }

    /**
     * The interval a result of this assay type from {@code source} is classified against: the interval of that lab
     * when it has one for this assay type (its assay is what produced the number), else {@link #interval(AssayType)}.
     *
     * @param source the reading's {@code source} ({@code hl7:<sending facility>}, {@code ndjson}); null for unknown
     */
    public Optional<ReferenceInterval> interval(AssayType assay, String source) {
        Map<AssayType, ReferenceInterval> lab = source == null ? null : labIntervals.get(labKey(source));
        if (lab != null && lab.containsKey(assay)) {
            return Optional.of(lab.get(assay));
        }
        return interval(assay);
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
        return new AnalyteDefinition(paramcd, name, canonicalUnit, role, copy, bounds, labIntervals);
    }

    /**
     * A copy in which results of {@code assay} from lab {@code source} are classified against {@code interval}
     * (replacing that lab's interval of this assay type, if any).
     *
     * @throws IllegalArgumentException if the assay type does not fit this analyte's intervals
     */
    public AnalyteDefinition withLabInterval(String source, AssayType assay, ReferenceInterval interval) {
        Objects.requireNonNull(assay, "assay");
        Objects.requireNonNull(interval, "interval");
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException(paramcd + ": a lab interval needs the lab's source");
        }
        Map<String, Map<AssayType, ReferenceInterval>> labs = new LinkedHashMap<>(labIntervals);
        EnumMap<AssayType, ReferenceInterval> byAssay = new EnumMap<>(AssayType.class);
        byAssay.putAll(labs.getOrDefault(labKey(source), Map.of()));
        byAssay.put(assay, interval);
        labs.put(labKey(source), byAssay);
        return new AnalyteDefinition(paramcd, name, canonicalUnit, role, intervals, bounds, labs);
    }

    /** A copy with other plausibility bounds. */
    public AnalyteDefinition withBounds(PlausibilityBounds newBounds) {
        return new AnalyteDefinition(paramcd, name, canonicalUnit, role, intervals, newBounds, labIntervals);
    }
}
