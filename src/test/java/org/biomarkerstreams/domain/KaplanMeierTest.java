package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.KaplanMeier.Step;
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
    void shouldTakeTheFirstTimeAtOrBelowHalfWhenTheCurveHitsHalfExactly() {
        // 3/4 * 2/3 = 1/2 exactly at t=2 (floating point puts it a hair above or below)
        KaplanMeier km = KaplanMeier.estimate(List.of(event(1), event(2), event(3), event(4)));

        assertThat(km.survivalAt(2)).isCloseTo(0.5, within(1e-12));
        assertThat(km.median()).hasValue(2);
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
}
