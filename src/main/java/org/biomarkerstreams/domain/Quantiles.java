package org.biomarkerstreams.domain;

/**
 * A sample's quantiles of one {@link QuantileType} (R's default type 7 unless the protocol chose another) and the
 * cells of a "median [Q1–Q3]" table built from them; NaN for an empty sample.
 */
public interface Quantiles {

    /** Which of the nine definitions {@link #quantile} computes. */
    QuantileType quantileType();

    /** The quantile at {@code p} in [0, 1], of this {@link #quantileType()}. */
    double quantile(double p);

    default double median() {
        return quantile(0.5);
    }

    default double q1() {
        return quantile(0.25);
    }

    default double q3() {
        return quantile(0.75);
    }
}
