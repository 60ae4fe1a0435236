package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.ArrayList;
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
 * {@link CohortVisitSummary} per visit. A patient counts in a group once it has an anchor and at least
 * one live reading of the analyte; it then has a value at a visit or counts as missing there.
 */
final class VisitCohort {

    static final String SENT_STORE = "cohort-visit-sent";
    static final String MEMBERS_STORE = "cohort-visit-members";
    static final String REPARTITION = "cohort-visit-contributions";

    private static final int VERSION = 1;

    private final TopologyConfig config;
    private final Protocol protocol;

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
    }

    /** The group key of a stratum x analyte. */
    static String group(Stratum s, String analyte) {
        return CohortKey.join(s.arm(), s.label(), s.value(), analyte);
    }

    ContributionProcessor.Contributions contributions(SpecificRecord record) {
        if (!(record instanceof BiomarkerSummary s)) {
            return null;
        }
        Map<ContributionProcessor.Target, byte[]> payloads = new LinkedHashMap<>();
        if (s.getAnchorAt() != null && s.getReadingCount() > 0) {
            Predicate<String> closed = s.getLatestAt() == null
                    ? visit -> false
                    : VisitValue.closedBefore(
                            protocol, StudyDay.pdy(s.getAnchorAt(), s.getLatestAt(), protocol.zone()));
            Map<String, VisitValue> series =
                    VisitValue.series(protocol.visitNames(), s.getVisits(), protocol.locf(), closed);
            byte[] payload = encode(series);
            String token = ContributionProcessor.token(s.getPatientId());
            for (Stratum stratum : Stratum.of(s.getArm(), s.getStrata(), protocol)) {
                payloads.put(new ContributionProcessor.Target(group(stratum, s.getAnalyte()), token), payload);
            }
        }
        return new ContributionProcessor.Contributions(s.getPatientId(), s.getAnalyte(), payloads);
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
        List<Map<String, VisitValue>> patients = new ArrayList<>(members.size());
        members.values().forEach(p -> patients.add(decode(p)));
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
