package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.domain.KaplanMeier.Observation;
import org.biomarkerstreams.domain.LogRank.Result;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * The k-sample statistic against a brute force: O, E and the full k×k covariance counted afresh at each event time
 * from the raw observations, the groups-but-last system solved by Hipparchus' LU decomposition (not the generalized
 * Cholesky of the code under test).
 */
class LogRankProperties {

    @Property
    void shouldMatchABruteForceMatrixComputationWhenGivenThreeGroups(
            @ForAll("threeGroups") List<List<Observation>> groups) {
        Brute brute = brute(groups);
        Optional<Result> result = LogRank.test(groups);

        // Compare where the textbook inverse exists: all three groups take part and V is well conditioned.
        Assume.that(brute.taking() == 3 && brute.reducedDeterminantRatio() > 1e-8);
        Result r = result.orElseThrow();
        assertThat(r.degreesOfFreedom()).isEqualTo(2);
        assertThat(r.chiSquare()).isCloseTo(brute.chiSquare(), within(1e-8 * Math.max(1, brute.chiSquare())));
        for (int j = 0; j < 3; j++) {
            assertThat(r.groups().get(j).observed()).isEqualTo((int) brute.observed()[j]);
            assertThat(r.groups().get(j).expected()).isCloseTo(brute.expected()[j], within(1e-9));
        }
        assertThat(r.pValue())
                .isCloseTo(1 - new ChiSquaredDistribution(2).cumulativeProbability(r.chiSquare()), within(1e-9));
    }

    @Property
    void shouldNotDependOnWhichGroupIsLeftOutWhenGroupsAreReordered(
            @ForAll("threeGroups") List<List<Observation>> groups) {
        Optional<Result> forward = LogRank.test(groups);
        Optional<Result> rotated = LogRank.test(List.of(groups.get(2), groups.get(0), groups.get(1)));

        assertThat(rotated.isPresent()).isEqualTo(forward.isPresent());
        forward.ifPresent(f -> {
            assertThat(rotated.get().degreesOfFreedom()).isEqualTo(f.degreesOfFreedom());
            assertThat(rotated.get().chiSquare()).isCloseTo(f.chiSquare(), within(1e-7 * Math.max(1, f.chiSquare())));
        });
    }

    @Property
    void shouldEqualTheTwoGroupFormulaWhenGivenTwoGroups(@ForAll("twoGroups") List<List<Observation>> groups) {
        Brute brute = brute(groups);
        Assume.that(brute.taking() == 2 && brute.variance()[0][0] > 1e-9);

        Result r = LogRank.test(groups).orElseThrow();

        double u = brute.observed()[0] - brute.expected()[0];
        assertThat(r.degreesOfFreedom()).isEqualTo(1);
        assertThat(r.chiSquare()).isCloseTo(u * u / brute.variance()[0][0], within(1e-9 * Math.max(1, r.chiSquare())));
    }

    @Property
    void shouldHaveAValidChiSquareAndPValueWhenATestIsPossible(@ForAll("threeGroups") List<List<Observation>> groups) {
        LogRank.test(groups).ifPresent(r -> {
            assertThat(r.chiSquare()).isGreaterThanOrEqualTo(0.0).isFinite();
            assertThat(r.pValue()).isBetween(0.0, 1.0);
            assertThat(r.degreesOfFreedom()).isBetween(1, 2);
            double expectedTotal =
                    r.groups().stream().mapToDouble(LogRank.Group::expected).sum();
            int observedTotal =
                    r.groups().stream().mapToInt(LogRank.Group::observed).sum();
            assertThat(expectedTotal).isCloseTo(observedTotal, within(1e-9));
        });
    }

    @Provide
    Arbitrary<List<List<Observation>>> threeGroups() {
        return group().list().ofSize(3);
    }

    @Provide
    Arbitrary<List<List<Observation>>> twoGroups() {
        return group().list().ofSize(2);
    }

    private static Arbitrary<List<Observation>> group() {
        Arbitrary<Observation> observation = Combinators.combine(
                        Arbitraries.integers().between(0, 20), Arbitraries.of(true, true, false))
                .as((day, event) -> new Observation(day, event));
        return observation.list().ofMaxSize(25);
    }

    private record Brute(
            double[] observed,
            double[] expected,
            double[][] variance,
            int taking,
            double chiSquare,
            double reducedDeterminantRatio) {}

    private static Brute brute(List<List<Observation>> groups) {
        int k = groups.size();
        TreeSet<Double> eventTimes = new TreeSet<>();
        groups.forEach(g -> g.stream().filter(Observation::event).forEach(o -> eventTimes.add(o.time())));
        double[] o = new double[k];
        double[] e = new double[k];
        double[][] v = new double[k][k];
        for (double u : eventTimes) {
            double[] nj = new double[k];
            double[] dj = new double[k];
            for (int j = 0; j < k; j++) {
                nj[j] = groups.get(j).stream().filter(x -> x.time() >= u).count();
                dj[j] = groups.get(j).stream()
                        .filter(x -> x.event() && x.time() == u)
                        .count();
            }
            double n = sum(nj);
            double d = sum(dj);
            for (int j = 0; j < k; j++) {
                o[j] += dj[j];
                e[j] += d * nj[j] / n;
                for (int l = 0; l < k; l++) {
                    if (n > 1) {
                        v[j][l] += nj[j] * ((j == l ? n : 0) - nj[l]) * d * (n - d) / (n * n * (n - 1));
                    }
                }
            }
        }
        List<Integer> taking = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (e[j] > 0) {
                taking.add(j);
            }
        }
        double chi = Double.NaN;
        double ratio = 0;
        if (taking.size() >= 2) {
            int m = taking.size() - 1;
            RealMatrix reduced = MatrixUtils.createRealMatrix(m, m);
            RealVector diff = MatrixUtils.createRealVector(new double[m]);
            double scale = 1;
            for (int a = 0; a < m; a++) {
                diff.setEntry(a, o[taking.get(a)] - e[taking.get(a)]);
                scale *= Math.max(v[taking.get(a)][taking.get(a)], 1e-300);
                for (int b = 0; b < m; b++) {
                    reduced.setEntry(a, b, v[taking.get(a)][taking.get(b)]);
                }
            }
            LUDecomposition lu = new LUDecomposition(reduced, 1e-300);
            ratio = lu.getDeterminant() / scale; // 1 for a diagonal V, → 0 as the groups become dependent
            if (ratio > 1e-8) {
                chi = diff.dotProduct(lu.getSolver().solve(diff));
            }
        }
        return new Brute(o, e, v, taking.size(), chi, ratio);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double x : values) {
            s += x;
        }
        return s;
    }
}
