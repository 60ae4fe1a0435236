package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.biomarkerstreams.domain.CensoringEvent;

/** A patient as the fold and the emitted records need it: what follows from its clinical events. */
public record PatientContext(
        String id, Instant anchor, Optional<CensoringEvent> censoring, String arm, Map<String, String> strata) {

    public static PatientContext of(String patientId, PatientState state) {
        return state.context(patientId);
    }
}
