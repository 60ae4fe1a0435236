package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * The nine sample-quantile definitions of Hyndman and Fan (1996), numbered as R's {@code quantile(type = )}: which
 * one a trial's software used decides the quartiles it printed (R and S-PLUS: 7; SAS's default PCTLDEF=5: 2;
 * Stata, SPSS and Minitab: 6).
 *
 * <p>With the sample sorted, {@code x(1) ≤ … ≤ x(n)} (1-based), and {@code x(0) = x(1)}, {@code x(n+1) = x(n)}:
 *
 * <ul>
 *   <li>Types 1–3 are step functions of {@code p}. With {@code np + m = j + g} ({@code j} integer, {@code 0 ≤ g <
 *       1}; {@code m = 0} for types 1 and 2, {@code −1/2} for type 3): type 1, the inverse of the empirical
 *       distribution function, is {@code x(j)} when {@code g = 0} and {@code x(j+1)} otherwise; type 2 averages
 *       {@code x(j)} and {@code x(j+1)} when {@code g = 0}; type 3 takes the nearest order statistic, the even
 *       one on a tie.
 *   <li>Types 4–9 interpolate linearly: with {@code np + m = a + p(n + 1 − a − b) = j + g}, {@code (1 − g) x(j) +
 *       g x(j+1)}, where {@code (a, b)} is (0, 1) for type 4, (½, ½) for 5, (0, 0) for 6, (1, 1) for 7, (⅓, ⅓)
 *       for 8 and (⅜, ⅜) for 9.
 * </ul>
 *
 * <p>These are the formulas of R's {@code quantile.default}, computed in the same order, so types 4–9 give R's
 * numbers to the last bit. {@code np} of a whole number computed in floating point can land just beside it
 * ({@code 0.7 × 10 = 7.000000000000001}), which would flip a step function to the next order statistic: like R's
 * {@code fuzz = 4 * .Machine$double.eps} (used by R for types 4–9, and since R 4.3 for types 1–3), {@code g}
 * within a few units in the last place of 0 counts as 0 — on both sides and relative to {@code np}, so the
 * decision follows the arithmetic the formula means, not the rounding. R 4.2 uses no fuzz for types 1–3; the
 * two agree wherever {@code np} is exact in binary (for instance every quartile of every {@code n}).
 */
public enum QuantileType {
    TYPE_1,
    TYPE_2,
    TYPE_3,
    TYPE_4,
    TYPE_5,
    TYPE_6,
    TYPE_7,
    TYPE_8,
    TYPE_9;

    /** R's {@code 4 * .Machine$double.eps}. */
    private static final double FUZZ = 4 * Math.ulp(1.0);

    /** R's number of this type, 1–9. */
    public int number() {
        return ordinal() + 1;
    }

    /**
     * The type numbered {@code number} as R numbers them.
     *
     * @throws IllegalArgumentException outside 1–9
     */
    public static QuantileType of(int number) {
        if (number < 1 || number > 9) {
            throw new IllegalArgumentException("quantile type is 1-9 (Hyndman-Fan, as R numbers them), got " + number);
        }
        return values()[number - 1];
    }

    /**
     * This type's quantile at {@code p} of an ascending sample.
     *
     * @throws IllegalArgumentException if the sample is empty or {@code p} is outside [0, 1]
     */
    public double quantile(double[] sortedValues, double p) {
        Objects.requireNonNull(sortedValues, "sortedValues");
        if (sortedValues.length == 0) {
            throw new IllegalArgumentException("quantile of an empty sample");
        }
        checkProbability(p);
        return quantileOfPrefix(sortedValues, sortedValues.length, p);
    }

    static void checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile probability must be in [0, 1], got " + p);
        }
    }

    /** The quantile of the first {@code n > 0} values of {@code sorted}, for a caller with spare capacity. */
    double quantileOfPrefix(double[] sorted, int n, double p) {
        return switch (this) {
            case TYPE_1, TYPE_2, TYPE_3 -> discontinuous(sorted, n, p);
            case TYPE_7 -> type7(sorted, n, p);
            default -> continuous(sorted, n, p);
        };
    }

    /** Types 1–3: an order statistic, or (type 2 on a step) the mean of two. */
    private double discontinuous(double[] sorted, int n, double p) {
        double nppm = this == TYPE_3 ? n * p - 0.5 : n * p;
        double fuzz = FUZZ * Math.max(1.0, Math.abs(nppm));
        double j = Math.floor(nppm + fuzz);
        boolean onStep = Math.abs(nppm - j) < fuzz;
        int lower = (int) j;
        return switch (this) {
            case TYPE_1 -> onStep ? order(sorted, n, lower) : order(sorted, n, lower + 1);
            case TYPE_2 ->
                onStep ? mean(order(sorted, n, lower), order(sorted, n, lower + 1)) : order(sorted, n, lower + 1);
            default -> onStep && lower % 2 == 0 ? order(sorted, n, lower) : order(sorted, n, lower + 1);
        };
    }

    /** Types 4–6, 8 and 9, as R's {@code quantile.default} computes them. */
    private double continuous(double[] sorted, int n, double p) {
        double a;
        double b;
        switch (this) {
            case TYPE_4 -> {
                a = 0;
                b = 1;
            }
            case TYPE_5 -> a = b = 0.5;
            case TYPE_6 -> a = b = 0;
            case TYPE_8 -> a = b = 1.0 / 3;
            case TYPE_9 -> a = b = 3.0 / 8;
            default -> throw new IllegalStateException("not a continuous type handled here: " + this);
        }
        double nppm = a + p * (n + 1 - a - b);
        double j = Math.floor(nppm + FUZZ);
        double h = nppm - j;
        if (Math.abs(h) < FUZZ) {
            h = 0;
        }
        return interpolate(order(sorted, n, (int) j), order(sorted, n, (int) j + 1), h);
    }

    /** Type 7 as R computes it (its own branch in {@code quantile.default}): index {@code 1 + (n − 1)p}. */
    private static double type7(double[] sorted, int n, double p) {
        double index = 1 + (n - 1) * p;
        double lo = Math.floor(index);
        double hi = Math.ceil(index);
        double low = order(sorted, n, (int) lo);
        double high = order(sorted, n, (int) hi);
        return index > lo && high != low ? (1 - (index - lo)) * low + (index - lo) * high : low;
    }

    /** R: {@code x(j)} for {@code h = 0}, {@code x(j+1)} for 1, and no arithmetic between equal neighbours. */
    private static double interpolate(double low, double high, double h) {
        if (h == 0 || low == high) {
            return low;
        }
        if (h == 1) {
            return high;
        }
        return (1 - h) * low + h * high;
    }

    private static double mean(double low, double high) {
        return low == high ? low : 0.5 * low + 0.5 * high;
    }

    /** The 1-based order statistic {@code x(k)}, with {@code x(k) = x(1)} below 1 and {@code x(n)} above n. */
    private static double order(double[] sorted, int n, int k) {
        return sorted[Math.max(0, Math.min(n - 1, k - 1))];
    }
}
