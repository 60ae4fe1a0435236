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
 * A site's analytes, LOINC map, canonical units, reference intervals, plausibility bounds and unit spellings. This is
 * configuration: {@link #defaults()} is the table of docs/semantics.md ("Analytes and canonical units"), which the
 * bundled site profile file ({@code site/default.yaml}, read by {@code protocol/SiteProfileFile}) repeats and a site's
 * own file replaces; protocols override intervals with {@link #withInterval}, and a lab's own intervals ({@link
 * #withLabInterval}) override both for readings from that lab. Immutable; every {@code with*} returns a new profile.
 */
public final class SiteProfile {

    private static final SiteProfile DEFAULTS = buildDefaults();

    private final Map<String, AnalyteDefinition> analytes; // insertion order is the stable order
    private final Map<String, LoincMapping> loincs;
    private final Map<String, String> unitSpellings;

    private SiteProfile(
            Map<String, AnalyteDefinition> analytes, Map<String, LoincMapping> loincs, Map<String, String> spellings) {
        this.analytes = Collections.unmodifiableMap(analytes);
        this.loincs = Collections.unmodifiableMap(loincs);
        this.unitSpellings = Collections.unmodifiableMap(new LinkedHashMap<>(spellings));
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
        return new SiteProfile(byCode, byLoinc, Map.of());
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
     * critically ill patients. Upper ends: CRP 1000 mg/L (reported maxima are ~600); IL-6 100000 pg/mL (cytokine
     * release syndrome reaches tens of thousands); lymphocytes and WBC 500 and 1000 ×10^9/L (hyperleukocytosis in
     * leukaemia); D-dimer 1,000,000 ng/mL (assays saturate far below, ~20–130 µg/mL FEU even after dilution); PCT
     * 1000 ng/mL (septic shock reaches hundreds); PaO2 and PaO2/FiO2 800 mmHg (at sea level the alveolar PO2 on
     * pure oxygen is at most ~713 mmHg, so 800 leaves room for rounding and hyperbaric settings while a kPa value
     * scaled twice falls outside); FiO2 1.0.
     *
     * <p>Lower ends of the assayed proteins are detection limits ({@link PlausibilityBounds.LowerLimit#DETECTION_LIMIT}),
     * set below the most sensitive assay in clinical use so that a measured value below them can only be a unit
     * error, while a censored {@code "<0.5"} stays accepted: CRP 0.01 mg/L (standard CRP assays detect 0.3–5 mg/L,
     * high-sensitivity ones ~0.1–0.3, the most sensitive ~0.02–0.05); IL-6 0.01 pg/mL (routine immunoassays ~1.5
     * pg/mL, high-sensitivity ELISA ~0.1, single-molecule arrays ~0.01–0.02); D-dimer 10 ng/mL, FEU or DDU
     * (quantitative assays detect ~45–190 ng/mL FEU, e.g. VIDAS Exclusion II from 45; DDU values are about half);
     * PCT 0.005 ng/mL (sensitive PCT assays detect ~0.02 ng/mL). Paper 000's D-dimer "0.89 µg/L FEU", ~890 ng/mL
     * written in the wrong unit, is 0.89 ng/mL and so below every assay's limit. The other lower ends are
     * physiological: lymphocytes and WBC 0 (counts of aplastic patients are 0.0), PaO2 and PaO2/FiO2 10 mmHg, FiO2
     * 0.21 (room air).
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
     * A profile whose analyte {@code paramcd} classifies results of {@code assay} from lab {@code source} (a reading's
     * {@code source}, e.g. {@code hl7:CENTRAL-LAB}) against {@code interval}, whatever its default interval is,
     * including a protocol's ({@link #withInterval}): a lab's interval describes the assay that produced the number.
     *
     * @throws IllegalArgumentException if the analyte is unknown, the assay type does not fit it, or the source is
     *     blank
     */
    public SiteProfile withLabInterval(String source, String paramcd, AssayType assay, ReferenceInterval interval) {
        AnalyteDefinition analyte = analyte(paramcd)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown analyte " + paramcd + " in the intervals of lab " + source));
        if (analyte.requiresAssayType() == (assay == AssayType.NONE)) {
            throw new IllegalArgumentException(analyte.paramcd() + " takes intervals of assay type "
                    + (analyte.requiresAssayType() ? "FEU or DDU" : "NONE") + ", not " + assay);
        }
        return withAnalyte(analyte.withLabInterval(source, assay, interval));
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
        return new SiteProfile(new LinkedHashMap<>(analytes), copy, unitSpellings);
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
        return new SiteProfile(copy, new LinkedHashMap<>(loincs), unitSpellings);
    }

    /**
     * The site's own unit spellings: text as sent (stripped, exact) to a unit {@link UnitConverter} reads. Which of
     * them are units at all, {@link UnitConverter#withSpellings} finds out when it reads them; the site profile file
     * checks each when it is loaded.
     */
    public Map<String, String> unitSpellings() {
        return unitSpellings;
    }

    /** A profile with these unit spellings added to (or replacing) its own, in this order. */
    public SiteProfile withUnitSpellings(Map<String, String> spellings) {
        Map<String, String> copy = new LinkedHashMap<>(unitSpellings);
        spellings.forEach((text, unit) -> {
            if (text == null || text.isBlank() || unit == null || unit.isBlank()) {
                throw new IllegalArgumentException(
                        "a unit spelling needs a text and a unit, got '" + text + "': '" + unit + "'");
            }
            copy.put(text.strip(), unit.strip());
        });
        return new SiteProfile(new LinkedHashMap<>(analytes), new LinkedHashMap<>(loincs), copy);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SiteProfile that
                && new ArrayList<>(analytes.values()).equals(new ArrayList<>(that.analytes.values()))
                && loincs.equals(that.loincs)
                && unitSpellings.equals(that.unitSpellings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(new ArrayList<>(analytes.values()), loincs, unitSpellings);
    }

    @Override
    public String toString() {
        return "SiteProfile" + analytes.keySet() + " with " + loincs.size() + " codes and " + unitSpellings.size()
                + " unit spellings";
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
                primary("CRP", "C-reactive protein", "mg/L", ReferenceInterval.below(10), detectable(0.01, 1000)),
                primary("IL6", "Interleukin-6", "pg/mL", ReferenceInterval.below(7), detectable(0.01, 100_000)),
                primary(
                        "LYMPH",
                        "Lymphocytes, absolute",
                        "10*9/L",
                        ReferenceInterval.between(1.1, 3.2),
                        new PlausibilityBounds(0, 500)),
                new AnalyteDefinition(
                        "DDIMER",
                        "D-dimer",
                        "ng/mL",
                        AnalyteRole.PRIMARY,
                        Map.of(
                                AssayType.DDU, ReferenceInterval.below(243),
                                AssayType.FEU, ReferenceInterval.below(500)),
                        detectable(10, 1_000_000)),
                primary(
                        "PFRATIO",
                        "PaO2/FiO2 ratio",
                        "mm[Hg]",
                        ReferenceInterval.above(300),
                        new PlausibilityBounds(10, 800)),
                primary("PCT", "Procalcitonin", "ng/mL", ReferenceInterval.below(0.05), detectable(0.005, 1000)),
                primary(
                        "WBC",
                        "Leukocytes",
                        "10*9/L",
                        ReferenceInterval.between(3.5, 9.5),
                        new PlausibilityBounds(0, 1000)),
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
            String paramcd, String name, String unit, ReferenceInterval interval, PlausibilityBounds bounds) {
        return new AnalyteDefinition(
                paramcd, name, unit, AnalyteRole.PRIMARY, Map.of(AssayType.NONE, interval), bounds);
    }

    private static PlausibilityBounds detectable(double detectionLimit, double max) {
        return PlausibilityBounds.detectable(detectionLimit, max);
    }
}
