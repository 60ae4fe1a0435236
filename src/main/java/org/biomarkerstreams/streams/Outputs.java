package org.biomarkerstreams.streams;

import org.biomarkerstreams.streams.patient.AnalyteState;
import org.biomarkerstreams.streams.patient.PatientProcessor;
import org.biomarkerstreams.streams.patient.StoredReading;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.RangeIndicator;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.Comparator;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.VisitWindow;

/**
 * Maps the processor's domain results to the Avro output records and their keys. Here, and only here, a
 * patient id becomes what the outputs show ({@link TopologyConfig#pseudonym()}): everything downstream of the
 * patient processor (views, alerts, cohort contributions) sees the pseudonym.
 */
public final class Outputs {

    /**
     * Header of a record re-emitted for an exact duplicate input under at_least_once: downstream
     * processors re-send what they derive from it even when their state says it was sent.
     */
    public static final String REDELIVERY_HEADER = "biomarker.redelivery";

    public static final byte[] REDELIVERY_MARK = {1};

    /** An output record with its key; the value's type decides the topic. */
    public record Keyed(String key, SpecificRecord value) {}

    private final TopologyConfig config;
    private final Pseudonym pseudonym;

    /* The last patient's pseudonym: one input emits several records for one patient (one processor per task, one thread). */
    private String lastPatient;
    private String lastShown;

    public Outputs(TopologyConfig config) {
        this.config = config;
        this.pseudonym = config.pseudonym();
    }

    /** What stands for the patient in output keys and values: the pseudonym when one is configured. */
    public String shown(PatientProcessor.PatientContext patient) {
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

    public static String perAnalyteKey(String patientId, String analyte) {
        return patientId + '|' + analyte;
    }

    public static String perReadingKey(String patientId, String readingId) {
        return patientId + '|' + readingId;
    }

    public Keyed point(PatientProcessor.PatientContext patient, String analyte, StoredReading r, AnalyteState.Pick baseline) {
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
        return new Keyed(perReadingKey(shown(patient), b.getReadingId()), b.build());
    }

    public Keyed retractedPoint(PatientProcessor.PatientContext patient, String analyte, StoredReading r, long revision) {
        TrajectoryPoint.Builder b = pointBuilder(patient, analyte, r)
                .setRevision(revision)
                .setStatus(ResultStatus.DELETED)
                .setRetracted(true);
        return new Keyed(perReadingKey(shown(patient), b.getReadingId()), b.build());
    }

    private TrajectoryPoint.Builder pointBuilder(
            PatientProcessor.PatientContext patient, String analyte, StoredReading r) {
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
                        r.assayType() == org.biomarkerstreams.domain.AssayType.NONE
                                ? null
                                : r.assayType().name())
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

    public Keyed summary(
            PatientProcessor.PatientContext patient,
            String analyte,
            AnalyteState st,
            org.biomarkerstreams.domain.TimeToNormalization ttn) {
        Map<String, Double> visits = new LinkedHashMap<>();
        visits.put(
                org.biomarkerstreams.domain.Protocol.BASELINE,
                patient.anchor() != null && st.baseline != null ? st.baseline.value() : null);
        for (VisitWindow w : config.protocol().visits()) {
            AnalyteState.Pick p = patient.anchor() == null ? null : st.visits.get(w.name());
            visits.put(w.name(), p == null ? null : p.value());
        }
        BiomarkerSummary s = BiomarkerSummary.newBuilder()
                .setPatientId(shown(patient))
                .setAnalyte(analyte)
                .setUnit(unitOf(analyte))
                .setArm(patient.arm())
                .setStrata(new LinkedHashMap<>(patient.strata()))
                .setAnchorAt(patient.anchor())
                .setBaseline(st.baseline == null || patient.anchor() == null ? null : st.baseline.value())
                .setBaselineAt(st.baseline == null || patient.anchor() == null ? null : st.baseline.at())
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
        return new Keyed(perAnalyteKey(shown(patient), analyte), s);
    }

    public Keyed timeToNormalization(
            PatientProcessor.PatientContext patient,
            String analyte,
            org.biomarkerstreams.domain.TimeToNormalization t) {
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
        return new Keyed(perAnalyteKey(shown(patient), analyte), r);
    }

    private String unitOf(String analyte) {
        return config.profile()
                .analyte(analyte)
                .map(AnalyteDefinition::canonicalUnit)
                .orElse("");
    }

    /** Whether a {@link #fingerprint} of a time-to-normalization record is an event (cnsr 0). */
    public static boolean isEvent(byte[] ttnFingerprint) {
        try {
            TimeToNormalization r = new SpecificDatumReader<>(TimeToNormalization.class)
                    .read(null, DecoderFactory.get().binaryDecoder(ttnFingerprint, null));
            return Integer.valueOf(0).equals(r.getCnsr());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Avro binary of a record, to tell whether an output changed since it was last emitted. */
    public static byte[] fingerprint(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
