package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * PaO2/FiO2 derived from a PaO2 and an FiO2 reading of the same patient, when no ratio was reported:
 * the two must be drawn within {@link #PAIRING} of each other, and no reported ratio may lie within
 * {@link #PAIRING} of the PaO2 (the reported one wins).
 */
public final class OxygenationIndex {

    /** How far apart a PaO2 and an FiO2 (or a reported ratio) may be and still describe one blood gas. */
    public static final Duration PAIRING = Duration.ofMinutes(30);

    public static final String RATIO = "PFRATIO";
    public static final String PAO2 = "PAO2";
    public static final String FIO2 = "FIO2";

    private OxygenationIndex() {}

    /** True when the readings at {@code a} and {@code b} are within {@link #PAIRING}, bounds included. */
    public static boolean paired(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(PAIRING) <= 0;
    }

    /**
     * The ratio in mmHg of PaO2 in mmHg and FiO2 as a fraction (the profile's canonical units).
     *
     * @throws IllegalArgumentException if {@code fio2} is not in (0, 1]
     */
    public static double ratio(double pao2MmHg, double fio2Fraction) {
        if (!(fio2Fraction > 0 && fio2Fraction <= 1)) {
            throw new IllegalArgumentException("FiO2 must be a fraction in (0, 1], got " + fio2Fraction);
        }
        return pao2MmHg / fio2Fraction;
    }
}
