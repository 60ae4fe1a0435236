package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderStatisticsTest {

    @Test
    void shouldGiveRTypeSevenQuartilesWhenFilledOutOfOrder() {
        // R: quantile(c(2.1, 35, 8.4, 120, 15.2)) -> 2.1 8.4 15.2 35 120; mean 36.14
        OrderStatistics stats = new OrderStatistics();
        for (double v : new double[] {35.0, 2.1, 120.0, 15.2, 8.4}) {
            stats.add(v);
        }

        assertThat(stats.n()).isEqualTo(5);
        assertThat(stats.values()).containsExactly(2.1, 8.4, 15.2, 35.0, 120.0);
        assertThat(stats.q1()).isEqualTo(8.4);
        assertThat(stats.median()).isEqualTo(15.2);
        assertThat(stats.q3()).isEqualTo(35.0);
        assertThat(stats.quantile(0.9)).isCloseTo(86.0, within(1e-12));
        assertThat(stats.min()).isEqualTo(2.1);
        assertThat(stats.max()).isEqualTo(120.0);
        assertThat(stats.mean()).isCloseTo(36.14, within(1e-12));
    }

    @Test
    void shouldRemoveOneOccurrenceWhenAValueIsRepeated() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(3);
        stats.add(3);
        stats.add(1);

        assertThat(stats.remove(3)).isTrue();

        assertThat(stats.values()).containsExactly(1.0, 3.0);
        assertThat(stats.median()).isEqualTo(2.0);
    }

    @Test
    void shouldReturnFalseAndChangeNothingWhenRemovingAnAbsentValue() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(1);
        stats.add(5);
        double meanBefore = stats.mean();

        assertThat(stats.remove(3)).isFalse();
        assertThat(stats.remove(Double.NaN)).isFalse();
        assertThat(stats.remove(Double.POSITIVE_INFINITY)).isFalse();
        assertThat(new OrderStatistics().remove(1)).isFalse();

        assertThat(stats.values()).containsExactly(1.0, 5.0);
        assertThat(stats.mean()).isEqualTo(meanBefore);
    }

    @Test
    void shouldGiveNaNLikeSampleStatisticsWhenEmpty() {
        OrderStatistics stats = new OrderStatistics();

        assertThat(stats.n()).isZero();
        assertThat(stats.median()).isNaN();
        assertThat(stats.q1()).isNaN();
        assertThat(stats.q3()).isNaN();
        assertThat(stats.min()).isNaN();
        assertThat(stats.max()).isNaN();
        assertThat(stats.mean()).isNaN();
        assertThat(stats.sd()).isNaN();
    }

    @Test
    void shouldGiveNaNSdAndTheValueElsewhereWhenOneValueIsLeft() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(7);
        stats.add(9);
        stats.remove(9);

        assertThat(stats.sd()).isNaN();
        assertThat(stats.mean()).isEqualTo(7.0);
        assertThat(stats.median()).isEqualTo(7.0);
        assertThat(stats.quantile(0)).isEqualTo(7.0);
        assertThat(stats.quantile(1)).isEqualTo(7.0);
    }

    @Test
    void shouldBeEmptyAgainWhenEveryValueIsRemoved() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(2);
        stats.add(4);
        stats.remove(4);
        stats.remove(2);

        assertThat(stats.n()).isZero();
        assertThat(stats.mean()).isNaN();
        assertThat(stats.median()).isNaN();
    }

    @Test
    void shouldTreatNegativeZeroAsZeroWhenAddingAndRemoving() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(-0.0);

        assertThat(stats.remove(0.0)).isTrue();
        stats.add(0.0);
        assertThat(stats.remove(-0.0)).isTrue();
        assertThat(stats.n()).isZero();
    }

    @Test
    void shouldRejectANonFiniteValueOrProbabilityWhenAsked() {
        OrderStatistics stats = new OrderStatistics();
        stats.add(1);

        assertThatThrownBy(() -> stats.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.add(Double.NEGATIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.quantile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrderStatistics().quantile(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(stats.n()).isEqualTo(1);
    }

    @Test
    void shouldNotDriftWhenLargeValuesComeAndGo() {
        // Running sums would keep the rounding error of 1e15 + 0.1 after the 1e15s leave.
        OrderStatistics stats = new OrderStatistics();
        stats.add(0.1);
        stats.add(0.2);
        stats.add(0.3);
        for (int i = 0; i < 1000; i++) {
            stats.add(1e15);
            stats.add(-3e14);
            stats.mean();
            stats.remove(1e15);
            stats.remove(-3e14);
        }

        assertThat(stats.mean())
                .isEqualTo(SampleStatistics.of(List.of(0.1, 0.2, 0.3)).mean());
        assertThat(stats.sd()).isCloseTo(0.1, within(1e-15));
    }

    @Test
    void shouldMatchSampleStatisticsWhenTenThousandValuesAreAddedAndHalfRemoved() {
        Random random = new Random(42);
        OrderStatistics stats = new OrderStatistics();
        List<Double> shadow = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double v = Math.round(random.nextGaussian() * 1000) / 10.0;
            stats.add(v);
            shadow.add(v);
        }
        for (int i = 0; i < 5_000; i++) {
            Double v = shadow.remove(random.nextInt(shadow.size()));
            assertThat(stats.remove(v)).isTrue();
        }

        SampleStatistics expected = SampleStatistics.of(shadow);
        assertThat(stats.n()).isEqualTo(5_000);
        assertThat(stats.median()).isEqualTo(expected.median());
        assertThat(stats.q1()).isEqualTo(expected.q1());
        assertThat(stats.q3()).isEqualTo(expected.q3());
        assertThat(stats.mean()).isEqualTo(expected.mean());
        assertThat(stats.sd()).isEqualTo(expected.sd());
    }
}
