package org.biomarkerstreams.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.LoincMapping;
import org.biomarkerstreams.domain.PlausibilityBounds;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.domain.UnitSpelling;

/**
 * A site profile file as Jackson binds it. Each record checks its own fields as it is built; {@link #profile} checks
 * what spans sections (codes against analytes, units against UCUM and the file's own spellings) and builds the
 * profile. Every mistake is a {@link FieldError} naming the field, so the message can say on which line it is.
 *
 * @param analytes the analytes, in the order they are listed (the order of the dashboard and the tables)
 * @param codes LOINC and local codes and the analyte (and D-dimer assay type) each means
 * @param unitSpellings the site's own unit spellings: text as sent to a unit the converter reads
 * @param labs reference intervals of particular labs, which replace the analytes' own for readings from that lab
 */
record SiteProfileDocument(
        List<Analyte> analytes, List<Code> codes, Map<String, String> unitSpellings, List<Lab> labs) {

    SiteProfileDocument {
        if (analytes == null || analytes.isEmpty()) {
            throw new FieldError("analytes", "expected a list of analytes ({paramcd, name, unit, plausible, ...})");
        }
        analytes = List.copyOf(analytes);
        codes = codes == null ? List.of() : List.copyOf(codes);
        unitSpellings = unitSpellings == null ? Map.of() : new LinkedHashMap<>(unitSpellings);
        labs = labs == null ? List.of() : List.copyOf(labs);
    }

    /**
     * One analyte.
     *
     * @param paramcd the short code readings name it by ({@code CRP})
     * @param name a human-readable name, used in messages ("below any D-dimer assay's detection limit")
     * @param unit the canonical unit, UCUM or a spelling the converter reads; stored as UCUM
     * @param role {@code primary} (the default) or {@code component}
     * @param referenceInterval {@code "<10"}, or per assay type {@code {FEU: "<500", DDU: "<243"}}; none when absent
     * @param plausible the plausibility bounds in the canonical unit
     */
    record Analyte(
            String paramcd, String name, String unit, String role, Object referenceInterval, Plausible plausible) {
        // Required fields are checked when the profile is built, not here: a misspelt key is then reported as
        // unknown, rather than as the field it was meant to be missing.
        Analyte {
            paramcd = paramcd == null ? null : paramcd.strip().toUpperCase(Locale.ROOT);
            role(role);
            ReferenceIntervals.written(String.valueOf(paramcd), referenceInterval, "referenceInterval");
        }

        /** @throws FieldError for a required field that is absent */
        void requireFields() {
            Check.required(paramcd, "paramcd");
            Check.required(name, "name");
            Check.required(unit, "unit");
            if (plausible == null) {
                throw new FieldError("plausible", "is required: {min, max} in the canonical unit");
            }
            plausible.requireFields();
        }

        AnalyteDefinition definition(String canonicalUnit) {
            return new AnalyteDefinition(
                    paramcd,
                    name,
                    canonicalUnit,
                    role(role),
                    ReferenceIntervals.written(paramcd, referenceInterval, "referenceInterval"),
                    plausible.bounds());
        }

        private static AnalyteRole role(String text) {
            if (text == null) {
                return AnalyteRole.PRIMARY;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "primary" -> AnalyteRole.PRIMARY;
                case "component" -> AnalyteRole.COMPONENT;
                default ->
                    throw new FieldError(
                            "role",
                            "expected primary (trended, summarized, time to normalization) or component (only feeds a"
                                    + " derived analyte), got '" + text + "'");
            };
        }
    }

    /**
     * Plausibility bounds as written.
     *
     * @param min the smallest plausible measured value
     * @param max the largest plausible value
     * @param lowerLimit {@code physiological} (the default) or {@code detection-limit}: {@code min} is below every
     *     assay's detection limit, so a censored {@code "<x"} below it is still accepted
     */
    record Plausible(Double min, Double max, String lowerLimit) {
        Plausible {
            if (min != null && max != null) {
                bounds(min, max, lowerLimit);
            } else {
                lowerLimit(lowerLimit);
            }
        }

        void requireFields() {
            if (min == null) {
                throw new FieldError("min", "is required");
            }
            if (max == null) {
                throw new FieldError("max", "is required");
            }
        }

        PlausibilityBounds bounds() {
            return bounds(min, max, lowerLimit);
        }

        private static PlausibilityBounds bounds(double min, double max, String lowerLimit) {
            PlausibilityBounds.LowerLimit kind = lowerLimit(lowerLimit);
            if (min > max) {
                throw new FieldError("min", "is above max " + max);
            }
            if (kind == PlausibilityBounds.LowerLimit.DETECTION_LIMIT && min <= 0) {
                throw new FieldError("min", "a detection limit is above 0, got " + min);
            }
            return new PlausibilityBounds(min, max, kind);
        }

        private static PlausibilityBounds.LowerLimit lowerLimit(String text) {
            if (text == null) {
                return PlausibilityBounds.LowerLimit.PHYSIOLOGICAL;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "physiological" -> PlausibilityBounds.LowerLimit.PHYSIOLOGICAL;
                case "detection-limit", "detection_limit" -> PlausibilityBounds.LowerLimit.DETECTION_LIMIT;
                default ->
                    throw new FieldError(
                            "lowerLimit",
                            "expected physiological or detection-limit (below every assay's), got '" + text + "'");
            };
        }
    }

    /**
     * What a LOINC or local code means.
     *
     * @param code the code as it arrives (OBX-3, the reading's {@code loinc}); a number must be quoted
     * @param analyte the analyte's {@code paramcd}
     * @param assay {@code FEU} or {@code DDU} for a D-dimer code, absent otherwise
     */
    record Code(Object code, String analyte, String assay) {
        Code {
            if (code instanceof Number number) {
                throw new FieldError(
                        "code",
                        "write the code " + number + " in quotes (\"" + number + "\"): YAML reads it as a number");
            }
            if (code != null && !(code instanceof String)) {
                throw new FieldError("code", "expected a single value: the LOINC or local code as it arrives");
            }
            analyte = analyte == null ? null : analyte.strip().toUpperCase(Locale.ROOT);
            assayType(assay);
        }

        /** @throws FieldError for a required field that is absent */
        LoincMapping mapping() {
            if (!(code instanceof String text) || text.isBlank()) {
                throw new FieldError("code", "is required: the LOINC or local code as it arrives");
            }
            Check.required(analyte, "analyte");
            return new LoincMapping(text, analyte, assayType(assay));
        }

        private static AssayType assayType(String text) {
            if (text == null) {
                return AssayType.NONE;
            }
            return switch (text.strip().toUpperCase(Locale.ROOT)) {
                case "FEU" -> AssayType.FEU;
                case "DDU" -> AssayType.DDU;
                default -> throw new FieldError("assay", "expected FEU or DDU, got '" + text + "'");
            };
        }
    }

    /**
     * One lab's reference intervals.
     *
     * @param source the lab as readings name it in their {@code source}: {@code hl7:<MSH-4 sending facility>} for
     *     HL7 results; matched ignoring case and surrounding blanks
     * @param referenceIntervals per analyte, as a protocol's: {@code CRP: "<5"}, {@code DDIMER: {FEU: "<550"}}
     */
    record Lab(String source, Map<String, Object> referenceIntervals) {
        Lab {
            source = source == null ? null : source.strip();
            referenceIntervals = referenceIntervals == null ? Map.of() : new LinkedHashMap<>(referenceIntervals);
        }

        /**
         * {@code profile} with this lab's intervals added.
         *
         * @throws FieldError for a missing source or intervals, an analyte not in {@code byCode}, or an interval that is
         *     not one or does not fit its analyte's assay typing
         */
        SiteProfile applyTo(SiteProfile profile, Map<String, AnalyteDefinition> byCode) {
            Check.required(source, "source");
            // A bare facility name would never match (HL7 sources are hl7:<facility>) and fail silently.
            if (!source.matches("(?i)ndjson|hl7|[^:\\s]+:\\S.*")) {
                throw new FieldError(
                        "source",
                        "'" + source + "' is not a reading source: HL7 results from sending facility " + source
                                + " have the source hl7:" + source + "; file readings (NDJSON, CSV) have ndjson");
            }
            if (referenceIntervals.isEmpty()) {
                throw new FieldError(
                        "referenceIntervals", "is required: this lab's intervals by analyte, e.g. {CRP: \"<5\"}");
            }
            SiteProfile applied = profile;
            Set<String> seen = new HashSet<>();
            for (Map.Entry<String, Object> entry : referenceIntervals.entrySet()) {
                String at = FieldPath.join("referenceIntervals", entry.getKey());
                String paramcd = entry.getKey().strip().toUpperCase(Locale.ROOT);
                AnalyteDefinition analyte = byCode.get(paramcd);
                if (analyte == null) {
                    throw new FieldError(at, "'" + entry.getKey() + "' is not one of the analytes " + byCode.keySet());
                }
                if (!seen.add(paramcd)) {
                    throw new FieldError(at, "'" + paramcd + "' is listed twice");
                }
                Object written = entry.getValue();
                if (written == null) {
                    throw new FieldError(at, "expected an interval like \"<10\", \">300\" or \"1.1-3.2\"");
                }
                if (analyte.requiresAssayType() != (written instanceof Map<?, ?>)) {
                    throw new FieldError(
                            at,
                            analyte.requiresAssayType()
                                    ? paramcd + " has intervals per assay type, so this lab's are too, e.g. {FEU:"
                                            + " \"<550\"}: FEU and DDU are never converted into each other"
                                    : paramcd + " has one interval, not one per assay type: write it like \"<5\"");
                }
                Map<AssayType, ReferenceInterval> intervals = ReferenceIntervals.written(paramcd, written, at);
                for (Map.Entry<AssayType, ReferenceInterval> interval : intervals.entrySet()) {
                    applied = applied.withLabInterval(source, paramcd, interval.getKey(), interval.getValue());
                }
            }
            return applied;
        }
    }

    /** The profile; units are read by {@code converter} with this file's own spellings added. */
    SiteProfile profile(UnitConverter converter) {
        Map<String, String> spellings = spellings(converter);
        UnitConverter site = converter.withSpellings(spellings);
        List<AnalyteDefinition> definitions = new ArrayList<>();
        Map<String, AnalyteDefinition> byCode = new LinkedHashMap<>();
        for (int i = 0; i < analytes.size(); i++) {
            String at = FieldPath.index("analytes", i);
            Analyte analyte = analytes.get(i);
            AnalyteDefinition definition = FieldError.within(at, () -> {
                analyte.requireFields();
                return analyte.definition(canonicalUnit(site, analyte.unit()));
            });
            if (byCode.containsKey(definition.paramcd())) {
                throw new FieldError(FieldPath.join(at, "paramcd"), "'" + definition.paramcd() + "' is listed twice");
            }
            byCode.put(definition.paramcd(), definition);
            definitions.add(definition);
        }
        List<LoincMapping> mappings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < codes.size(); i++) {
            String at = FieldPath.index("codes", i);
            Code code = codes.get(i);
            LoincMapping mapping = FieldError.within(at, code::mapping);
            if (!seen.add(mapping.loinc())) {
                throw new FieldError(FieldPath.join(at, "code"), "'" + mapping.loinc() + "' is listed twice");
            }
            AnalyteDefinition analyte = byCode.get(mapping.paramcd());
            if (analyte == null) {
                throw new FieldError(
                        FieldPath.join(at, "analyte"),
                        "'" + mapping.paramcd() + "' is not one of the analytes " + byCode.keySet());
            }
            if (analyte.requiresAssayType() && mapping.assayType() == AssayType.NONE) {
                throw new FieldError(
                        FieldPath.join(at, "assay"),
                        analyte.paramcd() + " has intervals per assay type, so each of its codes says FEU or DDU");
            }
            if (!analyte.requiresAssayType() && mapping.assayType() != AssayType.NONE) {
                throw new FieldError(
                        FieldPath.join(at, "assay"),
                        analyte.paramcd() + " has no intervals per assay type; only such an analyte (D-dimer) has"
                                + " FEU or DDU codes");
            }
            mappings.add(mapping);
        }
        SiteProfile profile = SiteProfile.of(definitions, mappings).withUnitSpellings(spellings);
        Map<String, String> labsSeen = new HashMap<>();
        for (int i = 0; i < labs.size(); i++) {
            String at = FieldPath.index("labs", i);
            Lab lab = labs.get(i);
            String first =
                    lab.source() == null ? null : labsSeen.putIfAbsent(AnalyteDefinition.labKey(lab.source()), at);
            if (first != null) {
                throw new FieldError(
                        FieldPath.join(at, "source"),
                        "'" + lab.source() + "' is listed twice (also " + first + "): give each lab one entry");
            }
            SiteProfile before = profile;
            profile = FieldError.within(at, () -> lab.applyTo(before, byCode));
        }
        return profile;
    }

    private Map<String, String> spellings(UnitConverter converter) {
        Map<String, String> checked = new LinkedHashMap<>();
        unitSpellings.forEach((text, unit) -> {
            String at = FieldPath.join("unitSpellings", text);
            if (text.isBlank()) {
                throw new FieldError(at, "a unit spelling needs the text as sent");
            }
            if (unit == null || unit.isBlank()) {
                throw new FieldError(at, "expected the unit '" + text + "' means, e.g. ug/L");
            }
            Result<UnitSpelling> read = converter.normalize(unit);
            if (!read.isOk()) {
                throw new FieldError(at, "'" + unit + "' is not a unit (UCUM or a spelling like mg/dL, x10^9/L)");
            }
            checked.put(text.strip(), unit.strip());
        });
        return checked;
    }

    private static String canonicalUnit(UnitConverter converter, String unit) {
        Result<UnitSpelling> read = converter.normalize(unit);
        if (!read.isOk()) {
            throw new FieldError("unit", "'" + unit + "' is not a unit (UCUM or a spelling like mg/dL, x10^9/L)");
        }
        if (read.value().annotatedAssay() != AssayType.NONE) {
            throw new FieldError(
                    "unit",
                    "a canonical unit carries no assay type ('" + unit + "'); give D-dimer intervals per assay type");
        }
        return read.value().ucum();
    }
}
