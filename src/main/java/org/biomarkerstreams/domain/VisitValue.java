package org.biomarkerstreams.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A patient's value at one visit, observed or carried forward.
 *
 * @param imputed true when the visit had no reading and the value was carried forward (LOCF)
 */
public record VisitValue(double value, boolean imputed) {

    /**
     * The patient's visit values in visit order. Without LOCF, exactly the observed ones. With LOCF, a
     * post-baseline visit without a reading takes the value of the visit before it (observed or itself
     * carried forward; BASELINE included), flagged as imputed; BASELINE is never imputed. Visits absent
     * from the result are missing.
     *
     * <p>Every later visit is filled, also those whose window has not opened yet: the cohort view is the
     * analysis as it would read if the data stopped now.
     *
     * @param visitNames visit names in protocol order, BASELINE first
     * @param observed visit name to value; null or absent means no reading in the window
     */
    public static Map<String, VisitValue> series(List<String> visitNames, Map<String, Double> observed, boolean locf) {
        Map<String, VisitValue> out = new LinkedHashMap<>();
        VisitValue previous = null;
        for (int i = 0; i < visitNames.size(); i++) {
            String visit = visitNames.get(i);
            Double value = observed.get(visit);
            VisitValue current = null;
            if (value != null) {
                current = new VisitValue(value, false);
            } else if (locf && i > 0 && previous != null) {
                current = new VisitValue(previous.value(), true);
            }
            if (current != null) {
                out.put(visit, current);
            }
            previous = current;
        }
        return out;
    }
}
