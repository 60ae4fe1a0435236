package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

class ReferenceIntervalProperties {

    @Provide
    Arbitrary<ReferenceInterval> intervals() {
        Arbitrary<Double> bound = Arbitraries.doubles().between(-1000, 1000).ofScale(3);
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<ReferenceInterval> twoSided = Combinators.combine(bound, flag, bound, flag)
                .filter((a, ai, b, bi) -> a < b)
                .as(ReferenceInterval::new);
        Arbitrary<ReferenceInterval> upper =
                Combinators.combine(bound, flag).as((b, bi) -> new ReferenceInterval(null, false, b, bi));
        Arbitrary<ReferenceInterval> lower =
                Combinators.combine(bound, flag).as((a, ai) -> new ReferenceInterval(a, ai, null, false));
        return Arbitraries.oneOf(twoSided, upper, lower);
    }

    @Property
    void shouldNeverGoDownInRangeWhenValueGoesUp(
            @ForAll("intervals") ReferenceInterval interval,
            @ForAll @DoubleRange(min = -2000, max = 2000) double a,
            @ForAll @DoubleRange(min = -2000, max = 2000) double b) {
        double smaller = Math.min(a, b);
        double larger = Math.max(a, b);

        assertThat(interval.classify(smaller).ordinal())
                .isLessThanOrEqualTo(interval.classify(larger).ordinal());
    }

    @Property
    void shouldClassifyBoundsByTheirInclusiveFlagWhenValueIsOnABound(@ForAll("intervals") ReferenceInterval interval) {
        if (interval.low() != null) {
            assertThat(interval.isNormal(interval.low())).isEqualTo(interval.lowInclusive());
        }
        if (interval.high() != null) {
            assertThat(interval.isNormal(interval.high())).isEqualTo(interval.highInclusive());
        }
    }

    @Property
    void shouldReadBackTheSameIntervalWhenPrinted(@ForAll("intervals") ReferenceInterval interval) {
        assertThat(ReferenceInterval.parse(interval.text())).isEqualTo(Result.ok(interval));
    }
}
