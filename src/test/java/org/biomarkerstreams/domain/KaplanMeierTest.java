package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.OptionalDouble;
import org.biomarkerstreams.domain.KaplanMeier.ConfidenceType;
import org.biomarkerstreams.domain.KaplanMeier.MedianInterval;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.KaplanMeier.Step;
import org.biomarkerstreams.domain.KaplanMeier.SurvivalInterval;
import org.junit.jupiter.api.Test;

class KaplanMeierTest {

    private static Observation event(double t) {
        return new Observation(t, true);
    }

    private static Observation censored(double t) {
        return new Observation(t, false);
    }

    @Test
    void shouldDropByOneOverAtRiskWhenEventsAreDistinct() {
        // 1, 2+, 3, 4, 5+ : S = 4/5 at 1, x 2/3 at 3, x 1/2 at 4
        KaplanMeier km = KaplanMeier.estimate(List.of(event(3), censored(5), event(1), censored(2), event(4)));

        assertThat(km.steps())
                .extracting(Step::time, Step::atRisk, Step::events, Step::censored)
                .containsExactly(
                        tuple(1.0, 5, 1, 0),
                        tuple(2.0, 4, 0, 1),
                        tuple(3.0, 3, 1, 0),
                        tuple(4.0, 2, 1, 0),
                        tuple(5.0, 1, 0, 1));
        assertThat(km.steps())
                .extracting(Step::survival)
                .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b))
                .containsExactly(0.8, 0.8, 0.8 * 2 / 3, 0.8 / 3, 0.8 / 3);
        assertThat(km.events()).isEqualTo(3);
        assertThat(km.censored()).isEqualTo(2);
        assertThat(km.size()).isEqualTo(5);
        assertThat(km.median()).hasValue(4);
    }

    @Test
    void shouldCountCensoringsAtRiskWhenTiedWithEvents() {
        // t=2: 2 events and 1 censoring among 6 at risk -> S = 4/6; t=5: 1 event among 3 -> S = 4/6 * 2/3 = 4/9
        KaplanMeier km =
                KaplanMeier.estimate(List.of(event(2), event(2), censored(2), event(5), censored(7), censored(8)));

        Step first = km.steps().get(0);
        assertThat(first.atRisk()).isEqualTo(6);
        assertThat(first.events()).isEqualTo(2);
        assertThat(first.censored()).isEqualTo(1);
        assertThat(first.survival()).isCloseTo(4.0 / 6, within(1e-12));
        Step second = km.steps().get(1);
        assertThat(second.time()).isEqualTo(5);
        assertThat(second.atRisk()).isEqualTo(3);
        assertThat(second.survival()).isCloseTo(4.0 / 9, within(1e-12));
        assertThat(km.median()).hasValue(5);
    }

    @Test
    void shouldTakeTheMidpointToTheNextDropWhenTheCurveHitsHalfExactly() {
        // 3/4 * 2/3 = 1/2 exactly at t=2 (floating point puts it a hair above or below) and flat until t=3:
        // R's print(survfit(Surv(1:4, rep(1, 4)) ~ 1)) says median 2.5, the midpoint (2 + 3)/2.
        KaplanMeier km = KaplanMeier.estimate(List.of(event(1), event(2), event(3), event(4)));

        assertThat(km.survivalAt(2)).isCloseTo(0.5, within(1e-12));
        assertThat(km.median()).hasValue(2.5);
    }

    @Test
    void shouldReportNotReachedWhenTheCurveStaysAboveHalf() {
        KaplanMeier km = KaplanMeier.estimate(List.of(event(1), censored(2), censored(3), censored(4)));

        assertThat(km.survivalAt(10)).isEqualTo(0.75);
        assertThat(km.median()).isEmpty();
    }

    @Test
    void shouldReachZeroWhenEveryoneHasTheEvent() {
        KaplanMeier km = KaplanMeier.estimate(List.of(event(7), event(7), event(10)));

        assertThat(km.steps().get(0).survival()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(km.steps().get(1).survival()).isZero();
        assertThat(km.median()).hasValue(7);
    }

    @Test
    void shouldBeOneBeforeTheFirstEventWhenAskedForSurvivalAtATime() {
        KaplanMeier km = KaplanMeier.estimate(List.of(event(3), event(6)));

        assertThat(km.survivalAt(0)).isEqualTo(1.0);
        assertThat(km.survivalAt(2.999)).isEqualTo(1.0);
        assertThat(km.survivalAt(3)).isEqualTo(0.5);
        assertThat(km.survivalAt(5)).isEqualTo(0.5);
        assertThat(km.survivalAt(6)).isEqualTo(0.0);
    }

    @Test
    void shouldGiveAnEmptyCurveWhenThereAreNoObservations() {
        KaplanMeier km = KaplanMeier.estimate(List.of());

        assertThat(km.steps()).isEmpty();
        assertThat(km.median()).isEmpty();
        assertThat(km.survivalAt(5)).isEqualTo(1.0);
    }

    @Test
    void shouldRejectANegativeOrNonFiniteTimeWhenObserving() {
        assertThatThrownBy(() -> event(-0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> censored(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> event(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- Greenwood and the median's confidence interval, against published output for the Freireich data ---

    @Test
    void shouldGiveGreenwoodStandardErrorsOfTheTextbookWhenGivenTheSixMpGroup() {
        // R summary(survfit(Surv(time, status) ~ 1, gehan[6-MP])) / Stata sts list, "Std. Error" column.
        KaplanMeier km = KaplanMeier.estimate(Freireich.SIX_MP);

        assertThat(km.steps().stream().filter(s -> s.events() > 0))
                .extracting(Step::time, s -> round(s.survival(), 4), s -> round(s.stdErr(), 4))
                .containsExactly(
                        tuple(6.0, 0.8571, 0.0764),
                        tuple(7.0, 0.8067, 0.0869),
                        tuple(10.0, 0.7529, 0.0963),
                        tuple(13.0, 0.6902, 0.1068),
                        tuple(16.0, 0.6275, 0.1141),
                        tuple(22.0, 0.5378, 0.1282),
                        tuple(23.0, 0.4482, 0.1346));
    }

    @Test
    void shouldCarryTheStandardErrorOverCensoringOnlyStepsWhenNoEventHappens() {
        KaplanMeier km = KaplanMeier.estimate(Freireich.SIX_MP);

        Step at7 = km.steps().get(1);
        Step at9 = km.steps().get(2);
        assertThat(at9.time()).isEqualTo(9.0);
        assertThat(at9.events()).isZero();
        assertThat(at9.stdErr()).isEqualTo(at7.stdErr());
    }

    @Test
    void shouldGiveZeroStandardErrorBeforeTheFirstEventAndNaNOnceTheCurveIsZero() {
        KaplanMeier km = KaplanMeier.estimate(List.of(censored(1), event(2), event(3)));

        assertThat(km.steps()).extracting(Step::stdErr).element(0).isEqualTo(0.0);
        // t=2: S = 1/2, Greenwood 1/(2·1) -> SE = 0.5·√0.5
        assertThat(km.steps().get(1).stdErr()).isCloseTo(0.5 * Math.sqrt(0.5), within(1e-12));
        // t=3: 1 event among 1 at risk, d/(n(n-d)) = 1/0; R prints NaN as well
        assertThat(km.steps().get(2).survival()).isZero();
        assertThat(km.steps().get(2).stdErr()).isNaN();
    }

    @Test
    void shouldMatchStataLogLogLimitsWhenGivenThePlaceboGroup() {
        // Stata `sts list, by(group)` on the Gehan data (data.princeton.edu/pop509/gehan.html), control rows:
        //   1  21  2  0.9048  0.0641  0.6700  0.9753
        //   2  19  2  0.8095  0.0857  0.5689  0.9239
        // Stata's limits are the log(-log S) ones, the same as R's conf.type = "log-log".
        List<SurvivalInterval> intervals =
                KaplanMeier.estimate(Freireich.PLACEBO).pointwiseIntervals(0.95, ConfidenceType.LOG_LOG);

        assertThat(intervals.subList(0, 2))
                .extracting(SurvivalInterval::time, i -> round(i.lower(), 4), i -> round(i.upper(), 4))
                .containsExactly(tuple(1.0, 0.6700, 0.9753), tuple(2.0, 0.5689, 0.9239));
    }

    @Test
    void shouldMatchLogLogLimitsWhenGivenTheSixMpGroup() {
        // Hand check of the first row: S = 18/21, σ² = 3/(21·18) = 0.0079365, σ = 0.089087, log S = -0.154151,
        // z = 1.959964: exp(zσ/|log S|) = exp(1.13272) = 3.10415, so lower = S^3.10415 = 0.61972 and
        // upper = S^(1/3.10415) = 0.95155 (Stata sts list prints 0.6197 0.9516).
        List<SurvivalInterval> intervals =
                KaplanMeier.estimate(Freireich.SIX_MP).pointwiseIntervals(0.95, ConfidenceType.LOG_LOG);

        assertThat(intervals.stream().filter(i -> List.of(6.0, 7.0, 10.0, 13.0, 16.0, 22.0, 23.0)
                        .contains(i.time())))
                .extracting(SurvivalInterval::time, i -> round(i.lower(), 4), i -> round(i.upper(), 4))
                .containsExactly(
                        tuple(6.0, 0.6197, 0.9516),
                        tuple(7.0, 0.5631, 0.9228),
                        tuple(10.0, 0.5032, 0.8894),
                        tuple(13.0, 0.4316, 0.8491),
                        tuple(16.0, 0.3675, 0.8049),
                        tuple(22.0, 0.2678, 0.7468),
                        tuple(23.0, 0.1881, 0.6801));
    }

    @Test
    void shouldMatchRDefaultLogLimitsWhenGivenThePlaceboGroup() {
        // R: summary(survfit(Surv(time, status) ~ 1, gehan[control])), columns "lower 95% CI" / "upper 95% CI".
        List<SurvivalInterval> intervals =
                KaplanMeier.estimate(Freireich.PLACEBO).pointwiseIntervals(0.95, ConfidenceType.LOG);

        assertThat(intervals)
                .extracting(SurvivalInterval::time, i -> round(i.lower(), 5), i -> round(i.upper(), 3))
                .startsWith(
                        tuple(1.0, 0.78754, 1.000),
                        tuple(2.0, 0.65785, 0.996),
                        tuple(3.0, 0.59988, 0.968),
                        tuple(4.0, 0.49268, 0.902),
                        tuple(5.0, 0.39455, 0.828),
                        tuple(8.0, 0.22085, 0.657),
                        tuple(11.0, 0.14529, 0.562),
                        tuple(12.0, 0.07887, 0.460));
        // S = 0 at t=23: R's limits are NA there.
        assertThat(intervals.get(intervals.size() - 1).lower()).isNaN();
        assertThat(intervals.get(intervals.size() - 1).upper()).isNaN();
    }

    @Test
    void shouldReproduceRMedianIntervalsWhenUsingRDefaultLogTransform() {
        // print(survfit(Surv(time, status) ~ group, gehan)):  control 21 21  8  4 12;  6-MP 21 9 23 16 NA
        KaplanMeier placebo = KaplanMeier.estimate(Freireich.PLACEBO);
        KaplanMeier sixMp = KaplanMeier.estimate(Freireich.SIX_MP);

        assertThat(placebo.median()).hasValue(8);
        assertThat(placebo.medianConfidenceInterval(0.95, ConfidenceType.LOG))
                .isEqualTo(new MedianInterval(OptionalDouble.of(4), OptionalDouble.of(12)));
        assertThat(sixMp.median()).hasValue(23);
        assertThat(sixMp.medianConfidenceInterval(0.95, ConfidenceType.LOG))
                .isEqualTo(new MedianInterval(OptionalDouble.of(16), OptionalDouble.empty()));
    }

    @Test
    void shouldReadTheMedianIntervalOffTheLogLogLimitsWhenUsingTheDefault() {
        // 6-MP, limits above: the lower limit first drops to <= 0.5 at t=13 (0.4316; 0.5032 at t=10), the upper
        // limit never does (0.6801 at the last event) -> [13, not reached].
        // Placebo: lower 0.4254 at t=4 (0.5194 at t=3); upper 0.4818 at t=11 (0.5778 at t=8) -> [4, 11].
        assertThat(KaplanMeier.estimate(Freireich.SIX_MP).medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.of(13), OptionalDouble.empty()));
        assertThat(KaplanMeier.estimate(Freireich.PLACEBO).medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.of(4), OptionalDouble.of(11)));
    }

    @Test
    void shouldWidenTheMedianIntervalWhenTheLevelRises() {
        KaplanMeier placebo = KaplanMeier.estimate(Freireich.PLACEBO);

        MedianInterval narrow = placebo.medianConfidenceInterval(0.5);
        MedianInterval wide = placebo.medianConfidenceInterval(0.99);

        assertThat(wide.lower().getAsDouble())
                .isLessThanOrEqualTo(narrow.lower().getAsDouble());
        assertThat(wide.upper().getAsDouble())
                .isGreaterThanOrEqualTo(narrow.upper().getAsDouble());
        assertThat(narrow.lower().getAsDouble()).isLessThanOrEqualTo(8.0);
        assertThat(narrow.upper().getAsDouble()).isGreaterThanOrEqualTo(8.0);
    }

    @Test
    void shouldLeaveBothSidesOpenWhenNothingHappened() {
        assertThat(KaplanMeier.estimate(List.of()).medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.empty(), OptionalDouble.empty()));
        assertThat(KaplanMeier.estimate(List.of(censored(1), censored(2))).medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.empty(), OptionalDouble.empty()));
    }

    @Test
    void shouldNotCountTheUndefinedLimitsAtZeroWhenEveryoneFailsAtOnce() {
        // S drops from 1 to 0 at t=3; the limits there are NA, as in R, so neither side is reached.
        KaplanMeier km = KaplanMeier.estimate(List.of(event(3), event(3), event(3)));

        assertThat(km.median()).hasValue(3);
        assertThat(km.medianConfidenceInterval(0.95))
                .isEqualTo(new MedianInterval(OptionalDouble.empty(), OptionalDouble.empty()));
    }

    @Test
    void shouldRejectALevelOutsideTheOpenUnitIntervalWhenAskedForAnInterval() {
        KaplanMeier km = KaplanMeier.estimate(Freireich.PLACEBO);

        for (double level : new double[] {0, 1, -0.5, 95, Double.NaN}) {
            assertThatThrownBy(() -> km.medianConfidenceInterval(level))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("confidence level");
        }
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
