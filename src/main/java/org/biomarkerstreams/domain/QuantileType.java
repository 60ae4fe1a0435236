package org.biomarkerstreams.domain;

/**
 * The nine sample-quantile definitions of Hyndman and Fan (1996), numbered as R's {@code quantile(type = )}: which
 * one a trial's software used decides the quartiles it printed (R and S-PLUS: 7; SAS's default PCTLDEF=5: 2;
 * Stata, SPSS and Minitab: 6).
 */
public enum QuantileType {
    TYPE_1,
    TYPE_2,
    TYPE_3,
    TYPE_4,
    TYPE_5,
    TYPE_6,
    TYPE_7,
    TYPE_8,
    TYPE_9;

    /** R's number of this type, 1–9. */
    public int number() {
        return ordinal() + 1;
    }

    /**
     * The type numbered {@code number} as R numbers them.
     *
     * @throws IllegalArgumentException outside 1–9
     */
    public static QuantileType of(int number) {
        if (number < 1 || number > 9) {
            throw new IllegalArgumentException("quantile type is 1-9 (Hyndman-Fan, as R numbers them), got " + number);
        }
        return values()[number - 1];
    }
}
