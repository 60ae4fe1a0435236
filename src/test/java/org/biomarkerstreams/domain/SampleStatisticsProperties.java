package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;

class SampleStatisticsProperties {

    @Property
    void shouldMatchRTypeSevenDefinitionWhenComputingAnyQuantile(
            @ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = -1e4, max = 1e4) Double> values,
            @ForAll @DoubleRange(min = 0, max = 1) double p) {
        double expected = bruteForceType7(values, p);

        assertThat(SampleStatistics.of(values).quantile(p)).isCloseTo(expected, within(1e-9));
    }

    @Property
    void shouldKeepQuartilesOrderedAndWithinRangeWhenSampleIsAny(
            @ForAll @Size(min = 1, max = 60) List<@DoubleRange(min = -1e4, max = 1e4) Double> values) {
        SampleStatistics stats = SampleStatistics.of(values);

        assertThat(stats.min()).isLessThanOrEqualTo(stats.q1());
        assertThat(stats.q1()).isLessThanOrEqualTo(stats.median());
        assertThat(stats.median()).isLessThanOrEqualTo(stats.q3());
        assertThat(stats.q3()).isLessThanOrEqualTo(stats.max());
    }

    @Property
    void shouldMatchTextbookMeanAndSdWhenSampleIsAny(
            @ForAll @Size(min = 2, max = 60) List<@DoubleRange(min = -1e4, max = 1e4) Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
        double squares =
                values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();

        SampleStatistics stats = SampleStatistics.of(values);

        assertThat(stats.mean()).isCloseTo(mean, within(1e-8));
        assertThat(stats.sd()).isCloseTo(Math.sqrt(squares / (values.size() - 1)), within(1e-8));
    }

    /**
     * R's documentation, literally: with 1-based order statistics x(1) ≤ ... ≤ x(n), m = 1 − p, j = ⌊np + m⌋, γ =
     * np + m − j, Q(p) = (1 − γ) x(j) + γ x(j+1); sorting by selection so nothing is shared with the code under test.
     */
    private static double bruteForceType7(List<Double> values, double p) {
        List<Double> remaining = new ArrayList<>(values);
        double[] x = new double[values.size() + 2];
        for (int i = 1; i <= values.size(); i++) {
            Double smallest = remaining.stream().min(Double::compare).orElseThrow();
            remaining.remove(smallest);
            x[i] = smallest;
        }
        int n = values.size();
        x[n + 1] = x[n];
        double m = 1 - p;
        int j = (int) Math.floor(n * p + m);
        double gamma = n * p + m - j;
        return (1 - gamma) * x[j] + gamma * x[j + 1];
    }
}
