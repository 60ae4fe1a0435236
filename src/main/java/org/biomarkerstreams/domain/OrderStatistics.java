package org.biomarkerstreams.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A changing multiset of numbers with the statistics of {@link SampleStatistics}: R's quantiles of one
 * {@link QuantileType} (type 7 unless asked), mean and SD
 * (n − 1), NaN where R gives NA (empty set; SD of one value). For a cohort cell that gains a value when a patient's
 * visit arrives and loses it when a correction replaces it.
 *
 * <p>The values are kept in one sorted array: {@link #add} and {@link #remove} binary-search their place and shift
 * the tail (a memory move, cheap for tens of thousands of values); quantiles are then read off in O(1). Mean and SD
 * are computed from the stored values, not from running sums, so adding and removing values never makes them drift;
 * they are cached until the next change. The results are exactly those of {@link SampleStatistics#of} on the same
 * values.
 *
 * <p>A value is a number: −0.0 is stored, found and removed as 0.0. Not thread-safe.
 */
public final class OrderStatistics implements Quantiles {

    private static final int INITIAL_CAPACITY = 16;

    private final QuantileType type;
    private double[] sorted = new double[INITIAL_CAPACITY];
    private int n;
    private double mean = Double.NaN;
    private double sd = Double.NaN;
    private boolean momentsValid = true;

    /** An empty set with R's default type-7 quantiles. */
    public OrderStatistics() {
        this(QuantileType.TYPE_7);
    }

    /** An empty set with quantiles of {@code type}. */
    public OrderStatistics(QuantileType type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * Adds one occurrence of a value.
     *
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    public void add(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("values must be finite numbers, got " + value);
        }
        double normalized = value + 0.0; // −0.0 + 0.0 is 0.0
        if (n == sorted.length) {
            sorted = Arrays.copyOf(sorted, sorted.length * 2);
        }
        int index = firstGreater(normalized);
        System.arraycopy(sorted, index, sorted, index + 1, n - index);
        sorted[index] = normalized;
        n++;
        momentsValid = false;
    }

    /**
     * Removes one occurrence of a value.
     *
     * @return false, changing nothing, if the value is not in the set (NaN and infinities never are)
     */
    public boolean remove(double value) {
        double normalized = value + 0.0;
        int index = firstAtLeast(normalized);
        if (index == n || sorted[index] != normalized) {
            return false;
        }
        System.arraycopy(sorted, index + 1, sorted, index, n - index - 1);
        n--;
        momentsValid = false;
        return true;
    }

    /** Number of values (counting repeats). */
    public int n() {
        return n;
    }

    @Override
    public QuantileType quantileType() {
        return type;
    }

    /**
     * The quantile of {@link #quantileType()} ({@link QuantileType#quantile}), NaN for an empty set.
     *
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    @Override
    public double quantile(double p) {
        QuantileType.checkProbability(p);
        return n == 0 ? Double.NaN : type.quantileOfPrefix(sorted, n, p);
    }

    public double min() {
        return n == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return n == 0 ? Double.NaN : sorted[n - 1];
    }

    public double mean() {
        computeMoments();
        return mean;
    }

    /** Sample standard deviation (n − 1); NaN for fewer than two values. */
    public double sd() {
        computeMoments();
        return sd;
    }

    /** The values in ascending order (a copy). */
    public double[] values() {
        return Arrays.copyOf(sorted, n);
    }

    private void computeMoments() {
        if (!momentsValid) {
            mean = SampleStatistics.meanOfPrefix(sorted, n);
            sd = SampleStatistics.sdOfPrefix(sorted, n, mean);
            momentsValid = true;
        }
    }

    /** Index of the first stored value ≥ {@code value}, or {@code n}. */
    private int firstAtLeast(double value) {
        int low = 0;
        int high = n;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Index of the first stored value > {@code value}, or {@code n}: inserting there shifts the fewest equals. */
    private int firstGreater(double value) {
        int low = 0;
        int high = n;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
