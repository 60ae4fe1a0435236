package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;

class OrderStatisticsProperties {

    /** One step of a random history: add {@code value}, or remove it (which may be absent). */
    record Operation(boolean add, double value) {}

    @Property
    void shouldEqualSampleStatisticsOfAShadowListWhenValuesAreAddedAndRemoved(
            @ForAll("histories") List<Operation> history, @ForAll @DoubleRange(min = 0, max = 1) double p) {
        OrderStatistics stats = new OrderStatistics();
        List<Double> shadow = new ArrayList<>();

        for (Operation operation : history) {
            if (operation.add()) {
                stats.add(operation.value());
                shadow.add(operation.value());
            } else {
                assertThat(stats.remove(operation.value())).isEqualTo(shadow.remove(operation.value()));
            }
        }

        SampleStatistics expected = SampleStatistics.of(shadow);
        assertThat(stats.n()).isEqualTo(shadow.size());
        assertThat(stats.values())
                .containsExactly(shadow.stream()
                        .sorted()
                        .mapToDouble(Double::doubleValue)
                        .toArray());
        assertSame(stats.quantile(p), expected.quantile(p));
        assertSame(stats.median(), expected.median());
        assertSame(stats.q1(), expected.q1());
        assertSame(stats.q3(), expected.q3());
        assertSame(stats.min(), expected.min());
        assertSame(stats.max(), expected.max());
        assertSame(stats.mean(), expected.mean());
        assertSame(stats.sd(), expected.sd());
    }

    @Property
    void shouldMatchTextbookMeanAndSdWhenValuesAreAddedAndRemoved(@ForAll("histories") List<Operation> history) {
        OrderStatistics stats = new OrderStatistics();
        List<Double> shadow = new ArrayList<>();
        for (Operation operation : history) {
            if (operation.add()) {
                stats.add(operation.value());
                shadow.add(operation.value());
            } else {
                stats.remove(operation.value());
                shadow.remove(operation.value());
            }
            // Reading in between must not disturb later results (the moments are cached).
            stats.mean();
        }

        if (shadow.isEmpty()) {
            assertThat(stats.mean()).isNaN();
            return;
        }
        double mean = shadow.stream().mapToDouble(Double::doubleValue).sum() / shadow.size();
        assertThat(stats.mean()).isCloseTo(mean, within(1e-8));
        if (shadow.size() < 2) {
            assertThat(stats.sd()).isNaN();
        } else {
            double squares =
                    shadow.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            assertThat(stats.sd()).isCloseTo(Math.sqrt(squares / (shadow.size() - 1)), within(1e-8));
        }
    }

    /** Bit for bit, NaN equal to NaN (both say "no data"). */
    private static void assertSame(double actual, double expected) {
        assertThat(Double.valueOf(actual)).isEqualTo(Double.valueOf(expected));
    }

    /**
     * Values from a small pool so that removals often hit (and repeats are common), plus arbitrary doubles that
     * removals almost always miss; −0.0 is mapped to 0.0 as the class documents.
     */
    @Provide
    Arbitrary<List<Operation>> histories() {
        Arbitrary<Double> pooled = Arbitraries.of(-2.5, 0.0, 1.0, 1.0 / 3, 7.25, 1e4, -1e4);
        Arbitrary<Double> any = Arbitraries.doubles().between(-1e4, 1e4).map(v -> v + 0.0);
        Arbitrary<Double> values = Arbitraries.frequencyOf(Tuple.of(3, pooled), Tuple.of(1, any));
        Arbitrary<Operation> operation = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(3, Arbitraries.just(true)), Tuple.of(2, Arbitraries.just(false))),
                        values)
                .as(Operation::new);
        return operation.list().ofMaxSize(80);
    }
}
