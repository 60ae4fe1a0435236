package org.biomarkerstreams.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
     * <p>Only a visit the patient has been observed past is carried forward: its window must have
     * closed before the patient's last reading. A visit still ahead (or just not reported yet) stays
     * missing instead of being filled with a value that would later be replaced, and the answer does
     * not depend on the wall clock.
     *
     * @param visitNames visit names in protocol order, BASELINE first
     * @param observed visit name to value; null or absent means no reading in the window
     * @param locf whether to carry values forward at all
     * @param closed whether the patient was observed past a visit's window
     */
    public static Map<String, VisitValue> series(
            List<String> visitNames, Map<String, Double> observed, boolean locf, Predicate<String> closed) {
        Map<String, VisitValue> out = new LinkedHashMap<>();
        VisitValue previous = null;
        for (int i = 0; i < visitNames.size(); i++) {
            String visit = visitNames.get(i);
            Double value = observed.get(visit);
            VisitValue current = null;
            if (value != null) {
                current = new VisitValue(value, false);
            } else if (locf && i > 0 && previous != null && closed.test(visit)) {
                current = new VisitValue(previous.value(), true);
            }
            if (current != null) {
                out.put(visit, current);
            }
            previous = current;
        }
        return out;
    }

    /**
     * The visits whose window ends before the protocol day of the patient's last reading.
     *
     * @param lastPdy protocol day of the patient's last reading of the analyte
     */
    public static Predicate<String> closedBefore(Protocol protocol, int lastPdy) {
        return visit -> protocol.visits().stream().anyMatch(w -> w.name().equals(visit) && w.toDay() < lastPdy);
    }
}
