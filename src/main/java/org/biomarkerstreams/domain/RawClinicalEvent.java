package org.biomarkerstreams.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A clinical event as received, before validation. Every field may be null except {@code strata}, which is an
 * empty map when none were sent; its labels are kept sorted by name so that anything written from it is stable.
 *
 * @param eventId stable id of the event across corrections
 * @param revision higher replaces lower
 * @param patientId patient identifier (PHI)
 * @param type kind of event, null when not given
 * @param at when the event happened
 * @param arm treatment arm (ENROLLED, RANDOMIZED)
 * @param strata stratification labels such as severity or age band
 * @param dose dose as recorded (INFUSION)
 * @param product product administered (INFUSION)
 * @param enteredInError true retracts the event with this id
 * @param source where the event came from, e.g. {@code ndjson}
 */
public record RawClinicalEvent(
        String eventId,
        long revision,
        String patientId,
        EventType type,
        Instant at,
        String arm,
        Map<String, String> strata,
        String dose,
        String product,
        boolean enteredInError,
        String source) {

    public RawClinicalEvent {
        TreeMap<String, String> sorted = new TreeMap<>();
        if (strata != null) {
            strata.forEach((label, value) -> sorted.put(
                    Objects.requireNonNull(label, "strata label"), Objects.requireNonNull(value, "strata value")));
        }
        strata = Collections.unmodifiableMap(sorted);
    }

    /** The same event under other ids (a replayed or synthetic feed giving it its own event and patient). */
    public RawClinicalEvent withIds(String newEventId, String newPatientId) {
        return new RawClinicalEvent(
                newEventId, revision, newPatientId, type, at, arm, strata, dose, product, enteredInError, source);
    }

    /** The same event at another time. */
    public RawClinicalEvent withAt(Instant newAt) {
        return new RawClinicalEvent(
                eventId, revision, patientId, type, newAt, arm, strata, dose, product, enteredInError, source);
    }
}
