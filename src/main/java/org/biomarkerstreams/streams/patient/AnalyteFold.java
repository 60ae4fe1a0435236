package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Objects;
import org.biomarkerstreams.domain.NormalizationScan;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.TimeToNormalization;
import org.biomarkerstreams.domain.VisitWindow;

/**
 * Folds readings into a patient's {@link AnalyteState}: one added, one removed, or all of them again. An
 * addition updates each pick in place; a removal, or an addition the state cannot place (out of order), rescans
 * only the range whose answer it can change, never the whole history. The rules: docs/semantics.md.
 *
 * <p>The store already holds the change: an added reading is in it, a removed one is gone.
 */
final class AnalyteFold {

    private final Protocol protocol;
    private final ReadablePatientStores stores;

    AnalyteFold(Protocol protocol, ReadablePatientStores stores) {
        this.protocol = protocol;
        this.stores = stores;
    }

    void add(PatientContext patient, String analyte, AnalyteState st, StoredReading r) {
        AnalyteState.Pick pick = AnalyteState.Pick.of(r);
        st.count++;
        if (st.latest == null || pick.isAfter(st.latest) || pick.readingId().equals(st.latest.readingId())) {
            st.latest = pick;
        }
        Instant anchor = patient.anchor();
        if (anchor == null) {
            return;
        }
        if (protocol.inBaselineWindow(anchor, r.observedAt()) && (st.baseline == null || pick.isAfter(st.baseline))) {
            st.baseline = pick;
        }
        int pdy = StudyDay.pdy(anchor, r.observedAt(), protocol.zone());
        for (VisitWindow w : protocol.visits()) {
            AnalyteState.Pick current = st.visits.get(w.name());
            if (w.contains(pdy) && (current == null || visitPrefers(w, anchor, pick, current))) {
                st.visits.put(w.name(), pick);
            }
        }
        if (protocol.inFollowUp(anchor, r.observedAt())) {
            st.nadir = st.nadir == null ? r.value() : Math.min(st.nadir, r.value());
            st.peak = st.peak == null ? r.value() : Math.max(st.peak, r.value());
        }
        if (inObservation(patient, r)) {
            NormalizationScan scan = st.scan;
            if (scan.lastReadingAt() == null || r.observedAt().isAfter(scan.lastReadingAt())) {
                st.scan = scan.accept(r.observedAt(), Boolean.TRUE.equals(r.normal()), protocol.confirmation());
            } else {
                rescanNormalizationUnlessSettled(patient, analyte, st, r);
            }
        }
    }

    void remove(PatientContext patient, String analyte, AnalyteState st, StoredReading r) {
        st.count--;
        if (st.latest != null && st.latest.readingId().equals(r.readingId())) {
            st.latest = last(patient.id(), analyte, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        Instant anchor = patient.anchor();
        if (anchor == null) {
            return;
        }
        if (protocol.inBaselineWindow(anchor, r.observedAt())
                && st.baseline != null
                && st.baseline.readingId().equals(r.readingId())) {
            st.baseline = baseline(patient.id(), analyte, anchor);
        }
        int pdy = StudyDay.pdy(anchor, r.observedAt(), protocol.zone());
        for (VisitWindow w : protocol.visits()) {
            AnalyteState.Pick current = st.visits.get(w.name());
            if (w.contains(pdy) && current != null && current.readingId().equals(r.readingId())) {
                putOrRemove(st, w, visit(patient.id(), analyte, anchor, w));
            }
        }
        if (protocol.inFollowUp(anchor, r.observedAt())
                && (Objects.equals(st.nadir, r.value()) || Objects.equals(st.peak, r.value()))) {
            extremes(patient, analyte, st);
        }
        if (inObservation(patient, r)) {
            rescanNormalizationUnlessSettled(patient, analyte, st, r);
        }
    }

    /** Every pick from the stored readings: after the anchor, censoring, arm or strata changed, or a redelivery. */
    void rebuild(PatientContext patient, String analyte, AnalyteState st) {
        st.latest = last(patient.id(), analyte, Long.MIN_VALUE, Long.MAX_VALUE);
        st.visits.clear();
        Instant anchor = patient.anchor();
        if (anchor == null) {
            st.baseline = null;
            st.nadir = null;
            st.peak = null;
            st.scan = NormalizationScan.EMPTY;
            return;
        }
        st.baseline = baseline(patient.id(), analyte, anchor);
        for (VisitWindow w : protocol.visits()) {
            putOrRemove(st, w, visit(patient.id(), analyte, anchor, w));
        }
        extremes(patient, analyte, st);
        st.scan = normalization(patient, analyte);
    }

    /** A reading that counts towards time to normalization: after the anchor, up to the end of observation. */
    private boolean inObservation(PatientContext patient, StoredReading r) {
        Instant anchor = patient.anchor();
        Instant end = TimeToNormalization.observationEnd(protocol, anchor, patient.censoring());
        return r.observedAt().isAfter(anchor) && !r.observedAt().isAfter(end);
    }

    /** A reading after the confirmed event cannot move it; anything earlier may. */
    private void rescanNormalizationUnlessSettled(
            PatientContext patient, String analyte, AnalyteState st, StoredReading r) {
        if (!(st.scan.eventFound() && r.observedAt().isAfter(st.scan.confirmedAt()))) {
            st.scan = normalization(patient, analyte);
        }
    }

    private NormalizationScan normalization(PatientContext patient, String analyte) {
        Instant anchor = patient.anchor();
        Instant end = TimeToNormalization.observationEnd(protocol, anchor, patient.censoring());
        NormalizationScan[] scan = {NormalizationScan.EMPTY};
        stores.forEachReading(
                patient.id(),
                analyte,
                anchor.toEpochMilli() + 1,
                end.toEpochMilli() + 1,
                r -> scan[0] =
                        scan[0].accept(r.observedAt(), Boolean.TRUE.equals(r.normal()), protocol.confirmation()));
        return scan[0];
    }

    /** Nadir and peak over the follow-up: after the anchor, up to its end. */
    private void extremes(PatientContext patient, String analyte, AnalyteState st) {
        st.nadir = null;
        st.peak = null;
        Instant anchor = patient.anchor();
        stores.forEachReading(
                patient.id(),
                analyte,
                anchor.toEpochMilli() + 1,
                protocol.followUpEnd(anchor).toEpochMilli() + 1,
                r -> {
                    st.nadir = st.nadir == null ? r.value() : Math.min(st.nadir, r.value());
                    st.peak = st.peak == null ? r.value() : Math.max(st.peak, r.value());
                });
    }

    private AnalyteState.Pick last(String patientId, String analyte, long fromMillis, long untilMillis) {
        StoredReading r = stores.lastReading(patientId, analyte, fromMillis, untilMillis);
        return r == null ? null : AnalyteState.Pick.of(r);
    }

    /** The last reading at or before the anchor, within the baseline window. */
    private AnalyteState.Pick baseline(String patientId, String analyte, Instant anchor) {
        return last(patientId, analyte, protocol.baselineFrom(anchor).toEpochMilli(), anchor.toEpochMilli() + 1);
    }

    private AnalyteState.Pick visit(String patientId, String analyte, Instant anchor, VisitWindow w) {
        AnalyteState.Pick[] best = {null};
        stores.forEachReading(
                patientId,
                analyte,
                w.start(anchor, protocol.zone()).toEpochMilli(),
                w.end(anchor, protocol.zone()).toEpochMilli(),
                r -> {
                    AnalyteState.Pick p = AnalyteState.Pick.of(r);
                    if (best[0] == null || visitPrefers(w, anchor, p, best[0])) {
                        best[0] = p;
                    }
                });
        return best[0];
    }

    /** Closest to the target day, then the later reading, then the greater reading id: one winner in any order. */
    private boolean visitPrefers(
            VisitWindow w, Instant anchor, AnalyteState.Pick candidate, AnalyteState.Pick current) {
        int candidatePdy = StudyDay.pdy(anchor, candidate.at(), protocol.zone());
        int currentPdy = StudyDay.pdy(anchor, current.at(), protocol.zone());
        if (w.prefers(candidatePdy, candidate.at(), currentPdy, current.at())) {
            return true;
        }
        if (w.prefers(currentPdy, current.at(), candidatePdy, candidate.at())) {
            return false;
        }
        return candidate.readingId().compareTo(current.readingId()) >= 0;
    }

    private static void putOrRemove(AnalyteState st, VisitWindow w, AnalyteState.Pick pick) {
        if (pick == null) {
            st.visits.remove(w.name());
        } else {
            st.visits.put(w.name(), pick);
        }
    }
}
