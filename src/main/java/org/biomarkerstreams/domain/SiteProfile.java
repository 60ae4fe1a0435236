package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A site's analytes, LOINC map, canonical units, reference intervals and plausibility bounds. This is
 * configuration: {@link #defaults()} is the table of docs/semantics.md ("Analytes and canonical units"), and protocols or sites override it with {@link
 * #withInterval}, {@link #withLoinc} and {@link #withAnalyte}. Immutable; every {@code with*} returns a new
 * profile.
 */
public final class SiteProfile {

    private static final SiteProfile DEFAULTS = buildDefaults();

    private final Map<String, AnalyteDefinition> analytes; // insertion order is the stable order
    private final Map<String, LoincMapping> loincs;

    private SiteProfile(Map<String, AnalyteDefinition> analytes, Map<String, LoincMapping> loincs) {
        this.analytes = Collections.unmodifiableMap(analytes);
        this.loincs = Collections.unmodifiableMap(loincs);
    }

    /**
     * A profile of exactly these analytes (in this order) and mappings.
     *
     * @throws IllegalArgumentException on a duplicate analyte or LOINC code, a mapping to an unknown analyte, or
     *     a mapping whose assay type does not fit its analyte
     */
    public static SiteProfile of(Collection<AnalyteDefinition> analytes, Collection<LoincMapping> mappings) {
        Map<String, AnalyteDefinition> byCode = new LinkedHashMap<>();
        for (AnalyteDefinition analyte : analytes) {
            if (byCode.putIfAbsent(analyte.paramcd(), analyte) != null) {
                throw new IllegalArgumentException("duplicate analyte " + analyte.paramcd());
            }
        }
        Map<String, LoincMapping> byLoinc = new LinkedHashMap<>();
        for (LoincMapping mapping : mappings) {
            checkMapping(byCode, mapping);
            if (byLoinc.putIfAbsent(mapping.loinc(), mapping) != null) {
                throw new IllegalArgumentException("duplicate LOINC code " + mapping.loinc());
            }
        }
        return new SiteProfile(byCode, byLoinc);
    }

    /**
     * The table of docs/semantics.md, "Analytes and canonical units". Primary: CRP, IL6, LYMPH, DDIMER, PFRATIO, then the optional PCT and WBC; components:
     * PAO2 and FIO2 (paired to derive PFRATIO).
     *
     * <p>D-dimer has two intervals because FEU and DDU results are never converted into each other. DDU {@code
     * < 243 ng/mL} is seed 001's. FEU {@code < 500 ng/mL} is the cut-off most FEU assays print (and the one used
     * for VTE exclusion); it is roughly twice the DDU one because fibrinogen-equivalent units weigh about twice as
     * much, but the exact ratio is assay-dependent, which is why no factor is applied anywhere.
     *
     * <p>Plausibility bounds, in the canonical unit, reject unit and keying errors while keeping the extremes of
     * critically ill patients: CRP 0–1000 mg/L (reported maxima are ~600); IL-6 0–100000 pg/mL (cytokine release
     * syndrome reaches tens of thousands); lymphocytes and WBC 0–500 and 0–1000 ×10^9/L (hyperleukocytosis in
     * leukaemia); D-dimer 0–1,000,000 ng/mL (assays saturate far below); PCT 0–1000 ng/mL (septic shock reaches
     * hundreds); PaO2 10–800 mmHg and PaO2/FiO2 10–800 mmHg (at sea level the alveolar PO2 on pure oxygen is
     * at most ~713 mmHg, so 800 leaves room for rounding and hyperbaric settings while a kPa value scaled twice
     * falls outside); FiO2 0.21–1.0 (room air to pure oxygen).
     */
    public static SiteProfile defaults() {
        return DEFAULTS;
    }

    /** The analyte with this code, ignoring case and surrounding blanks. */
    public Optional<AnalyteDefinition> analyte(String paramcd) {
        if (paramcd == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(analytes.get(paramcd.strip().toUpperCase(Locale.ROOT)));
    }

    /** What this LOINC (or local) code means here; surrounding blanks are ignored, the code is otherwise exact. */
    public Optional<LoincMapping> byLoinc(String loinc) {
        if (loinc == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(loincs.get(loinc.strip()));
    }

    /** All analytes in a stable order: CRP, IL6, LYMPH, DDIMER, PFRATIO, then the rest as added. */
    public Collection<AnalyteDefinition> analytes() {
        return analytes.values();
    }

    /** The analytes the trial is judged by, in {@link #analytes()} order. */
    public List<AnalyteDefinition> primaryAnalytes() {
        return analytes.values().stream()
                .filter(analyte -> analyte.role() == AnalyteRole.PRIMARY)
                .toList();
    }

    /** Every LOINC mapping, in the order added. */
    public Collection<LoincMapping> loincMappings() {
        return loincs.values();
    }

    /**
     * A profile whose analyte {@code paramcd} classifies results of {@code assay} against {@code interval}
     * (protocol overrides, e.g. a stricter CRP cut-off).
     *
     * @throws IllegalArgumentException if the analyte is unknown or the assay type does not fit it (FEU/DDU for
     *     D-dimer, NONE otherwise)
     */
    public SiteProfile withInterval(String paramcd, AssayType assay, ReferenceInterval interval) {
        AnalyteDefinition analyte = analyte(paramcd)
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown analyte " + paramcd + " in interval override"));
        if (analyte.requiresAssayType() == (assay == AssayType.NONE)) {
            throw new IllegalArgumentException(analyte.paramcd() + " takes intervals of assay type "
                    + (analyte.requiresAssayType() ? "FEU or DDU" : "NONE") + ", not " + assay);
        }
        return withAnalyte(analyte.withInterval(assay, interval));
    }

    /**
     * A profile with this mapping added, or replacing the mapping of the same code (local codes, extra LOINCs).
     *
     * @throws IllegalArgumentException if the analyte is unknown or the assay type does not fit it
     */
    public SiteProfile withLoinc(LoincMapping mapping) {
        Objects.requireNonNull(mapping, "mapping");
        checkMapping(analytes, mapping);
        Map<String, LoincMapping> copy = new LinkedHashMap<>(loincs);
        copy.put(mapping.loinc(), mapping);
        return new SiteProfile(new LinkedHashMap<>(analytes), copy);
    }

    /**
     * A profile with this analyte added at the end, or replacing the one with the same code in place.
     *
     * @throws IllegalArgumentException if existing mappings to it no longer fit its assay typing
     */
    public SiteProfile withAnalyte(AnalyteDefinition analyte) {
        Objects.requireNonNull(analyte, "analyte");
        Map<String, AnalyteDefinition> copy = new LinkedHashMap<>(analytes);
        copy.put(analyte.paramcd(), analyte);
        for (LoincMapping mapping : loincs.values()) {
            checkMapping(copy, mapping);
        }
        return new SiteProfile(copy, new LinkedHashMap<>(loincs));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SiteProfile that
                && new ArrayList<>(analytes.values()).equals(new ArrayList<>(that.analytes.values()))
                && loincs.equals(that.loincs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(new ArrayList<>(analytes.values()), loincs);
    }

    @Override
    public String toString() {
        return "SiteProfile" + analytes.keySet() + " with " + loincs.size() + " codes";
    }

    private static void checkMapping(Map<String, AnalyteDefinition> analytes, LoincMapping mapping) {
        AnalyteDefinition analyte = analytes.get(mapping.paramcd());
        if (analyte == null) {
            throw new IllegalArgumentException(
                    "code " + mapping.loinc() + " maps to unknown analyte " + mapping.paramcd());
        }
        if (analyte.requiresAssayType() == (mapping.assayType() == AssayType.NONE)) {
            throw new IllegalArgumentException("code " + mapping.loinc() + " maps to " + analyte.paramcd()
                    + " with assay type " + mapping.assayType() + "; it needs "
                    + (analyte.requiresAssayType() ? "FEU or DDU" : "NONE"));
        }
    }

    private static SiteProfile buildDefaults() {
        List<AnalyteDefinition> analytes = List.of(
                primary("CRP", "C-reactive protein", "mg/L", ReferenceInterval.below(10), 0, 1000),
                primary("IL6", "Interleukin-6", "pg/mL", ReferenceInterval.below(7), 0, 100_000),
                primary("LYMPH", "Lymphocytes, absolute", "10*9/L", ReferenceInterval.between(1.1, 3.2), 0, 500),
                new AnalyteDefinition(
                        "DDIMER",
                        "D-dimer",
                        "ng/mL",
                        AnalyteRole.PRIMARY,
                        Map.of(
                                AssayType.DDU, ReferenceInterval.below(243),
                                AssayType.FEU, ReferenceInterval.below(500)),
                        new PlausibilityBounds(0, 1_000_000)),
                primary("PFRATIO", "PaO2/FiO2 ratio", "mm[Hg]", ReferenceInterval.above(300), 10, 800),
                primary("PCT", "Procalcitonin", "ng/mL", ReferenceInterval.below(0.05), 0, 1000),
                primary("WBC", "Leukocytes", "10*9/L", ReferenceInterval.between(3.5, 9.5), 0, 1000),
                new AnalyteDefinition(
                        "PAO2",
                        "Arterial partial pressure of oxygen",
                        "mm[Hg]",
                        AnalyteRole.COMPONENT,
                        Map.of(AssayType.NONE, ReferenceInterval.between(80, 100)),
                        new PlausibilityBounds(10, 800)),
                new AnalyteDefinition(
                        "FIO2",
                        "Inspired oxygen fraction",
                        "1",
                        AnalyteRole.COMPONENT,
                        Map.of(),
                        new PlausibilityBounds(0.21, 1.0)));
        List<LoincMapping> mappings = List.of(
                new LoincMapping("1988-5", "CRP", AssayType.NONE),
                new LoincMapping("30522-7", "CRP", AssayType.NONE),
                new LoincMapping("71426-1", "CRP", AssayType.NONE),
                new LoincMapping("26881-3", "IL6", AssayType.NONE),
                new LoincMapping("731-0", "LYMPH", AssayType.NONE),
                new LoincMapping("26474-7", "LYMPH", AssayType.NONE),
                new LoincMapping("732-8", "LYMPH", AssayType.NONE),
                new LoincMapping("30364-4", "LYMPH", AssayType.NONE),
                new LoincMapping("48065-7", "DDIMER", AssayType.FEU),
                new LoincMapping("48067-3", "DDIMER", AssayType.FEU),
                new LoincMapping("71427-9", "DDIMER", AssayType.FEU),
                new LoincMapping("48066-5", "DDIMER", AssayType.DDU),
                new LoincMapping("48058-2", "DDIMER", AssayType.DDU),
                new LoincMapping("91556-1", "DDIMER", AssayType.DDU),
                new LoincMapping("50984-4", "PFRATIO", AssayType.NONE),
                new LoincMapping("33959-8", "PCT", AssayType.NONE),
                new LoincMapping("6690-2", "WBC", AssayType.NONE),
                new LoincMapping("26464-8", "WBC", AssayType.NONE),
                new LoincMapping("2703-7", "PAO2", AssayType.NONE),
                new LoincMapping("3150-0", "FIO2", AssayType.NONE));
        return of(analytes, mappings);
    }

    private static AnalyteDefinition primary(
            String paramcd, String name, String unit, ReferenceInterval interval, double min, double max) {
        return new AnalyteDefinition(
                paramcd,
                name,
                unit,
                AnalyteRole.PRIMARY,
                Map.of(AssayType.NONE, interval),
                new PlausibilityBounds(min, max));
    }
}
