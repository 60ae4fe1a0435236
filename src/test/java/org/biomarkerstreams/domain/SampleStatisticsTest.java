package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStatisticsTest {

    @Test
    void shouldMatchRWhenSampleHasEvenLength() {
        // R: quantile(c(1, 2, 3, 4)) -> 1.00 1.75 2.50 3.25 4.00; mean 2.5; sd 1.290994
        SampleStatistics stats = SampleStatistics.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(stats.n()).isEqualTo(4);
        assertThat(stats.q1()).isEqualTo(1.75);
        assertThat(stats.median()).isEqualTo(2.5);
        assertThat(stats.q3()).isEqualTo(3.25);
        assertThat(stats.min()).isEqualTo(1.0);
        assertThat(stats.max()).isEqualTo(4.0);
        assertThat(stats.mean()).isEqualTo(2.5);
        assertThat(stats.sd()).isCloseTo(1.2909944487358056, within(1e-15));
    }

    @Test
    void shouldMatchRWhenSampleIsSkewed() {
        // R: x <- c(2.1, 35, 8.4, 120, 15.2); quantile(x, c(.25, .5, .75)) -> 8.4 15.2 35; sd(x) 48.47812
        SampleStatistics stats = SampleStatistics.of(List.of(2.1, 35.0, 8.4, 120.0, 15.2));

        assertThat(stats.q1()).isEqualTo(8.4);
        assertThat(stats.median()).isEqualTo(15.2);
        assertThat(stats.q3()).isEqualTo(35.0);
        assertThat(stats.mean()).isCloseTo(36.14, within(1e-12));
        assertThat(stats.sd()).isCloseTo(48.47812, within(1e-5));
    }

    @Test
    void shouldInterpolateWhenQuantileFallsBetweenValues() {
        // R: quantile(c(10, 20, 40), 0.9, type = 7) -> 36
        assertThat(SampleStatistics.quantile(new double[] {10, 20, 40}, 0.9)).isCloseTo(36.0, within(1e-12));
        assertThat(SampleStatistics.quantile(new double[] {10, 20, 40}, 0)).isEqualTo(10.0);
        assertThat(SampleStatistics.quantile(new double[] {10, 20, 40}, 1)).isEqualTo(40.0);
    }

    @Test
    void shouldReturnTheValueWhenSampleHasOneElement() {
        SampleStatistics stats = SampleStatistics.of(List.of(7.0));

        assertThat(stats.median()).isEqualTo(7.0);
        assertThat(stats.q1()).isEqualTo(7.0);
        assertThat(stats.mean()).isEqualTo(7.0);
        assertThat(stats.sd()).isNaN();
    }

    @Test
    void shouldReturnNaNWhenSampleIsEmpty() {
        SampleStatistics stats = SampleStatistics.of(List.of());

        assertThat(stats.n()).isZero();
        assertThat(Arrays.asList(stats.median(), stats.q1(), stats.q3(), stats.mean(), stats.sd(), stats.min()))
                .allMatch(d -> d.isNaN());
    }

    @Test
    void shouldRefuseBadInputWhenComputing() {
        assertThatThrownBy(() -> SampleStatistics.quantile(new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleStatistics.quantile(new double[] {1}, 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleStatistics.quantile(new double[] {1}, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleStatistics.of(Arrays.asList(1.0, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleStatistics.of(List.of(1.0, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNotDependOnInputOrderWhenSorting() {
        assertThat(SampleStatistics.of(List.of(3.0, 1.0, 2.0)).median())
                .isEqualTo(SampleStatistics.of(List.of(1.0, 2.0, 3.0)).median());
    }
}
