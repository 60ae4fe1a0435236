package org.biomarkerstreams.app.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.CurveStep;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.protocol.ProtocolFile;

/** Cohort output records and layouts written out by hand, as the pipeline would send them. */
final class CohortFixtures {

    static final Instant AT = Instant.parse("2020-03-01T00:00:00Z");
    static final String PROTOCOL = "trial-x";

    private CohortFixtures() {}

    static CohortVisitSummary visit(
            String arm,
            String label,
            String value,
            String analyte,
            String visit,
            int n,
            int nMissing,
            Double median,
            Double q1,
            Double q3) {
        return CohortVisitSummary.newBuilder()
                .setProtocol(PROTOCOL)
                .setArm(arm)
                .setStratumLabel(label)
                .setStratumValue(value)
                .setAnalyte(analyte)
                .setUnit(analyte.equals("CRP") ? "mg/L" : "10*9/L")
                .setVisit(visit)
                .setN(n)
                .setNMissing(nMissing)
                .setMedian(median)
                .setQ1(q1)
                .setQ3(q3)
                .setUpdatedAt(AT)
                .build();
    }

    static CohortVisitSummary visit(
            String arm, String analyte, String visit, int n, int nMissing, double median, double q1, double q3) {
        return visit(arm, null, null, analyte, visit, n, nMissing, median, q1, q3);
    }

    static NormalizationCurve curve(
            String arm,
            String label,
            String value,
            String analyte,
            int atRisk,
            int events,
            Double median,
            Double lower,
            Double upper,
            LogRankTest logRank) {
        return NormalizationCurve.newBuilder()
                .setProtocol(PROTOCOL)
                .setArm(arm)
                .setStratumLabel(label)
                .setStratumValue(value)
                .setAnalyte(analyte)
                .setAtRisk(atRisk)
                .setEvents(events)
                .setCensored(atRisk - events)
                .setMedianDays(median)
                .setMedianLower(lower)
                .setMedianUpper(upper)
                .setSteps(List.of(CurveStep.newBuilder()
                        .setDays(3)
                        .setAtRisk(atRisk)
                        .setEvents(1)
                        .setCensored(0)
                        .setSurvival(0.9)
                        .setStdErr(null)
                        .build()))
                .setLogRank(logRank)
                .setUpdatedAt(AT)
                .build();
    }

    static LogRankTest logRank(List<String> arms, double chiSquare, int df, double p) {
        return LogRankTest.newBuilder()
                .setArms(arms)
                .setChiSquare(chiSquare)
                .setDegreesOfFreedom(df)
                .setPValue(p)
                .build();
    }

    /** Arms MSC and CONTROL, MSC first and titled hUC-MSC; visits BASELINE and D7. */
    static ReportLayout arms(boolean total) {
        return new ReportLayout(
                ProtocolFile.Layout.ARMS,
                null,
                List.of("MSC", "CONTROL"),
                total,
                Map.of("MSC", "hUC-MSC"),
                false,
                PROTOCOL,
                "Trial X <phase 2> & more",
                "Doe J et al., doi 10.0/x",
                "ADY",
                List.of("MSC", "CONTROL"),
                List.of("BASELINE", "D7"),
                List.of("CRP", "LYMPH"),
                Map.of("CRP", "<10", "LYMPH", "1.1-3.2"),
                QuantileType.TYPE_6,
                false);
    }
}
