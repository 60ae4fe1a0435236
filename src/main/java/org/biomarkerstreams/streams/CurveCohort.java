package org.biomarkerstreams.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.CurveStep;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Stratum;

/**
 * Kaplan-Meier curves of time to normalization: each patient at risk (abnormal at baseline) contributes
 * its observation (aval, event when cnsr = 0) to the group of every strata (label, value) x analyte it
 * belongs to, once under its arm and once under {@code ALL}. All arms of a (label, value) share one
 * group, so one task sees every arm, as the log-rank test between them needs.
 */
final class CurveCohort {

    static final String SENT_STORE = "cohort-curve-sent";
    /**
     * The group processor's store and the contributions' repartition topic, one entry and one record per change and
     * analyte. Until issue 19 they were {@code cohort-curve-members} and {@code cohort-curve-contributions}, one per
     * group and member (docs/architecture.md, "Upgrade contract").
     */
    static final String MEMBERS_STORE = "cohort-curve-member-sets";

    static final String REPARTITION = "cohort-curve-changes";

    private static final int VERSION = 1;

    private final Protocol protocol;

    /** The view of Kaplan-Meier curves, as the topology wires it. */
    static CohortView view(TopologyConfig config) {
        CurveCohort cohort = new CurveCohort(config);
        return new CohortView(
                "cohort-curve-contributor",
                SENT_STORE,
                REPARTITION,
                "cohort-curve-estimator",
                MEMBERS_STORE,
                cohort::contributions,
                cohort::render);
    }

    CurveCohort(TopologyConfig config) {
        this.protocol = config.protocol();
    }

    List<ContributionProcessor.Contributions> contributions(SpecificRecord record) {
        if (!(record instanceof TimeToNormalization t)) {
            return List.of();
        }
        Map<ContributionProcessor.Target, byte[]> payloads = new LinkedHashMap<>();
        if (t.getAtRisk() && t.getAval() != null && t.getCnsr() != null && t.getAval() >= 0) {
            byte[] payload = new StateCodec.Writer(VERSION)
                    .writeDouble(t.getAval())
                    .writeBoolean(t.getCnsr() == 0)
                    .toByteArray();
            String token = ContributionProcessor.token(t.getPatientId());
            for (Stratum s : Stratum.of(t.getArm(), t.getStrata(), protocol)) {
                payloads.put(
                        new ContributionProcessor.Target(
                                CohortKey.join(s.label(), s.value(), t.getAnalyte()), CohortKey.join(s.arm(), token)),
                        payload);
            }
        }
        return List.of(new ContributionProcessor.Contributions(t.getPatientId(), t.getAnalyte(), payloads));
    }

    Map<String, SpecificRecord> render(String group, SortedMap<String, byte[]> members, Instant updatedAt) {
        List<String> parts = CohortKey.split(group);
        String label = parts.get(0);
        String value = parts.get(1);
        String analyte = parts.get(2);
        Map<String, List<KaplanMeier.Observation>> byArm = new TreeMap<>();
        members.forEach((member, payload) -> {
            StateCodec.Reader in = new StateCodec.Reader(payload, VERSION, "curve contribution");
            byArm.computeIfAbsent(CohortKey.split(member).get(0), a -> new ArrayList<>())
                    .add(new KaplanMeier.Observation(in.readDouble(), in.readBoolean()));
        });
        Map<String, KaplanMeier> curves = new LinkedHashMap<>();
        byArm.forEach((arm, observations) -> curves.put(arm, KaplanMeier.estimate(observations)));
        Map<String, CurveStatistics.Inference> inference = CurveStatistics.confidenceAndLogRank(curves, byArm);
        Map<String, SpecificRecord> out = new LinkedHashMap<>();
        curves.forEach((arm, km) -> {
            CurveStatistics.Inference inf = inference.get(arm);
            List<CurveStep> steps = new ArrayList<>(km.steps().size());
            for (int i = 0; i < km.steps().size(); i++) {
                KaplanMeier.Step s = km.steps().get(i);
                steps.add(CurveStep.newBuilder()
                        .setDays(s.time())
                        .setAtRisk(s.atRisk())
                        .setEvents(s.events())
                        .setCensored(s.censored())
                        .setSurvival(s.survival())
                        .setStdErr(inf == null ? null : inf.stdErr().get(i))
                        .build());
            }
            out.put(
                    CohortKey.curve(arm, label, value, analyte),
                    NormalizationCurve.newBuilder()
                            .setProtocol(protocol.name())
                            .setArm(arm)
                            .setStratumLabel(label)
                            .setStratumValue(value)
                            .setAnalyte(analyte)
                            .setAtRisk(km.size())
                            .setEvents(km.events())
                            .setCensored(km.censored())
                            .setMedianDays(km.median().isPresent() ? km.median().getAsDouble() : null)
                            .setMedianLower(inf == null ? null : inf.medianLower())
                            .setMedianUpper(inf == null ? null : inf.medianUpper())
                            .setSteps(steps)
                            .setLogRank(inf == null ? null : inf.logRank())
                            .setUpdatedAt(updatedAt)
                            .build());
        });
        return out;
    }
}
