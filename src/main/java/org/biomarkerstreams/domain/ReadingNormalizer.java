package org.biomarkerstreams.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * Turns a raw reading's code, value and unit into a {@link NormalizedValue}: the single validator of a reading's
 * content, so every input path (HL7, NDJSON, CSV) rejects the same things with the same codes.
 */
public final class ReadingNormalizer {

    private final SiteProfile profile;
    private final UnitConverter converter;
    private final PlausibilityCheck plausibility;

    public ReadingNormalizer(SiteProfile profile, UnitConverter converter) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.converter = Objects.requireNonNull(converter, "converter");
        this.plausibility = new PlausibilityCheck(converter);
    }

    /**
     * Validates and converts one reading. Either code may be null; a LOINC code wins over the PARAMCD when both
     * are sent, and a LOINC code the profile does not know is rejected even if the PARAMCD is known, because the
     * code is what says which test (and which D-dimer assay) it was. Checks, first failure wins:
     *
     * <ol>
     *   <li>analyte: both codes blank → {@link ErrorCode#MISSING_FIELD}; unknown → {@link ErrorCode#UNKNOWN_ANALYTE};
     *   <li>value: {@link ReportedValue#parse} ({@code MISSING_FIELD}, {@code NON_NUMERIC}, {@code
     *       IMPLAUSIBLE_VALUE});
     *   <li>unit: blank → {@code MISSING_FIELD} unless the canonical unit is {@code "1"}; {@link
     *       ErrorCode#UNKNOWN_UNIT}; {@link ErrorCode#INCOMPATIBLE_UNIT};
     *   <li>assay type: a FEU/DDU annotation on the unit must agree with the LOINC code's assay type; D-dimer by
     *       PARAMCD alone needs one; other analytes must not carry one ({@code INCOMPATIBLE_UNIT});
     *   <li>the analyte's plausibility bounds, on the canonical value ({@code IMPLAUSIBLE_VALUE}, with a message that
     *       names the unit the value was probably in, see {@link PlausibilityCheck}); a value reported below a limit
     *       ({@code <0.1}) is censored, not measured, and is accepted below the lower bound.
     * </ol>
     */
    public Result<NormalizedValue> normalize(String loinc, String paramcd, String valueText, String unit) {
        Result<LoincMapping> code = resolve(loinc, paramcd);
        if (!code.isOk()) {
            return Result.rejected(code.rejection());
        }
        LoincMapping mapping = code.value();
        AnalyteDefinition analyte = profile.analyte(mapping.paramcd()).orElseThrow();
        Result<ReportedValue> reported = ReportedValue.parse(valueText);
        if (!reported.isOk()) {
            return Result.rejected(prefixed(analyte, reported.rejection()));
        }
        boolean unitMissing = unit == null || unit.isBlank();
        if (unitMissing && !analyte.canonicalUnit().equals("1")) {
            return Result.rejected(
                    ErrorCode.MISSING_FIELD,
                    analyte.paramcd() + ": unit is missing (expected a unit convertible to " + analyte.canonicalUnit()
                            + ")");
        }
        Result<UnitSpelling> spelling = converter.normalize(unit);
        if (!spelling.isOk()) {
            return Result.rejected(prefixed(analyte, spelling.rejection()));
        }
        Result<Double> canonical = converter.convert(reported.value().value(), unit, analyte.canonicalUnit());
        if (!canonical.isOk()) {
            return Result.rejected(prefixed(analyte, canonical.rejection()));
        }
        Result<AssayType> assay = assayType(analyte, mapping, spelling.value(), unit);
        if (!assay.isOk()) {
            return Result.rejected(assay.rejection());
        }
        double value = canonical.value();
        Optional<Rejection> implausible = plausibility.check(analyte, reported.value(), unit, value);
        if (implausible.isPresent()) {
            return Result.rejected(implausible.get());
        }
        return Result.ok(new NormalizedValue(
                analyte,
                new Quantity(value, analyte.canonicalUnit()),
                reported.value().comparator(),
                assay.value()));
    }

    /** The analyte a reading's codes name, as a mapping (assay type NONE when named by PARAMCD alone). */
    private Result<LoincMapping> resolve(String loinc, String paramcd) {
        if (loinc != null && !loinc.isBlank()) {
            return profile.byLoinc(loinc)
                    .<Result<LoincMapping>>map(Result::ok)
                    .orElseGet(() -> Result.rejected(
                            ErrorCode.UNKNOWN_ANALYTE,
                            "LOINC code '" + loinc.strip() + "' is not in the site profile"));
        }
        if (paramcd != null && !paramcd.isBlank()) {
            return profile.analyte(paramcd)
                    .<Result<LoincMapping>>map(analyte ->
                            Result.ok(new LoincMapping(analyte.paramcd(), analyte.paramcd(), AssayType.NONE)))
                    .orElseGet(() -> Result.rejected(
                            ErrorCode.UNKNOWN_ANALYTE, "analyte '" + paramcd.strip() + "' is not in the site profile"));
        }
        return Result.rejected(ErrorCode.MISSING_FIELD, "reading has neither a LOINC code nor an analyte code");
    }

    /** UCUM reads {FEU} as factor 1, so this guard is what keeps FEU and DDU results apart. */
    private static Result<AssayType> assayType(
            AnalyteDefinition analyte, LoincMapping mapping, UnitSpelling spelling, String unit) {
        AssayType fromCode = mapping.assayType();
        AssayType fromUnit = spelling.annotatedAssay();
        if (!analyte.requiresAssayType()) {
            return fromUnit == AssayType.NONE
                    ? Result.ok(AssayType.NONE)
                    : Result.rejected(
                            ErrorCode.INCOMPATIBLE_UNIT,
                            analyte.paramcd() + ": unit '" + unit + "' carries a " + fromUnit
                                    + " annotation, which only D-dimer results have");
        }
        if (fromCode == AssayType.NONE && fromUnit == AssayType.NONE) {
            return Result.rejected(
                    ErrorCode.INCOMPATIBLE_UNIT,
                    analyte.paramcd() + ": assay type is unknown; without a LOINC code the unit must say FEU or DDU"
                            + " (e.g. 'ng/mL FEU'), got '" + unit + "'");
        }
        if (fromCode != AssayType.NONE && fromUnit != AssayType.NONE && fromCode != fromUnit) {
            return Result.rejected(
                    ErrorCode.INCOMPATIBLE_UNIT,
                    analyte.paramcd() + ": unit '" + unit + "' says " + fromUnit + " but LOINC code " + mapping.loinc()
                            + " is a " + fromCode + " assay");
        }
        return Result.ok(fromCode != AssayType.NONE ? fromCode : fromUnit);
    }

    private static Rejection prefixed(AnalyteDefinition analyte, Rejection rejection) {
        return new Rejection(rejection.code(), analyte.paramcd() + ": " + rejection.message());
    }
}
