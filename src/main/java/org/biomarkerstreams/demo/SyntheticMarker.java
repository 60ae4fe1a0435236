package org.biomarkerstreams.demo;

import java.util.Locale;
import java.util.SplittableRandom;

/** Kinetics and feed spelling of one marker of a {@link SyntheticCohort}; see the table in its Javadoc. */
enum SyntheticMarker {
    CRP("1988-5", 20, 90, 1, 5, 10, 2.0, 6, 0, 0, 0.12, 2, 3.5),
    IL6("26881-3", 15, 60, 1.5, 5, 7, 2, 5, 0, 0, 0.15, 2.5, 5),
    LYMPH("731-0", 0.4, 0.95, 1.5, 2.0, 1.1, 2.5, 6, 3, 9, 0.08, 0.4, 0.6),
    DDIMER("48065-7", 600, 3000, 200, 450, 500, 3.5, 7, 0, 0, 0.12, 2, 4),
    PFRATIO("50984-4", 120, 290, 360, 460, 300, 3, 6, 0, 0, 0.06, Double.NaN, Double.NaN);

    private static final double OTHER_UNIT = 0.20;

    final String loinc;
    final double baselineLow;
    final double baselineHigh;
    final double healthyLow;
    final double healthyHigh;
    final double limit;
    final double halfLifeMsc;
    final double halfLifeControl;
    final double lagMsc;
    final double lagControl;
    final double noise;
    final double worseLow;
    final double worseHigh;

    SyntheticMarker(
            String loinc,
            double baselineLow,
            double baselineHigh,
            double healthyLow,
            double healthyHigh,
            double limit,
            double halfLifeMsc,
            double halfLifeControl,
            double lagMsc,
            double lagControl,
            double noise,
            double worseLow,
            double worseHigh) {
        this.loinc = loinc;
        this.baselineLow = baselineLow;
        this.baselineHigh = baselineHigh;
        this.healthyLow = healthyLow;
        this.healthyHigh = healthyHigh;
        this.limit = limit;
        this.halfLifeMsc = halfLifeMsc;
        this.halfLifeControl = halfLifeControl;
        this.lagMsc = lagMsc;
        this.lagControl = lagControl;
        this.noise = noise;
        this.worseLow = worseLow;
        this.worseHigh = worseHigh;
    }

    /** Whether a value below the limit is the abnormal side (lymphocytes, P/F) rather than one above it. */
    boolean lowIsAbnormal() {
        return this == LYMPH || this == PFRATIO;
    }

    /** The value at its worst for a progressor with this baseline. */
    double worst(double baseline, SplittableRandom random) {
        if (this == PFRATIO) {
            return random.nextDouble(60, 100);
        }
        return baseline * random.nextDouble(worseLow, worseHigh);
    }

    /** Value text and unit as a lab would send them, from the value in the canonical unit. */
    String[] spell(double value, SplittableRandom random, boolean ddu) {
        boolean other = random.nextDouble() < OTHER_UNIT;
        if (this == DDIMER && ddu) {
            // DDU results never come as "mg/L FEU"; the other spelling is ug/L (= ng/mL).
            return other ? text(value, 0, "ug/L") : text(value, 0, "ng/mL");
        }
        return switch (this) {
            case CRP -> other ? text(value / 10, 2, "mg/dL") : text(value, 1, "mg/L");
            case IL6 -> text(value, 1, "pg/mL");
            case LYMPH -> other ? text(value * 1000, 0, "cells/uL") : text(value, 2, "10^9/L");
            case DDIMER -> other ? text(value / 1000, 2, "mg/L FEU") : text(value, 0, "ng/mL");
            case PFRATIO -> text(value, 0, "mmHg");
        };
    }

    private static String[] text(double value, int decimals, String unit) {
        return new String[] {String.format(Locale.ROOT, "%." + decimals + "f", value), unit};
    }
}
