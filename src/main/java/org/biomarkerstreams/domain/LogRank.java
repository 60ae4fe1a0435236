package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hipparchus.special.Gamma;

/**
 * The k-sample log-rank (Mantel–Haenszel) test of equal survival curves, as R's {@code survdiff(rho = 0)} computes
 * it. At each distinct event time with {@code d} events among {@code n} at risk ({@code n_j} of them in group j),
 * group j expects {@code d·n_j/n} events, and the hypergeometric covariance of the groups' event counts is {@code
 * V_jl = d(n − d)/(n − 1) · (n_j/n)(δ_jl − n_l/n)}. With {@code U = O − E} summed over times, the statistic is
 * {@code U'V⁻U} on the groups but one (for two groups this is the familiar {@code (O − E)²/V}), chi-square with k − 1
 * degrees of freedom under the null. Censorings tied with an event count at risk at it, as in {@link KaplanMeier}.
 */
public final class LogRank {

    /** A pivot this small relative to the largest variance is a linear dependency, not information. */
    private static final double SINGULAR = 1e-10;

    /**
     * One group's counts, in the order the groups were given.
     *
     * @param subjects observations in the group
     * @param observed events in the group
     * @param expected events expected in the group under equal survival (R's "Expected")
     */
    public record Group(int subjects, int observed, double expected) {}

    /**
     * The test's outcome.
     *
     * @param chiSquare the statistic {@code U'V⁻U}
     * @param degreesOfFreedom groups taking part minus one (see {@link #test})
     * @param pValue upper tail of the chi-square distribution at {@code chiSquare}
     * @param groups counts per input group, ignored groups included (with 0 expected)
     */
    public record Result(double chiSquare, int degreesOfFreedom, double pValue, List<Group> groups) {
        public Result {
            groups = List.copyOf(groups);
        }
    }

    private LogRank() {}

    /**
     * Tests whether these groups share one survival curve.
     *
     * <p>A group takes part only if it has someone at risk at some event time (expected &gt; 0); a group with no
     * subjects, or whose subjects were all censored before the first event, carries no information and is ignored,
     * as R's {@code survdiff} drops groups with 0 expected. The degrees of freedom are the rank of the covariance
     * matrix of the groups taking part, which is their number minus one except in degenerate data (e.g. every event
     * time wiping out the whole risk set), where R's {@code solve} would fail instead.
     *
     * @return empty when no test is possible: fewer than two groups take part, or their covariance is 0
     */
    public static Optional<Result> test(List<? extends Collection<KaplanMeier.Observation>> groups) {
        Objects.requireNonNull(groups, "groups");
        int k = groups.size();
        List<Tagged> all = new ArrayList<>();
        int[] subjects = new int[k];
        for (int g = 0; g < k; g++) {
            Collection<KaplanMeier.Observation> group = Objects.requireNonNull(groups.get(g), "group");
            for (KaplanMeier.Observation o : group) {
                all.add(new Tagged(Objects.requireNonNull(o, "observation"), g));
            }
            subjects[g] = group.size();
        }
        all.sort(Comparator.comparingDouble(t -> t.observation().time()));

        int[] atRisk = subjects.clone();
        int totalAtRisk = all.size();
        int[] observed = new int[k];
        double[] expected = new double[k];
        double[][] covariance = new double[k][k];
        int[] events = new int[k];
        int[] leaving = new int[k];
        int i = 0;
        while (i < all.size()) {
            double time = all.get(i).observation().time();
            Arrays.fill(events, 0);
            Arrays.fill(leaving, 0);
            int d = 0;
            while (i < all.size() && all.get(i).observation().time() == time) {
                Tagged t = all.get(i);
                if (t.observation().event()) {
                    events[t.group()]++;
                    d++;
                }
                leaving[t.group()]++;
                i++;
            }
            if (d > 0) {
                double n = totalAtRisk;
                // d(n − d)/(n − 1); with n = 1 the only subject is the event and the factor is 0.
                double scale = totalAtRisk > 1 ? d * (n - d) / (n - 1) : 0.0;
                for (int j = 0; j < k; j++) {
                    observed[j] += events[j];
                    double share = atRisk[j] / n;
                    expected[j] += d * share;
                    for (int l = 0; l < k; l++) {
                        double other = atRisk[l] / n;
                        covariance[j][l] += scale * share * ((j == l ? 1.0 : 0.0) - other);
                    }
                }
            }
            for (int j = 0; j < k; j++) {
                atRisk[j] -= leaving[j];
            }
            totalAtRisk = all.size() - i;
        }

        List<Group> counts = new ArrayList<>(k);
        List<Integer> taking = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            counts.add(new Group(subjects[j], observed[j], expected[j]));
            if (expected[j] > 0) {
                taking.add(j);
            }
        }
        if (taking.size() < 2) {
            return Optional.empty();
        }
        // Drop one group: the full matrix has rows summing to 0, and the quadratic form is the same whichever goes.
        int m = taking.size() - 1;
        double[] u = new double[m];
        double[][] v = new double[m][m];
        for (int a = 0; a < m; a++) {
            int ja = taking.get(a);
            u[a] = observed[ja] - expected[ja];
            for (int b = 0; b < m; b++) {
                v[a][b] = covariance[ja][taking.get(b)];
            }
        }
        QuadraticForm form = generalizedQuadraticForm(v, u);
        if (form.rank() == 0) {
            return Optional.empty();
        }
        double chiSquare = Math.max(0.0, form.value());
        // Q(df/2, x/2) is the chi-square upper tail; computed directly it keeps its digits where 1 − CDF would
        // round to 0 (p < 1e-16 happens with a few hundred subjects and a real effect).
        double pValue = Gamma.regularizedGammaQ(form.rank() / 2.0, chiSquare / 2.0);
        return Optional.of(new Result(chiSquare, form.rank(), pValue, counts));
    }

    private record Tagged(KaplanMeier.Observation observation, int group) {}

    private record QuadraticForm(double value, int rank) {}

    /**
     * {@code u'V⁻u} through a Cholesky factorisation {@code V = LDL'} that skips (zeroes) pivots too small to be
     * information, the generalized inverse survival's {@code cholesky2} uses; {@code rank} counts the pivots kept.
     */
    private static QuadraticForm generalizedQuadraticForm(double[][] v, double[] u) {
        int m = u.length;
        double largest = 0;
        for (int a = 0; a < m; a++) {
            largest = Math.max(largest, Math.abs(v[a][a]));
        }
        double tolerance = largest * SINGULAR;
        double[][] lower = new double[m][m];
        double[] pivots = new double[m];
        boolean[] kept = new boolean[m];
        for (int c = 0; c < m; c++) {
            double pivot = v[c][c];
            for (int p = 0; p < c; p++) {
                if (kept[p]) {
                    pivot -= lower[c][p] * lower[c][p] * pivots[p];
                }
            }
            kept[c] = pivot > tolerance;
            pivots[c] = kept[c] ? pivot : 0.0;
            lower[c][c] = 1.0;
            for (int r = c + 1; r < m; r++) {
                if (!kept[c]) {
                    lower[r][c] = 0.0;
                    continue;
                }
                double entry = v[r][c];
                for (int p = 0; p < c; p++) {
                    if (kept[p]) {
                        entry -= lower[r][p] * lower[c][p] * pivots[p];
                    }
                }
                lower[r][c] = entry / pivot;
            }
        }
        // Solve L y = u; then u'V⁻u = Σ y_c² / D_c over the kept pivots.
        double[] y = new double[m];
        double value = 0;
        int rank = 0;
        for (int c = 0; c < m; c++) {
            double entry = u[c];
            for (int p = 0; p < c; p++) {
                entry -= lower[c][p] * y[p];
            }
            y[c] = entry;
            if (kept[c]) {
                value += entry * entry / pivots[c];
                rank++;
            }
        }
        return new QuadraticForm(value, rank);
    }
}
