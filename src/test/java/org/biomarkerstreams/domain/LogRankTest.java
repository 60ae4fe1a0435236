package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.LogRank.Group;
import org.biomarkerstreams.domain.LogRank.Result;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;

class LogRankTest {

    private static Observation event(double t) {
        return new Observation(t, true);
    }

    private static Observation censored(double t) {
        return new Observation(t, false);
    }

    @Test
    void shouldReproduceRSurvdiffWhenGivenTheFreireichData() {
        // survdiff(Surv(time, status) ~ group):
        //            N Observed Expected (O-E)^2/E (O-E)^2/V
        //   group=0 21       21     10.7      9.77      16.8
        //   group=1 21        9     19.3      5.46      16.8
        //   Chisq= 16.8  on 1 degrees of freedom, p= 4.17e-05
        Result result =
                LogRank.test(List.of(Freireich.PLACEBO, Freireich.SIX_MP)).orElseThrow();

        assertThat(result.chiSquare()).isCloseTo(16.79, within(0.005));
        assertThat(result.degreesOfFreedom()).isEqualTo(1);
        assertThat(result.pValue()).isCloseTo(4.17e-5, within(0.005e-5));
        assertThat(result.groups()).extracting(Group::subjects).containsExactly(21, 21);
        assertThat(result.groups()).extracting(Group::observed).containsExactly(21, 9);
        assertThat(result.groups().get(0).expected()).isCloseTo(10.75, within(0.005));
        assertThat(result.groups().get(1).expected()).isCloseTo(19.25, within(0.005));
        double oMinusE = 21 - result.groups().get(0).expected();
        assertThat(oMinusE * oMinusE / result.groups().get(0).expected()).isCloseTo(9.77, within(0.005));
    }

    @Test
    void shouldGiveTheSameStatisticWhenTheGroupsAreSwapped() {
        Result forward =
                LogRank.test(List.of(Freireich.PLACEBO, Freireich.SIX_MP)).orElseThrow();
        Result backward =
                LogRank.test(List.of(Freireich.SIX_MP, Freireich.PLACEBO)).orElseThrow();

        assertThat(backward.chiSquare()).isCloseTo(forward.chiSquare(), within(1e-10));
        assertThat(backward.pValue()).isCloseTo(forward.pValue(), within(1e-15));
    }

    @Test
    void shouldComputeTwoGroupsByHandWhenSmall() {
        // A: 1, 3; B: 2, 4+. t=1: n=4 (A 2), d=1: E_A=1/2, V=1·3/3·(2/4)(2/4)=1/4
        // t=2: n=3 (A 1), d=1: E_A=1/3, V=1·2/2·(1/3)(2/3)=2/9;  t=3: n=2 (A 1), d=1: E_A=1/2, V=1·1/1·(1/2)(1/2)=1/4
        // O_A=2, E_A=4/3, V=13/18: chi = (2/3)²/(13/18) = 8/13
        Result result = LogRank.test(List.of(List.of(event(1), event(3)), List.of(event(2), censored(4))))
                .orElseThrow();

        assertThat(result.groups().get(0).expected()).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(result.groups().get(1).expected()).isCloseTo(5.0 / 3, within(1e-12));
        assertThat(result.chiSquare()).isCloseTo(8.0 / 13, within(1e-12));
        assertThat(result.pValue())
                .isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(8.0 / 13), within(1e-12));
    }

    @Test
    void shouldIgnoreAnEmptyGroupWhenTestingTheOthers() {
        Result two = LogRank.test(List.of(Freireich.PLACEBO, Freireich.SIX_MP)).orElseThrow();
        Result withEmpty = LogRank.test(List.of(Freireich.PLACEBO, List.of(), Freireich.SIX_MP))
                .orElseThrow();

        assertThat(withEmpty.chiSquare()).isCloseTo(two.chiSquare(), within(1e-10));
        assertThat(withEmpty.degreesOfFreedom()).isEqualTo(1);
        assertThat(withEmpty.groups()).hasSize(3);
        assertThat(withEmpty.groups().get(1)).isEqualTo(new Group(0, 0, 0.0));
    }

    @Test
    void shouldIgnoreAGroupCensoredBeforeAnyEventLikeSurvdiff() {
        // Its expected count is 0: R drops it and so do we (df 1, not 2).
        Result result = LogRank.test(List.of(Freireich.PLACEBO, Freireich.SIX_MP, List.of(censored(0.5))))
                .orElseThrow();

        assertThat(result.degreesOfFreedom()).isEqualTo(1);
        assertThat(result.groups().get(2)).isEqualTo(new Group(1, 0, 0.0));
    }

    @Test
    void shouldGiveNoTestWhenFewerThanTwoGroupsHaveSubjects() {
        assertThat(LogRank.test(List.of())).isEmpty();
        assertThat(LogRank.test(List.of(Freireich.PLACEBO))).isEmpty();
        assertThat(LogRank.test(List.of(Freireich.PLACEBO, List.of()))).isEmpty();
        assertThat(LogRank.test(List.of(List.of(), List.of()))).isEmpty();
    }

    @Test
    void shouldGiveNoTestWhenThereAreNoEvents() {
        assertThat(LogRank.test(List.of(List.of(censored(1)), List.of(censored(2)))))
                .isEmpty();
    }

    @Test
    void shouldGiveNoTestWhenTheVarianceIsZero() {
        // One event time, everybody fails at it: d(n − d) = 0, no information.
        assertThat(LogRank.test(List.of(List.of(event(5)), List.of(event(5))))).isEmpty();
    }

    @Test
    void shouldGiveChiSquareZeroAndPOneWhenTheGroupsAreIdentical() {
        Result result =
                LogRank.test(List.of(Freireich.SIX_MP, Freireich.SIX_MP)).orElseThrow();

        assertThat(result.chiSquare()).isCloseTo(0.0, within(1e-12));
        assertThat(result.pValue()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void shouldKeepTheDigitsOfATinyPValueWhenTheEffectIsHuge() {
        // 200 early failures against 200 late ones: chi-square far beyond where 1 − CDF rounds to 0.
        List<Observation> early = new ArrayList<>();
        List<Observation> late = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            early.add(event(1 + i % 10));
            late.add(event(100 + i % 10));
        }

        Result result = LogRank.test(List.of(early, late)).orElseThrow();

        assertThat(1 - new ChiSquaredDistribution(1).cumulativeProbability(result.chiSquare()))
                .isZero();
        assertThat(result.pValue()).isPositive().isLessThan(1e-20);
    }

    @Test
    void shouldRejectANullGroupOrObservationWhenTesting() {
        assertThatThrownBy(() -> LogRank.test(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LogRank.test(Arrays.asList(Freireich.PLACEBO, null)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LogRank.test(List.of(Freireich.PLACEBO, Arrays.asList(event(1), null))))
                .isInstanceOf(NullPointerException.class);
    }
}
