package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.SampleStatistics;
import org.biomarkerstreams.domain.Stratum;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.VisitCell;
import org.biomarkerstreams.domain.VisitValue;

/**
 * Cohort visit summaries: each patient's {@link BiomarkerSummary} contributes its visit values (LOCF
 * applied when the protocol asks) to every stratum x analyte group it belongs to; a group yields one
 * {@link CohortVisitSummary} per visit, its quartiles of the protocol's {@link
 * org.biomarkerstreams.domain.QuantileType}.
 *
 * <p>N, the patients of a stratum, is what trials report "n of N" against: every patient with an anchor
 * whose arm and strata put it in the stratum, also one without any reading of the analyte. So a patient
 * with an anchor also sends its enrolment, once per patient (not per analyte: the sent store keeps it under
 * {@link #ENROLMENT}), to the group of every stratum it is in x every analyte of the site profile, as a
 * member of its own ({@link #ENROLLED} + token). The enrolment moves with the anchor, arm and strata and
 * leaves when the anchor is retracted, as differences like every contribution. A group renders only once a
 * member has a reading of the analyte, so an analyte nobody has yields no records. The enrolment is read
 * from the patient's summaries, so a patient without a single reading of any analyte is not known here.
 */
final class VisitCohort {

    static final String SENT_STORE = "cohort-visit-sent";
    static final String MEMBERS_STORE = "cohort-visit-members";
    static final String REPARTITION = "cohort-visit-contributions";

    private static final int VERSION = 1;

    /**
     * Prefix of the sent store's "analyte" under which one analyte's summary enrols its patient; no analyte code has a
     * colon.
     */
    static final String ENROLMENT_BY = "enrolment:";

    /**
     * Member key prefix of an enrolment, {@code enrolled:<token>:<analyte>}; a visit series' member key is the bare
     * token (hex, no colon). Each analyte with a live reading enrols the patient on its own, so the final members
     * depend only on the final summaries, whatever order readings, corrections and retractions arrived in.
     */
    static final String ENROLLED = "enrolled:";

    private final TopologyConfig config;
    private final Protocol protocol;
    /** The analytes whose groups count a patient's enrolment: every analyte of the site profile. */
    private final List<String> rosterAnalytes;

    /** The view of visit summaries, as the topology wires it. */
    static CohortView view(TopologyConfig config) {
        VisitCohort cohort = new VisitCohort(config);
        return new CohortView(
                "cohort-visit-contributor",
                SENT_STORE,
                REPARTITION,
                "cohort-visit-summarizer",
                MEMBERS_STORE,
                cohort::contributions,
                cohort::render);
    }

    VisitCohort(TopologyConfig config) {
        this.config = config;
        this.protocol = config.protocol();
        this.rosterAnalytes = config.profile().analytes().stream()
                .map(AnalyteDefinition::paramcd)
                .distinct()
                .toList();
    }

    /** The group key of a stratum x analyte. */
    static String group(Stratum s, String analyte) {
        return CohortKey.join(s.arm(), s.label(), s.value(), analyte);
    }

    List<ContributionProcessor.Contributions> contributions(SpecificRecord record) {
        if (!(record instanceof BiomarkerSummary s)) {
            return List.of();
        }
        Map<ContributionProcessor.Target, byte[]> payloads = new LinkedHashMap<>();
        Map<ContributionProcessor.Target, byte[]> enrolment = new LinkedHashMap<>();
        if (s.getAnchorAt() != null && s.getReadingCount() > 0) {
            String token = ContributionProcessor.token(s.getPatientId());
            List<Stratum> strata = Stratum.of(s.getArm(), s.getStrata(), protocol);
            byte[] enrolled = new StateCodec.Writer(VERSION).toByteArray();
            String member = ENROLLED + token + ":" + s.getAnalyte();
            for (Stratum stratum : strata) {
                for (String analyte : rosterAnalytes) {
                    enrolment.put(new ContributionProcessor.Target(group(stratum, analyte), member), enrolled);
                }
            }
            Predicate<String> closed = s.getLatestAt() == null
                    ? visit -> false
                    : VisitValue.closedBefore(
                            protocol, StudyDay.pdy(s.getAnchorAt(), s.getLatestAt(), protocol.zone()));
            Map<String, VisitValue> series =
                    VisitValue.series(protocol.visitNames(), s.getVisits(), protocol.locf(), closed);
            byte[] payload = encode(series);
            for (Stratum stratum : strata) {
                payloads.put(new ContributionProcessor.Target(group(stratum, s.getAnalyte()), token), payload);
            }
        }
        return List.of(
                new ContributionProcessor.Contributions(s.getPatientId(), s.getAnalyte(), payloads),
                new ContributionProcessor.Contributions(s.getPatientId(), ENROLMENT_BY + s.getAnalyte(), enrolment));
    }

    Map<String, SpecificRecord> render(String group, SortedMap<String, byte[]> members, Instant updatedAt) {
        Map<String, SpecificRecord> out = new LinkedHashMap<>();
        if (members.isEmpty()) {
            return out;
        }
        List<String> parts = CohortKey.split(group);
        String arm = parts.get(0);
        String label = parts.get(1);
        String value = parts.get(2);
        String analyte = parts.get(3);
        // Every patient of the stratum once: its visit series, or none (enrolled without a reading of the analyte).
        Map<String, Map<String, VisitValue>> patientsByToken = new LinkedHashMap<>();
        boolean anyReading = false;
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            if (m.getKey().startsWith(ENROLLED)) {
                String key = m.getKey();
                patientsByToken.putIfAbsent(key.substring(ENROLLED.length(), key.lastIndexOf(':')), Map.of());
            } else {
                patientsByToken.put(m.getKey(), decode(m.getValue()));
                anyReading = true;
            }
        }
        if (!anyReading) {
            return out;
        }
        Collection<Map<String, VisitValue>> patients = patientsByToken.values();
        String unit = config.profile()
                .analyte(analyte)
                .map(AnalyteDefinition::canonicalUnit)
                .orElse("");
        for (String visit : protocol.visitNames()) {
            List<VisitValue> atVisit = new ArrayList<>(patients.size());
            patients.forEach(p -> atVisit.add(p.get(visit)));
            VisitCell cell = VisitCell.of(atVisit, protocol.quantileType());
            SampleStatistics st = cell.statistics();
            out.put(
                    CohortKey.visit(arm, label, value, analyte, visit),
                    CohortVisitSummary.newBuilder()
                            .setProtocol(protocol.name())
                            .setArm(arm)
                            .setStratumLabel(label)
                            .setStratumValue(value)
                            .setAnalyte(analyte)
                            .setUnit(unit)
                            .setVisit(visit)
                            .setN(cell.n())
                            .setNMissing(cell.nMissing())
                            .setNImputed(cell.nImputed())
                            .setMedian(orNull(st.median()))
                            .setQ1(orNull(st.q1()))
                            .setQ3(orNull(st.q3()))
                            .setMean(orNull(st.mean()))
                            .setSd(orNull(st.sd()))
                            .setMin(orNull(st.min()))
                            .setMax(orNull(st.max()))
                            .setQuantileType(protocol.quantileType().number())
                            .setUpdatedAt(updatedAt)
                            .build());
        }
        return out;
    }

    static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static byte[] encode(Map<String, VisitValue> series) {
        StateCodec.Writer out = new StateCodec.Writer(VERSION).writeInt(series.size());
        series.forEach(
                (visit, v) -> out.writeString(visit).writeDouble(v.value()).writeBoolean(v.imputed()));
        return out.toByteArray();
    }

    private static Map<String, VisitValue> decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "visit contribution");
        int size = in.readInt();
        Map<String, VisitValue> out = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            out.put(in.readString(), new VisitValue(in.readDouble(), in.readBoolean()));
        }
        return out;
    }
}
