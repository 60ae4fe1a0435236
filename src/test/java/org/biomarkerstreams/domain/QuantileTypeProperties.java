package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Each of the nine types against a brute-force reference written from its textbook definition, not from R's
 * formula: the step types from the empirical distribution function, the continuous ones as the polyline through
 * Hyndman and Fan's plotting positions. The probability is a fraction k/d, so "np is a whole number" is decided in
 * integers ({@code n·k mod d}) and never by floating point; values are small integers, so ties are frequent.
 */
class QuantileTypeProperties {

    /** A probability k/d in [0, 1]. */
    record Fraction(int k, int d) {
        double value() {
            return (double) k / d;
        }
    }

    @Provide
    Arbitrary<Fraction> fractions() {
        return Arbitraries.integers()
                .between(1, 40)
                .flatMap(d -> Arbitraries.integers().between(0, d).map(k -> new Fraction(k, d)));
    }

    @Property
    void shouldBeTheInverseOfTheEmpiricalDistributionWhenTypeIsOne(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -20, max = 20) Integer> values,
            @ForAll("fractions") Fraction p) {
        double[] x = sortedBySelection(values);
        assertThat(QuantileType.TYPE_1.quantile(x, p.value())).isEqualTo(smallestWithEcdfAtLeast(x, p));
    }

    @Property
    void shouldAverageTheLeftAndRightInversesWhenTypeIsTwo(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -20, max = 20) Integer> values,
            @ForAll("fractions") Fraction p) {
        double[] x = sortedBySelection(values);
        double expected = (smallestWithEcdfAtLeast(x, p) + smallestWithEcdfAbove(x, p)) / 2;
        assertThat(QuantileType.TYPE_2.quantile(x, p.value())).isEqualTo(expected);
    }

    @Property
    void shouldTakeTheNearestEvenOrderStatisticWhenTypeIsThree(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -20, max = 20) Integer> values,
            @ForAll("fractions") Fraction p) {
        double[] x = sortedBySelection(values);
        int n = x.length;
        // np = n·k/d; the nearest whole number, halves to the even one, in integers: 2·n·k vs d·(2r ± 1).
        long twice = 2L * n * p.k();
        long r = Math.floorDiv(twice + p.d(), 2L * p.d()); // round half up
        boolean tie = (twice + p.d()) % (2L * p.d()) == 0;
        if (tie && r % 2 != 0) {
            r--;
        }
        int k = (int) Math.max(1, Math.min(n, r));
        assertThat(QuantileType.TYPE_3.quantile(x, p.value())).isEqualTo(x[k - 1]);
    }

    @Property
    void shouldFollowThePlottingPositionsWhenTypeIsContinuous(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -20, max = 20) Integer> values,
            @ForAll("fractions") Fraction p,
            @ForAll @IntRange(min = 4, max = 9) int type) {
        double[] x = sortedBySelection(values);
        double expected = polyline(x, p.value(), type);
        assertThat(QuantileType.of(type).quantile(x, p.value())).isCloseTo(expected, within(1e-9));
    }

    @Property
    void shouldKeepQuartilesOrderedWhenTypeIsAny(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = -20, max = 20) Integer> values,
            @ForAll @IntRange(min = 1, max = 9) int type) {
        SampleStatistics s =
                SampleStatistics.of(values.stream().map(Integer::doubleValue).toList(), QuantileType.of(type));
        assertThat(s.min()).isLessThanOrEqualTo(s.q1());
        assertThat(s.q1()).isLessThanOrEqualTo(s.median());
        assertThat(s.median()).isLessThanOrEqualTo(s.q3());
        assertThat(s.q3()).isLessThanOrEqualTo(s.max());
    }

    /** min{x : #(values ≤ x)/n ≥ p}, decided as #·d ≥ n·k. */
    private static double smallestWithEcdfAtLeast(double[] x, Fraction p) {
        int n = x.length;
        for (double candidate : x) {
            if ((long) count(x, candidate) * p.d() >= (long) n * p.k()) {
                return candidate;
            }
        }
        return x[n - 1];
    }

    /** min{x : #(values ≤ x)/n > p}, or the largest value when none is. */
    private static double smallestWithEcdfAbove(double[] x, Fraction p) {
        int n = x.length;
        for (double candidate : x) {
            if ((long) count(x, candidate) * p.d() > (long) n * p.k()) {
                return candidate;
            }
        }
        return x[n - 1];
    }

    private static int count(double[] x, double atMost) {
        int c = 0;
        for (double v : x) {
            if (v <= atMost) {
                c++;
            }
        }
        return c;
    }

    /**
     * Hyndman and Fan's continuous types: the polyline through (p_k, x(k)), p_k = (k − a)/(n + 1 − a − b), flat
     * outside [p_1, p_n].
     */
    private static double polyline(double[] x, double p, int type) {
        double a;
        double b;
        switch (type) {
            case 4 -> {
                a = 0;
                b = 1;
            }
            case 5 -> a = b = 0.5;
            case 6 -> a = b = 0;
            case 7 -> a = b = 1;
            case 8 -> a = b = 1.0 / 3;
            default -> a = b = 3.0 / 8;
        }
        int n = x.length;
        if (n == 1) {
            return x[0];
        }
        double[] position = new double[n];
        for (int k = 1; k <= n; k++) {
            position[k - 1] = (k - a) / (n + 1 - a - b);
        }
        if (p <= position[0]) {
            return x[0];
        }
        if (p >= position[n - 1]) {
            return x[n - 1];
        }
        for (int k = 0; k < n - 1; k++) {
            if (p >= position[k] && p <= position[k + 1]) {
                double t = (p - position[k]) / (position[k + 1] - position[k]);
                return x[k] + t * (x[k + 1] - x[k]);
            }
        }
        throw new AssertionError("p " + p + " outside the positions");
    }

    /** Sorted by repeated selection of the smallest, so nothing is shared with the code under test. */
    private static double[] sortedBySelection(List<Integer> values) {
        List<Integer> remaining = new ArrayList<>(values);
        double[] x = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            Integer smallest = remaining.stream().min(Integer::compare).orElseThrow();
            remaining.remove(smallest);
            x[i] = smallest;
        }
        return x;
    }
}
