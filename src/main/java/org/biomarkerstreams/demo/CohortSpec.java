package org.biomarkerstreams.demo;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Size, seed and calendar of a {@link SyntheticCohort}.
 *
 * @param mscPatients patients randomized to UC-MSC infusion
 * @param controlPatients patients randomized to standard treatment alone
 * @param seed the random seed; the same spec always yields the same cohort
 * @param studyStart first possible enrollment instant; enrollment is staggered over the following 30 days
 * @param zone site time zone of draw hours, infusion hour and study days
 */
public record CohortSpec(int mscPatients, int controlPatients, long seed, Instant studyStart, ZoneId zone) {

    /** Arm sizes of seed 000 (Shu et al. 2020): 12 UC-MSC, 29 control. */
    public static final int SEED_000_MSC = 12;

    public static final int SEED_000_CONTROL = 29;

    /** Seed 000 recruited from February 2020. */
    public static final Instant SEED_000_START = Instant.parse("2020-02-01T00:00:00Z");

    public CohortSpec {
        if (mscPatients < 0 || controlPatients < 0) {
            throw new IllegalArgumentException(
                    "arm sizes must not be negative, got msc=" + mscPatients + " control=" + controlPatients);
        }
        if (mscPatients + controlPatients == 0) {
            throw new IllegalArgumentException("a cohort needs at least one patient");
        }
        Objects.requireNonNull(studyStart, "studyStart");
        Objects.requireNonNull(zone, "zone");
    }

    /** Seed 000's 12 + 29 patients, enrolled from 2020-02-01 UTC. */
    public static CohortSpec seed000(long seed) {
        return new CohortSpec(SEED_000_MSC, SEED_000_CONTROL, seed, SEED_000_START, ZoneId.of("UTC"));
    }

    /**
     * {@code totalPatients} split 12:29 like seed 000 (MSC rounded, at least one per arm from two patients on),
     * enrolled from 2020-02-01 UTC.
     *
     * @throws IllegalArgumentException if {@code totalPatients < 1}
     */
    public static CohortSpec scaled(int totalPatients, long seed) {
        if (totalPatients < 1) {
            throw new IllegalArgumentException("--patients must be at least 1, got " + totalPatients);
        }
        int msc = (int) Math.round(totalPatients * (double) SEED_000_MSC / (SEED_000_MSC + SEED_000_CONTROL));
        if (totalPatients >= 2) {
            msc = Math.max(1, Math.min(totalPatients - 1, msc));
        }
        return new CohortSpec(msc, totalPatients - msc, seed, SEED_000_START, ZoneId.of("UTC"));
    }

    public int totalPatients() {
        return mscPatients + controlPatients;
    }
}
