package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.domain.KaplanMeier.Observation;

/**
 * Freireich et al. (1963), Blood 21:699: weeks of remission of 42 children with acute leukaemia, 6-mercaptopurine
 * against placebo (the "gehan" data of R's MASS and of Cox 1972). The textbook data set for Kaplan–Meier and
 * log-rank, with published R, Stata and SAS output to check against.
 */
final class Freireich {

    /** 6-MP: 9 relapses, 12 censored (a negative time here marks a censoring). */
    static final List<Observation> SIX_MP =
            of(6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25, -32, -32, -34, -35);

    /** Placebo: all 21 relapsed. */
    static final List<Observation> PLACEBO = of(1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23);

    private Freireich() {}

    private static List<Observation> of(double... times) {
        List<Observation> observations = new ArrayList<>();
        for (double t : times) {
            observations.add(new Observation(Math.abs(t), t > 0));
        }
        return List.copyOf(observations);
    }
}
