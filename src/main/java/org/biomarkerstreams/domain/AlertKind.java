package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The clinical thresholds whose downward crossing raises an alert: PaO2/FiO2 at or below 300, 200 and
 * 100 mmHg (severe disease; Berlin moderate and severe ARDS) and lymphocytes below 0.5 x10^9/L.
 */
public enum AlertKind {
    PFRATIO_LE_300("PFRATIO", 300, true),
    PFRATIO_LE_200("PFRATIO", 200, true),
    PFRATIO_LE_100("PFRATIO", 100, true),
    LYMPH_LT_0_5("LYMPH", 0.5, false);

    private final String analyte;
    private final double threshold;
    private final boolean inclusive;

    AlertKind(String analyte, double threshold, boolean inclusive) {
        this.analyte = analyte;
        this.threshold = threshold;
        this.inclusive = inclusive;
    }

    public String analyte() {
        return analyte;
    }

    public double threshold() {
        return threshold;
    }

    /** True when {@code value} is on the alarming side of the threshold. */
    public boolean isBeyond(double value) {
        return inclusive ? value <= threshold : value < threshold;
    }

    /**
     * True when {@code value} crossed the threshold downwards: it is beyond it and the reading before
     * was not, or there was no reading before (the patient's first reading already beyond it).
     */
    public boolean crossedBy(Double previous, double value) {
        return isBeyond(value) && (previous == null || !isBeyond(previous));
    }

    /** The thresholds of {@code analyte} crossed by going from {@code previous} to {@code value}. */
    public static List<AlertKind> crossings(String analyte, Double previous, double value) {
        List<AlertKind> out = new ArrayList<>();
        for (AlertKind k : values()) {
            if (k.analyte.equals(analyte) && k.crossedBy(previous, value)) {
                out.add(k);
            }
        }
        return out;
    }

    /** True when alerts watch {@code analyte} (as reported). */
    public static boolean watches(String analyte) {
        for (AlertKind k : values()) {
            if (k.analyte.equals(analyte)) {
                return true;
            }
        }
        return false;
    }
}
