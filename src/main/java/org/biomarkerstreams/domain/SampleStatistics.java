package org.biomarkerstreams.domain;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * The numbers of a "median [Q1–Q3]" and "mean (SD)" table cell, computed as R computes them: quantiles of one of
 * R's nine types ({@link QuantileType}; R's default, type 7, unless asked), SD with n − 1. An empty sample is allowed and yields NaN everywhere (R's NA), and the SD of a
 * single value is NaN, so callers can tell "no data" from 0.
 */
public final class SampleStatistics implements Quantiles {

    private final double[] sorted;
    private final QuantileType type;

    private SampleStatistics(double[] sorted, QuantileType type) {
        this.sorted = sorted;
        this.type = type;
    }

    /**
     * Statistics of these values (copied and sorted) with R's default type-7 quantiles.
     *
     * @throws IllegalArgumentException if a value is null or not finite
     */
    public static SampleStatistics of(Collection<Double> values) {
        return of(values, QuantileType.TYPE_7);
    }

    /**
     * Statistics of these values (copied and sorted) with quantiles of {@code type}.
     *
     * @throws IllegalArgumentException if a value is null or not finite
     */
    public static SampleStatistics of(Collection<Double> values, QuantileType type) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(type, "type");
        double[] copy = new double[values.size()];
        int i = 0;
        for (Double value : values) {
            if (value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("sample values must be finite numbers, got " + value);
            }
            copy[i++] = value;
        }
        Arrays.sort(copy);
        return new SampleStatistics(copy, type);
    }

    /**
     * R's type-7 quantile of an ascending sample: with {@code h = (n − 1)p}, {@code x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1]
     * − x[⌊h⌋])} (0-based). {@link QuantileType#quantile} for the other types.
     *
     * @throws IllegalArgumentException if the sample is empty or {@code p} is outside [0, 1]
     */
    public static double quantile(double[] sortedValues, double p) {
        return QuantileType.TYPE_7.quantile(sortedValues, p);
    }

    /** Mean of the first {@code n} values, NaN for none. */
    static double meanOfPrefix(double[] values, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += values[i];
        }
        double mean = sum / n;
        // One correction pass, as R's mean() does, to recover the digits lost by summing values of mixed magnitude.
        double residual = 0;
        for (int i = 0; i < n; i++) {
            residual += values[i] - mean;
        }
        return mean + residual / n;
    }

    /** Sample standard deviation (n − 1) of the first {@code n} values around their {@code mean}; NaN for n < 2. */
    static double sdOfPrefix(double[] values, int n, double mean) {
        if (n < 2) {
            return Double.NaN;
        }
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double d = values[i] - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / (n - 1));
    }

    public int n() {
        return sorted.length;
    }

    @Override
    public QuantileType quantileType() {
        return type;
    }

    /**
     * The quantile of {@link #quantileType()}, NaN for an empty sample.
     *
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    @Override
    public double quantile(double p) {
        QuantileType.checkProbability(p);
        return sorted.length == 0 ? Double.NaN : type.quantileOfPrefix(sorted, sorted.length, p);
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        return meanOfPrefix(sorted, sorted.length);
    }

    /** Sample standard deviation (n − 1); NaN for fewer than two values. */
    public double sd() {
        return sdOfPrefix(sorted, sorted.length, mean());
    }
}
