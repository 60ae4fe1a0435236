package org.biomarkerstreams.domain;

import java.util.Optional;

/**
 * The lab's own reference range as sent with a result (HL7 OBX-7, e.g. {@code 0-10} or {@code <243}),
 * expressed in the analyte's canonical unit so a reading can be classified against it instead of the
 * site profile's interval, when the site chooses "use the lab's own range".
 */
public final class LabReferenceRange {

    private LabReferenceRange() {}

    /**
     * The range in the canonical unit, or empty when there is none, it cannot be read, or its unit
     * does not convert (the caller then keeps the site profile's interval).
     *
     * @param unit the unit the result and its range were reported in
     */
    public static Optional<ReferenceInterval> inCanonicalUnit(
            String rangeText, String unit, AnalyteDefinition analyte, UnitConverter converter) {
        if (rangeText == null || rangeText.isBlank()) {
            return Optional.empty();
        }
        Result<ReferenceInterval> parsed = ReferenceInterval.parse(rangeText);
        if (!parsed.isOk()) {
            return Optional.empty();
        }
        ReferenceInterval range = parsed.value();
        String from = unit == null || unit.isBlank() ? analyte.canonicalUnit() : unit;
        Double low = null;
        Double high = null;
        if (range.low() != null) {
            Result<Double> converted = converter.convert(range.low(), from, analyte.canonicalUnit());
            if (!converted.isOk()) {
                return Optional.empty();
            }
            low = converted.value();
        }
        if (range.high() != null) {
            Result<Double> converted = converter.convert(range.high(), from, analyte.canonicalUnit());
            if (!converted.isOk()) {
                return Optional.empty();
            }
            high = converted.value();
        }
        return Optional.of(new ReferenceInterval(low, range.lowInclusive(), high, range.highInclusive()));
    }
}
