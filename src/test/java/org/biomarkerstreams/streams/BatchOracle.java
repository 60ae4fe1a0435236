package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.domain.AnalyteRole;
import org.biomarkerstreams.domain.CensoringEvent;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.NormalizationScan;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.TimeToNormalization;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.streams.patient.AnalyteState;
import org.biomarkerstreams.streams.patient.PatientContext;
import org.biomarkerstreams.streams.patient.PatientRecords;
import org.biomarkerstreams.streams.patient.StoredReading;

/**
 * The straightforward batch computation the streaming topology must agree with: take the final set
 * of records (highest revision per reading and event id, retractions removed), sort each patient's
 * readings, and compute every output from scratch with plain loops. No incremental state, no stores.
 */
public final class BatchOracle {

    private final TopologyConfig config;
    private final Protocol protocol;
    private final ReadingNormalizer normalizer;
    private final PatientRecords outputs;

    public BatchOracle(TopologyConfig config) {
        this.config = config;
        this.protocol = config.protocol();
        this.normalizer = new ReadingNormalizer(config.profile(), new UnitConverter());
        this.outputs = new PatientRecords(config);
    }

    private record Live(String analyte, StoredReading reading) {}

    /** Expected latest output per key; readings and events are every input that is valid. */
    public Map<String, SpecificRecord> expected(
            List<RawReading> readings, List<RawClinicalEvent> events, Instant streamTime) {
        Map<String, RawReading> finalReadings = new TreeMap<>();
        for (RawReading r : readings) {
            finalReadings.merge(
                    r.patientId() + '\0' + r.readingId(), r, (a, b) -> a.revision() >= b.revision() ? a : b);
        }
        Map<String, RawClinicalEvent> finalEvents = new TreeMap<>();
        for (RawClinicalEvent e : events) {
            finalEvents.merge(e.patientId() + '\0' + e.eventId(), e, (a, b) -> a.revision() >= b.revision() ? a : b);
        }
        Map<String, List<Live>> livePerPatient = new TreeMap<>();
        for (RawReading r : finalReadings.values()) {
            if (r.status().retracts()) {
                continue;
            }
            livePerPatient
                    .computeIfAbsent(r.patientId(), p -> new ArrayList<>())
                    .add(live(r));
        }
        Map<String, List<RawClinicalEvent>> eventsPerPatient = new HashMap<>();
        for (RawClinicalEvent e : finalEvents.values()) {
            if (!e.enteredInError() && e.at() != null) {
                eventsPerPatient
                        .computeIfAbsent(e.patientId(), p -> new ArrayList<>())
                        .add(e);
            }
        }

        Map<String, SpecificRecord> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Live>> entry : livePerPatient.entrySet()) {
            String patientId = entry.getKey();
            PatientContext patient = patient(patientId, eventsPerPatient.getOrDefault(patientId, List.of()));
            Map<String, List<StoredReading>> byAnalyte = new TreeMap<>();
            for (Live l : entry.getValue()) {
                byAnalyte.computeIfAbsent(l.analyte(), a -> new ArrayList<>()).add(l.reading());
            }
            for (Map.Entry<String, List<StoredReading>> a : byAnalyte.entrySet()) {
                analyte(patient, a.getKey(), a.getValue(), streamTime, out);
            }
        }
        return out;
    }

    /**
     * Every patient with a valid clinical event, as its final events define it (anchor, arm, strata), whether or
     * not it has a reading: the cohort's roster.
     */
    public Map<String, PatientContext> patients(List<RawClinicalEvent> events) {
        Map<String, RawClinicalEvent> finalEvents = new TreeMap<>();
        for (RawClinicalEvent e : events) {
            finalEvents.merge(e.patientId() + '\0' + e.eventId(), e, (a, b) -> a.revision() >= b.revision() ? a : b);
        }
        Map<String, List<RawClinicalEvent>> perPatient = new TreeMap<>();
        for (RawClinicalEvent e : finalEvents.values()) {
            List<RawClinicalEvent> own = perPatient.computeIfAbsent(e.patientId(), p -> new ArrayList<>());
            if (!e.enteredInError() && e.at() != null) {
                own.add(e);
            }
        }
        Map<String, PatientContext> out = new TreeMap<>();
        perPatient.forEach((id, own) -> out.put(id, patient(id, own)));
        return out;
    }

    private Live live(RawReading r) {
        NormalizedValue v = normalizer
                .normalize(r.loinc(), r.analyte(), r.value(), r.unit())
                .value();
        return new Live(v.analyte().paramcd(), StoredReading.of(r, v, v.interval()));
    }

    private PatientContext patient(String id, List<RawClinicalEvent> events) {
        List<RawClinicalEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(RawClinicalEvent::at).thenComparing(RawClinicalEvent::eventId));
        Instant firstInfusion = null;
        Instant firstRandomization = null;
        String randomizedArm = null;
        String enrolledArm = null;
        Map<String, String> strata = new TreeMap<>();
        for (RawClinicalEvent e : sorted) {
            if (e.type() == EventType.INFUSION && firstInfusion == null) {
                firstInfusion = e.at();
            }
            if (e.type() == EventType.RANDOMIZED && firstRandomization == null) {
                firstRandomization = e.at();
            }
            if (e.type() == EventType.RANDOMIZED && e.arm() != null && randomizedArm == null) {
                randomizedArm = e.arm();
            }
            if (e.type() == EventType.ENROLLED && e.arm() != null && enrolledArm == null) {
                enrolledArm = e.arm();
            }
        }
        for (EventType t : List.of(EventType.ENROLLED, EventType.RANDOMIZED)) {
            sorted.stream().filter(e -> e.type() == t).forEach(e -> strata.putAll(e.strata()));
        }
        Instant anchor = firstInfusion != null ? firstInfusion : firstRandomization;
        Optional<CensoringEvent> censoring = Optional.empty();
        if (anchor != null) {
            for (RawClinicalEvent e : sorted) {
                if (!e.at().isBefore(anchor) && (e.type() == EventType.DISCHARGED || e.type() == EventType.DIED)) {
                    censoring = Optional.of(new CensoringEvent(
                            e.type() == EventType.DIED ? CensoringEvent.Kind.DIED : CensoringEvent.Kind.DISCHARGED,
                            e.at()));
                    break;
                }
            }
        }
        return new PatientContext(id, anchor, censoring, randomizedArm != null ? randomizedArm : enrolledArm, strata);
    }

    private void analyte(
            PatientContext patient,
            String analyte,
            List<StoredReading> readings,
            Instant streamTime,
            Map<String, SpecificRecord> out) {
        readings.sort(Comparator.comparing(StoredReading::observedAt).thenComparing(StoredReading::readingId));
        AnalyteState st = new AnalyteState();
        st.count = readings.size();
        st.latest = AnalyteState.Pick.of(readings.get(readings.size() - 1));
        Instant anchor = patient.anchor();
        if (anchor != null) {
            for (StoredReading r : readings) {
                if (!r.observedAt().isAfter(anchor) && inBaselineWindow(anchor, r.observedAt())) {
                    st.baseline = AnalyteState.Pick.of(r);
                }
            }
            for (VisitWindow w : protocol.visits()) {
                StoredReading best = null;
                int bestDistance = Integer.MAX_VALUE;
                for (StoredReading r : readings) {
                    int pdy = StudyDay.pdy(anchor, r.observedAt(), protocol.zone());
                    if (pdy < w.fromDay() || pdy > w.toDay()) {
                        continue;
                    }
                    int distance = Math.abs(pdy - w.targetDay());
                    // readings are in time order, so "<=" keeps the later one on a tie
                    if (distance <= bestDistance) {
                        best = r;
                        bestDistance = distance;
                    }
                }
                if (best != null) {
                    st.visits.put(w.name(), AnalyteState.Pick.of(best));
                }
            }
            Instant followUpEnd = anchor.plus(protocol.followUp());
            Instant end = patient.censoring().isPresent()
                            && patient.censoring().get().at().isBefore(followUpEnd)
                    ? patient.censoring().get().at()
                    : followUpEnd;
            NormalizationScan scan = NormalizationScan.EMPTY;
            for (StoredReading r : readings) {
                if (r.observedAt().isAfter(anchor) && !r.observedAt().isAfter(followUpEnd)) {
                    st.nadir = st.nadir == null ? r.value() : Math.min(st.nadir, r.value());
                    st.peak = st.peak == null ? r.value() : Math.max(st.peak, r.value());
                }
                if (r.observedAt().isAfter(anchor) && !r.observedAt().isAfter(end)) {
                    scan = scan.accept(r.observedAt(), Boolean.TRUE.equals(r.normal()), protocol.confirmation());
                }
            }
            st.scan = scan;
        }
        TimeToNormalization ttn = null;
        if (config.profile().analyte(analyte).orElseThrow().role() == AnalyteRole.PRIMARY) {
            ttn = TimeToNormalization.derive(
                    protocol,
                    anchor,
                    st.baseline == null ? null : st.baseline.normal(),
                    st.scan,
                    patient.censoring(),
                    streamTime);
            PatientRecords.Keyed t = outputs.timeToNormalization(patient, analyte, ttn);
            out.put("ttn:" + t.key(), t.value());
        }
        PatientRecords.Keyed s = outputs.summary(patient, analyte, st, ttn);
        out.put("summary:" + s.key(), s.value());
        for (StoredReading r : readings) {
            PatientRecords.Keyed p = outputs.point(patient, analyte, r, st.baseline);
            out.put("point:" + p.key(), p.value());
        }
    }

    /** The baseline window as docs/semantics.md states it: study days back (pdy ≥ −N), or N × 24 h for the hour rule. */
    private boolean inBaselineWindow(Instant anchor, Instant at) {
        long days = protocol.baselineWindow().toDays();
        return protocol.baselineRule() == org.biomarkerstreams.domain.BaselineRule.HOURS
                ? !at.isBefore(anchor.minus(protocol.baselineWindow()))
                : org.biomarkerstreams.domain.StudyDay.pdy(anchor, at, protocol.zone()) >= -days;
    }
}
