package org.biomarkerstreams.domain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a converted value against its analyte's {@link PlausibilityBounds} and, when it is outside, says which unit
 * the value was probably in. The usual mistake is a unit label off by a factor of 1000 (paper 000's D-dimer "0.89
 * µg/L FEU" is clearly ~890 ng/mL): if the value read in a unit 1000 (or 100) times larger or smaller than the one
 * sent would be plausible, the message names that unit, as it does for mg/dL sent as mg/L and kPa sent as mmHg. The suggestion is a hint
 * for the data manager; the reading is rejected either way ({@link ErrorCode#IMPLAUSIBLE_VALUE}), because the
 * pipeline cannot know which reading was right.
 */
final class PlausibilityCheck {

    /**
     * Units labs report these analytes in, as they write them: the units a mislabelled value may really have been
     * in. Only those whose factor to the sent unit is a likely slip are suggested ({@link #isLikelySlip}).
     */
    private static final List<String> SUSPECTS = List.of(
            "pg/mL", "ng/L", "ng/mL", "µg/L", "µg/mL", "mg/L", "mg/dL", "g/L", "×10^9/L", "×10^6/L", "/µL", "kPa",
            "mmHg", "%");

    private static final double TOLERANCE = 1e-9;

    private final UnitConverter converter;

    PlausibilityCheck(UnitConverter converter) {
        this.converter = Objects.requireNonNull(converter, "converter");
    }

    /**
     * The rejection of a value outside the bounds, empty if it is plausible. A censored value below the lower limit
     * ({@code <0.1}) is plausible (see {@link PlausibilityBounds#position}).
     *
     * @param reported the value as reported, in {@code unit}
     * @param unit the unit as sent (blank: the canonical unit {@code 1})
     * @param canonical the reported value converted to the analyte's canonical unit
     */
    Optional<Rejection> check(AnalyteDefinition analyte, ReportedValue reported, String unit, double canonical) {
        PlausibilityBounds bounds = analyte.bounds();
        PlausibilityBounds.Position position = bounds.position(canonical, reported.comparator());
        if (position == PlausibilityBounds.Position.WITHIN) {
            return Optional.empty();
        }
        String canonicalUnit = analyte.canonicalUnit();
        StringBuilder message = new StringBuilder(analyte.paramcd())
                .append(": ")
                .append(reported.comparator().prefix())
                .append(format(reported.value()));
        boolean unitMissing = unit == null || unit.isBlank();
        message.append(unitMissing ? " (no unit)" : " " + unit.strip());
        if (!unitMissing && !sameUnit(unit, canonicalUnit)) {
            message.append(" (").append(quantity(canonical, canonicalUnit)).append(')');
        }
        if (position == PlausibilityBounds.Position.BELOW && canonical < 0 && bounds.min() >= 0) {
            message.append(" is negative");
        } else if (position == PlausibilityBounds.Position.ABOVE) {
            message.append(" is above the highest plausible ")
                    .append(analyte.name())
                    .append(" (")
                    .append(quantity(bounds.max(), canonicalUnit))
                    .append(')');
        } else if (bounds.lowerLimit() == PlausibilityBounds.LowerLimit.DETECTION_LIMIT) {
            message.append(" is below any ")
                    .append(analyte.name())
                    .append(" assay's detection limit (")
                    .append(quantity(bounds.min(), canonicalUnit))
                    .append(')');
        } else {
            message.append(" is below the lowest possible ")
                    .append(analyte.name())
                    .append(" (")
                    .append(quantity(bounds.min(), canonicalUnit))
                    .append(')');
        }
        Set<String> likely = likelyUnits(bounds, unit, canonical);
        message.append(likely.isEmpty() ? "; check the value and its unit" : "; was it " + alternatives(likely) + "?");
        return Optional.of(new Rejection(ErrorCode.IMPLAUSIBLE_VALUE, message.toString()));
    }

    /** The suspect units in which the reported number would have been plausible. */
    private Set<String> likelyUnits(PlausibilityBounds bounds, String unit, double canonical) {
        Set<String> likely = new LinkedHashSet<>();
        Result<UnitSpelling> sent = converter.normalize(unit);
        if (!sent.isOk()) {
            return likely;
        }
        for (String suspect : SUSPECTS) {
            Result<UnitSpelling> spelling = converter.normalize(suspect);
            if (!spelling.isOk() || spelling.value().ucum().equals(sent.value().ucum())) {
                continue;
            }
            // The reading read in the suspect unit: the canonical value scaled by the suspect's size in sent units.
            Result<Double> factor = converter.factor(suspect, unit);
            if (factor.isOk()
                    && isLikelySlip(
                            factor.value(),
                            spelling.value().ucum(),
                            sent.value().ucum())
                    && bounds.contains(canonical * factor.value())) {
                likely.add(suspect);
            }
        }
        return likely;
    }

    /**
     * A factor of 1000 or 100 either way (a prefix slip: ng for µg, mg/L for g/L, a percentage for a fraction), 10
     * between per-decilitre and per-litre (CRP in mg/dL, as US labs report it, for mg/L), or kPa read as mmHg and
     * back (7.5), the blood-gas mistake.
     */
    private static boolean isLikelySlip(double factor, String suspect, String sent) {
        for (double slip : new double[] {1000, 0.001, 100, 0.01}) {
            if (isAbout(factor, slip)) {
                return true;
            }
        }
        if (suspect.endsWith("/dL") != sent.endsWith("/dL") && (isAbout(factor, 10) || isAbout(factor, 0.1))) {
            return true;
        }
        return (suspect.equals("kPa") && sent.equals("mm[Hg]")) || (suspect.equals("mm[Hg]") && sent.equals("kPa"));
    }

    private static boolean isAbout(double factor, double slip) {
        return Math.abs(factor / slip - 1) < TOLERANCE;
    }

    private boolean sameUnit(String unit, String canonicalUnit) {
        Result<UnitSpelling> spelling = converter.normalize(unit);
        return spelling.isOk() && spelling.value().ucum().equals(canonicalUnit);
    }

    private static String alternatives(Set<String> units) {
        List<String> list = List.copyOf(units);
        if (list.size() == 1) {
            return list.get(0);
        }
        return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
    }

    private static String quantity(double value, String unit) {
        return unit.equals("1") ? format(value) : format(value) + " " + unit;
    }

    /** Ten significant digits (hiding conversion noise like 0.8899999999999999), no exponent, no trailing zeros. */
    static String format(double value) {
        return new BigDecimal(value)
                .round(new MathContext(10))
                .stripTrailingZeros()
                .toPlainString();
    }
}
