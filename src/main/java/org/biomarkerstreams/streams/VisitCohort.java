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
 * whose arm and strata put it in the stratum, also one without any reading of the analyte, or of any analyte.
 * The patient processor sends an {@link Enrolment} when a patient's anchor, arm or strata change; it enrols
 * the patient, once per patient (the sent store keeps it under {@link #ENROLMENT}), in the group of every
 * stratum it is in x every analyte of the site profile, as a member of its own ({@link #ENROLLED} + token).
 * The enrolment moves with the anchor, arm and strata and leaves when the anchor is retracted, as differences
 * like every contribution, so the final members depend only on the final clinical events, whatever order
 * the input arrived in. A group renders only once a member has a reading of the analyte, so an analyte
 * nobody has yields no records.
 */
final class VisitCohort {

    static final String SENT_STORE = "cohort-visit-sent";
    /**
     * The group processor's store and the contributions' repartition topic, one entry and one record per change and
     * analyte. Until issue 19 they were {@code cohort-visit-members} and {@code cohort-visit-contributions}, one per
     * group and member (docs/architecture.md, "Upgrade contract").
     */
    static final String MEMBERS_STORE = "cohort-visit-member-sets";

    static final String REPARTITION = "cohort-visit-changes";

    private static final int VERSION = 1;

    /** The sent store's "analyte" under which a patient's enrolment is kept; no analyte code has a colon. */
    static final String ENROLMENT = "enrolment";

    /**
     * The sent store's "analyte" prefix under which the release before enrolled a patient per analyte, from its
     * summaries (members {@code enrolled:<token>:<analyte>}). A summary removes what such a key sent, so stores
     * written by that release lose those members as their patients' summaries come again; a key never written
     * costs one read and writes nothing.
     */
    static final String ENROLMENT_BY = "enrolment:";

    /**
     * Member key prefix of an enrolment, {@code enrolled:<token>}; a visit series' member key is the bare token
     * (hex, no colon). The release before wrote {@code enrolled:<token>:<analyte>}: both count the token once.
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
        if (record instanceof Enrolment e) {
            return List.of(enrolment(e));
        }
        if (!(record instanceof BiomarkerSummary s)) {
            return List.of();
        }
        Map<ContributionProcessor.Target, byte[]> payloads = new LinkedHashMap<>();
        if (s.getAnchorAt() != null && s.getReadingCount() > 0) {
            String token = ContributionProcessor.token(s.getPatientId());
            Predicate<String> closed = s.getLatestAt() == null
                    ? visit -> false
                    : VisitValue.closedBefore(
                            protocol, StudyDay.pdy(s.getAnchorAt(), s.getLatestAt(), protocol.zone()));
            Map<String, VisitValue> series =
                    VisitValue.series(protocol.visitNames(), s.getVisits(), protocol.locf(), closed);
            byte[] payload = encode(series);
            for (Stratum stratum : Stratum.of(s.getArm(), s.getStrata(), protocol)) {
                payloads.put(new ContributionProcessor.Target(group(stratum, s.getAnalyte()), token), payload);
            }
        }
        return List.of(
                new ContributionProcessor.Contributions(s.getPatientId(), s.getAnalyte(), payloads),
                new ContributionProcessor.Contributions(s.getPatientId(), ENROLMENT_BY + s.getAnalyte(), Map.of()));
    }

    /** The patient in the group of every stratum it is in x every analyte, or nowhere without an anchor. */
    private ContributionProcessor.Contributions enrolment(Enrolment e) {
        Map<ContributionProcessor.Target, byte[]> enrolled = new LinkedHashMap<>();
        if (e.enrolled()) {
            String member = ENROLLED + ContributionProcessor.token(e.patientId());
            byte[] payload = new StateCodec.Writer(VERSION).toByteArray();
            for (Stratum stratum : Stratum.of(e.arm(), e.strata(), protocol)) {
                for (String analyte : rosterAnalytes) {
                    enrolled.put(new ContributionProcessor.Target(group(stratum, analyte), member), payload);
                }
            }
        }
        return new ContributionProcessor.Contributions(e.patientId(), ENROLMENT, enrolled);
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
                String token = m.getKey().substring(ENROLLED.length());
                int analyteSuffix = token.indexOf(':');
                patientsByToken.putIfAbsent(analyteSuffix < 0 ? token : token.substring(0, analyteSuffix), Map.of());
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
