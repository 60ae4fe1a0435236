package org.biomarkerstreams.app.output;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CurveStep;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.RangeIndicator;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;

/** Output records as the pipeline writes them, built by hand for the file-format tests. */
final class OutputRecords {

    /** Infusion: 2020-02-07 10:00 UTC, i.e. 11:00 in Europe/Berlin (CET, UTC+1). */
    static final Instant INFUSION = Instant.parse("2020-02-07T10:00:00Z");

    static final Instant DAY_MINUS_1 = Instant.parse("2020-02-06T08:09:00Z");
    static final Instant DAY_3 = Instant.parse("2020-02-10T23:35:00Z");

    private OutputRecords() {}

    static TrajectoryPoint.Builder point(String patient, String readingId, Instant at, double value) {
        return TrajectoryPoint.newBuilder()
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setReadingId(readingId)
                .setRevision(0)
                .setObservedAt(at)
                .setValue(value)
                .setUnit("mg/L")
                .setRangeHigh(10.0)
                .setAnrind(value > 10.0 ? RangeIndicator.HIGH : RangeIndicator.NORMAL);
    }

    static BiomarkerSummary summary(String patient, Map<String, String> strata, Map<String, Double> visits) {
        return BiomarkerSummary.newBuilder()
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setUnit("mg/L")
                .setArm("MSC")
                .setStrata(new LinkedHashMap<>(strata))
                .setAnchorAt(INFUSION)
                .setBaseline(23.9)
                .setBaselineAt(DAY_MINUS_1)
                .setReadingCount(2)
                .setVisits(new LinkedHashMap<>(visits))
                .setNormalizationStatus(NormalizationStatus.NORMALIZED)
                .build();
    }

    static NormalizationCurve curve(String arm, LogRankTest logRank, List<CurveStep> steps) {
        return NormalizationCurve.newBuilder()
                .setProtocol("seed-002")
                .setArm(arm)
                .setStratumLabel(null)
                .setStratumValue(null)
                .setAnalyte("CRP")
                .setAtRisk(4)
                .setEvents(2)
                .setCensored(2)
                .setMedianDays(5.5)
                .setSteps(steps)
                .setLogRank(logRank)
                .setUpdatedAt(Instant.parse("2020-03-01T00:00:00Z"))
                .build();
    }

    static CurveStep step(double days, int atRisk, double survival) {
        return CurveStep.newBuilder()
                .setDays(days)
                .setAtRisk(atRisk)
                .setEvents(1)
                .setCensored(0)
                .setSurvival(survival)
                .setStdErr(null)
                .build();
    }

    static TimeToNormalization.Builder timeToNormalization(String patient, NormalizationStatus status) {
        return TimeToNormalization.newBuilder()
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setArm("MSC")
                .setStrata(Map.of())
                .setAnchorAt(INFUSION)
                .setAtRisk(status == NormalizationStatus.NORMALIZED)
                .setStatus(status)
                .setProvisional(false);
    }
}
