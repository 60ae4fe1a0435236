package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.RangeIndicator;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Comparator;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * Maps the patient processor's domain results to the Avro output records and their keys. Here, and only here,
 * a patient id becomes what the outputs show ({@link TopologyConfig#pseudonym()}): everything downstream of the
 * patient processor (views, alerts, cohort contributions) sees the pseudonym. Key layouts:
 * docs/architecture.md, "Topics".
 */
public final class PatientRecords {

    /** An output record with its key. */
    public record Keyed<V extends SpecificRecord>(String key, V value) {}

    private final TopologyConfig config;
    private final Pseudonym pseudonym;

    /* The last patient's pseudonym: one input emits several records for one patient (one instance per task). */
    private String lastPatient;
    private String lastShown;

    public PatientRecords(TopologyConfig config) {
        this.config = config;
        this.pseudonym = config.pseudonym();
    }

    /** What stands for the patient in output keys and values: the pseudonym when one is configured. */
    String shown(PatientContext patient) {
        String id = patient.id();
        if (!pseudonym.enabled()) {
            return id;
        }
        if (!id.equals(lastPatient)) {
            lastShown = pseudonym.of(id);
            lastPatient = id;
        }
        return lastShown;
    }

    /** A reading on the patient's timeline: study days and change from {@code baseline} once there is an anchor. */
    public Keyed<TrajectoryPoint> point(
            PatientContext patient, String analyte, StoredReading r, AnalyteState.Pick baseline) {
        TrajectoryPoint.Builder b = pointBuilder(patient, analyte, r);
        Instant anchor = patient.anchor();
        if (anchor != null) {
            StudyDay day = StudyDay.of(anchor, r.observedAt(), config.protocol().zone());
            b.setAdy(day.ady()).setPdy(day.pdy()).setHoursSinceAnchor(day.hoursSinceAnchor());
            boolean isBaseline = baseline != null && baseline.readingId().equals(r.readingId());
            b.setBaselineFlag(isBaseline);
            if (baseline != null && r.observedAt().isAfter(anchor)) {
                double chg = r.value() - baseline.value();
                b.setChg(chg).setPchg(baseline.value() == 0.0 ? null : chg / baseline.value() * 100.0);
            }
        }
        return new Keyed<>(perReadingKey(shown(patient), b.getReadingId()), b.build());
    }

    Keyed<TrajectoryPoint> retractedPoint(PatientContext patient, String analyte, StoredReading r, long revision) {
        TrajectoryPoint.Builder b = pointBuilder(patient, analyte, r)
                .setRevision(revision)
                .setStatus(ResultStatus.DELETED)
                .setRetracted(true);
        return new Keyed<>(perReadingKey(shown(patient), b.getReadingId()), b.build());
    }

    private TrajectoryPoint.Builder pointBuilder(PatientContext patient, String analyte, StoredReading r) {
        return TrajectoryPoint.newBuilder()
                .setPatientId(shown(patient))
                .setAnalyte(analyte)
                .setReadingId(pseudonym.ofReading(r.readingId()))
                .setRevision(r.revision())
                .setObservedAt(r.observedAt())
                .setValue(r.value())
                .setComparator(
                        r.comparator() == Comparator.EQ ? null : r.comparator().name())
                .setUnit(unitOf(analyte))
                .setAssayType(
                        r.assayType() == AssayType.NONE ? null : r.assayType().name())
                .setAnrind(
                        r.anrind() == null
                                ? null
                                : RangeIndicator.valueOf(r.anrind().name()))
                .setRangeLow(r.rangeLow())
                .setRangeHigh(r.rangeHigh())
                .setStatus(ResultStatus.valueOf(r.status().name()))
                .setRetracted(false)
                .setReceivedAt(r.receivedAt());
    }

    /** The per patient-and-analyte summary; {@code ttn} is null for an analyte without time to normalization. */
    public Keyed<BiomarkerSummary> summary(
            PatientContext patient,
            String analyte,
            AnalyteState st,
            org.biomarkerstreams.domain.TimeToNormalization ttn) {
        boolean anchored = patient.anchor() != null;
        Map<String, Double> visits = new LinkedHashMap<>();
        visits.put(Protocol.BASELINE, anchored && st.baseline != null ? st.baseline.value() : null);
        for (VisitWindow w : config.protocol().visits()) {
            AnalyteState.Pick p = anchored ? st.visits.get(w.name()) : null;
            visits.put(w.name(), p == null ? null : p.value());
        }
        BiomarkerSummary s = BiomarkerSummary.newBuilder()
                .setPatientId(shown(patient))
                .setAnalyte(analyte)
                .setUnit(unitOf(analyte))
                .setArm(patient.arm())
                .setStrata(new LinkedHashMap<>(patient.strata()))
                .setAnchorAt(patient.anchor())
                .setBaseline(st.baseline == null || !anchored ? null : st.baseline.value())
                .setBaselineAt(st.baseline == null || !anchored ? null : st.baseline.at())
                .setLatest(st.latest == null ? null : st.latest.value())
                .setLatestAt(st.latest == null ? null : st.latest.at())
                .setNadir(st.nadir)
                .setPeak(st.peak)
                .setReadingCount(st.count)
                .setVisits(visits)
                .setNormalizationStatus(
                        ttn == null
                                ? NormalizationStatus.NO_ANCHOR
                                : NormalizationStatus.valueOf(ttn.status().name()))
                .build();
        return new Keyed<>(perAnalyteKey(shown(patient), analyte), s);
    }

    public Keyed<TimeToNormalization> timeToNormalization(
            PatientContext patient, String analyte, org.biomarkerstreams.domain.TimeToNormalization t) {
        TimeToNormalization r = TimeToNormalization.newBuilder()
                .setPatientId(shown(patient))
                .setAnalyte(analyte)
                .setArm(patient.arm())
                .setStrata(new LinkedHashMap<>(patient.strata()))
                .setAnchorAt(patient.anchor())
                .setAtRisk(t.atRisk())
                .setStatus(NormalizationStatus.valueOf(t.status().name()))
                .setCnsr(t.cnsr())
                .setAval(t.aval())
                .setAdt(t.adt())
                .setAdy(t.ady())
                .setPdy(t.pdy())
                .setEvntdesc(t.evntdesc())
                .setProvisional(t.provisional())
                .build();
        return new Keyed<>(perAnalyteKey(shown(patient), analyte), r);
    }

    private static String perAnalyteKey(String patient, String analyte) {
        return patient + '|' + analyte;
    }

    private static String perReadingKey(String patient, String readingId) {
        return patient + '|' + readingId;
    }

    private String unitOf(String analyte) {
        return config.profile()
                .analyte(analyte)
                .map(AnalyteDefinition::canonicalUnit)
                .orElse("");
    }
}
