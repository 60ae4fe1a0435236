package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * The range of values an analyte can plausibly have in its canonical unit, both ends inclusive. A value outside is
 * almost always a unit or keying error (a µg/mL value labelled ng/mL is 1000 times too small), so it is rejected
 * rather than trended.
 *
 * <p>The lower end is one of two kinds ({@link LowerLimit}): a physiological one (FiO2 cannot be below room air's
 * 0.21, a count cannot be negative) or a detection limit, a value below the detection limit of every assay in use,
 * so that no lab can have measured it. A value reported as below a limit ({@code "<0.1"}) is a censored value, not a
 * measurement: below a detection limit it is plausible however low, because the true value really is that low.
 *
 * @param min smallest plausible measured value
 * @param max largest plausible value
 * @param lowerLimit what {@code min} stands for, which the rejection message says
 */
public record PlausibilityBounds(double min, double max, LowerLimit lowerLimit) {

    /** What the lower end of the bounds stands for. */
    public enum LowerLimit {
        /** Physiology (or arithmetic): no patient can have less. */
        PHYSIOLOGICAL,
        /** Below the detection limit of every assay: a lab would report {@code "<limit"}, not a number. */
        DETECTION_LIMIT
    }

    public PlausibilityBounds {
        Objects.requireNonNull(lowerLimit, "lowerLimit");
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("plausibility bounds need finite min <= max: " + min + ", " + max);
        }
        if (lowerLimit == LowerLimit.DETECTION_LIMIT && min <= 0) {
            throw new IllegalArgumentException("a detection limit is above 0, got " + min);
        }
    }

    /** Bounds whose lower end is physiological. */
    public PlausibilityBounds(double min, double max) {
        this(min, max, LowerLimit.PHYSIOLOGICAL);
    }

    /** Bounds whose lower end is below the detection limit of every assay of the analyte. */
    public static PlausibilityBounds detectable(double detectionLimit, double max) {
        return new PlausibilityBounds(detectionLimit, max, LowerLimit.DETECTION_LIMIT);
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }

    /**
     * Where a reported value lies. A censored {@code <} or {@code <=} value below a detection limit is {@code WITHIN}:
     * "below 0.1" is true of an undetectable true value. Below a physiological limit it is not ({@code <0.2} FiO2 is
     * no more possible than 0.2).
     */
    public Position position(double value, Comparator comparator) {
        if (value > max) {
            return Position.ABOVE;
        }
        boolean censored = comparator == Comparator.LT || comparator == Comparator.LE;
        if (value < min && !(censored && lowerLimit == LowerLimit.DETECTION_LIMIT)) {
            return Position.BELOW;
        }
        return Position.WITHIN;
    }

    /** Where a value lies relative to the bounds. */
    public enum Position {
        BELOW,
        WITHIN,
        ABOVE
    }
}
