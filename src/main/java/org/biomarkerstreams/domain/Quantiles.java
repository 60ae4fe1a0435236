package org.biomarkerstreams.domain;

/**
 * A sample's R type-7 quantiles and the cells of a "median [Q1–Q3]" table built from them; NaN for
 * an empty sample.
 */
public interface Quantiles {

    /** The type-7 quantile at {@code p} in [0, 1]. */
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
