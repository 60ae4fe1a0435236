package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.domain.KaplanMeier.ConfidenceType;
import org.biomarkerstreams.domain.KaplanMeier.MedianInterval;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.KaplanMeier.Step;
import org.biomarkerstreams.domain.KaplanMeier.SurvivalInterval;

/**
 * Greenwood's standard error, the pointwise limits and the median's interval against a brute force that recomputes
 * everything at each time straight from the raw observations (no running products or sums, the log-log limits
 * written as R writes them: exp(−exp(log(−log S) ± z·σ/log S))).
 */
class KaplanMeierProperties {

    private static final double Z95 = 1.959963984540054;

    @Property
    void shouldMatchBruteForceGreenwoodWhenObservationsAreAny(@ForAll("cohorts") List<Observation> observations) {
        KaplanMeier km = KaplanMeier.estimate(observations);

        for (Step step : km.steps()) {
            double s = bruteSurvival(observations, step.time());
            double g = bruteGreenwood(observations, step.time());
            assertThat(step.survival()).isCloseTo(s, within(1e-12));
            if (s == 0) {
                assertThat(step.stdErr()).isNaN();
            } else {
                assertThat(step.stdErr()).isCloseTo(s * Math.sqrt(g), within(1e-12));
            }
        }
    }

    @Property
    void shouldMatchBruteForceLimitsWhenObservationsAreAny(
            @ForAll("cohorts") List<Observation> observations, @ForAll("types") ConfidenceType type) {
        List<SurvivalInterval> intervals = KaplanMeier.estimate(observations).pointwiseIntervals(0.95, type);

        for (SurvivalInterval interval : intervals) {
            double[] expected = bruteLimits(observations, interval.time(), type);
            if (Double.isNaN(expected[0])) {
                assertThat(interval.lower()).isNaN();
                assertThat(interval.upper()).isNaN();
            } else {
                assertThat(interval.lower()).isCloseTo(expected[0], within(1e-9));
                assertThat(interval.upper()).isCloseTo(expected[1], within(1e-9));
                assertThat(interval.lower()).isBetween(0.0, 1.0);
                assertThat(interval.upper()).isBetween(interval.lower(), 1.0);
            }
        }
    }

    @Property
    void shouldMatchBruteForceMedianIntervalWhenObservationsAreAny(
            @ForAll("cohorts") List<Observation> observations, @ForAll("types") ConfidenceType type) {
        MedianInterval interval = KaplanMeier.estimate(observations).medianConfidenceInterval(0.95, type);

        // Scan every observed time in order, straight from the definition: first time a limit is at or below 0.5.
        OptionalDouble lower = OptionalDouble.empty();
        OptionalDouble upper = OptionalDouble.empty();
        TreeSet<Double> times = new TreeSet<>();
        observations.forEach(o -> times.add(o.time()));
        for (double t : times) {
            double[] limits = bruteLimits(observations, t, type);
            if (lower.isEmpty() && limits[0] <= 0.5 + 1e-12) {
                lower = OptionalDouble.of(t);
            }
            if (upper.isEmpty() && limits[1] <= 0.5 + 1e-12) {
                upper = OptionalDouble.of(t);
            }
        }
        assertThat(interval).isEqualTo(new MedianInterval(lower, upper));
    }

    @Property
    void shouldContainTheMedianWhenBothAreDefined(@ForAll("cohorts") List<Observation> observations) {
        KaplanMeier km = KaplanMeier.estimate(observations);
        MedianInterval interval = km.medianConfidenceInterval(0.95);

        if (km.median().isPresent() && interval.lower().isPresent()) {
            assertThat(interval.lower().getAsDouble())
                    .isLessThanOrEqualTo(km.median().getAsDouble());
        }
        if (km.median().isPresent() && interval.upper().isPresent()) {
            assertThat(interval.upper().getAsDouble())
                    .isGreaterThanOrEqualTo(km.median().getAsDouble());
        }
    }

    @Provide
    Arbitrary<List<Observation>> cohorts() {
        // Integer days 0..30 so that ties between events and censorings are common.
        Arbitrary<Observation> observation = Combinators.combine(
                        Arbitraries.integers().between(0, 30), Arbitraries.of(true, true, false))
                .as((day, event) -> new Observation(day, event));
        return observation.list().ofMaxSize(60);
    }

    @Provide
    Arbitrary<ConfidenceType> types() {
        return Arbitraries.of(ConfidenceType.class);
    }

    private static double bruteSurvival(List<Observation> observations, double t) {
        double s = 1;
        for (double u : eventTimesUpTo(observations, t)) {
            s *= 1 - (double) events(observations, u) / atRisk(observations, u);
        }
        return s;
    }

    private static double bruteGreenwood(List<Observation> observations, double t) {
        double g = 0;
        for (double u : eventTimesUpTo(observations, t)) {
            long d = events(observations, u);
            long n = atRisk(observations, u);
            g += (double) d / (n * (n - d));
        }
        return g;
    }

    /** {lower, upper} at 95%, NaN where R gives NA. */
    private static double[] bruteLimits(List<Observation> observations, double t, ConfidenceType type) {
        double s = bruteSurvival(observations, t);
        double se = Math.sqrt(bruteGreenwood(observations, t));
        if (s == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        if (se == 0) {
            return new double[] {s, s};
        }
        if (type == ConfidenceType.LOG) {
            return new double[] {Math.exp(Math.log(s) - Z95 * se), Math.min(1, Math.exp(Math.log(s) + Z95 * se))};
        }
        double loglog = Math.log(-Math.log(s));
        return new double[] {
            Math.exp(-Math.exp(loglog - Z95 * se / Math.log(s))), Math.exp(-Math.exp(loglog + Z95 * se / Math.log(s)))
        };
    }

    private static TreeSet<Double> eventTimesUpTo(List<Observation> observations, double t) {
        TreeSet<Double> times = new TreeSet<>();
        observations.stream().filter(o -> o.event() && o.time() <= t).forEach(o -> times.add(o.time()));
        return times;
    }

    private static long events(List<Observation> observations, double u) {
        return observations.stream().filter(o -> o.event() && o.time() == u).count();
    }

    private static long atRisk(List<Observation> observations, double u) {
        return observations.stream().filter(o -> o.time() >= u).count();
    }
}
