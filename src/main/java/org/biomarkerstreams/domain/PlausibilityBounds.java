package org.biomarkerstreams.domain;

/**
 * The physiologically possible range of an analyte in its canonical unit, both ends inclusive. A value outside
 * is almost always a unit or keying error, so it is rejected rather than trended.
 *
 * @param min smallest plausible value
 * @param max largest plausible value
 */
public record PlausibilityBounds(double min, double max) {
    public PlausibilityBounds {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException("plausibility bounds need finite min <= max: " + min + ", " + max);
        }
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}
