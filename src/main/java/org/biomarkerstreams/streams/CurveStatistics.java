package org.biomarkerstreams.streams;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.KaplanMeier;
import org.biomarkerstreams.domain.LogRank;
import org.biomarkerstreams.domain.Stratum;

/**
 * The inferential half of the normalization curves: confidence interval of the median, Greenwood
 * standard errors of the steps, and the log-rank test between the arms of one stratum.
 */
final class CurveStatistics {

    /**
     * What inference adds to one arm's curve.
     *
     * @param medianLower 95% CI lower bound of the median (Brookmeyer-Crowley), null when unknown
     * @param medianUpper 95% CI upper bound, null when not reached or unknown
     * @param stdErr Greenwood standard error per step, in step order; null entries when unknown
     * @param logRank the test between the arms of the stratum, null when not computed
     */
    record Inference(Double medianLower, Double medianUpper, List<Double> stdErr, LogRankTest logRank) {}

    private CurveStatistics() {}

    /**
     * The inference for every arm of one stratum (label, value) x analyte: Greenwood standard errors,
     * the median's 95% CI (Brookmeyer-Crowley, log-log), and the log-rank test between the arms with
     * patients at risk (the pooled {@code ALL} and {@code UNASSIGNED} are not arms to compare), the
     * same test on every curve of the stratum.
     *
     * @param curves the estimate per arm as shown (blinded labels, {@code ALL}, {@code UNASSIGNED})
     * @param observations the observations behind each curve, by the same arms
     */
    static Map<String, Inference> confidenceAndLogRank(
            Map<String, KaplanMeier> curves, Map<String, List<KaplanMeier.Observation>> observations) {
        List<String> compared = observations.keySet().stream()
                .filter(arm -> !Blinding.ALL.equals(arm) && !Stratum.UNASSIGNED.equals(arm))
                .filter(arm -> !observations.get(arm).isEmpty())
                .sorted()
                .toList();
        LogRankTest logRank = compared.size() < 2
                ? null
                : LogRank.test(compared.stream().map(observations::get).toList())
                        .map(r -> LogRankTest.newBuilder()
                                .setArms(compared)
                                .setChiSquare(r.chiSquare())
                                .setDegreesOfFreedom(r.degreesOfFreedom())
                                .setPValue(r.pValue())
                                .build())
                        .orElse(null);
        Map<String, Inference> out = new LinkedHashMap<>();
        curves.forEach((arm, curve) -> {
            KaplanMeier.MedianInterval ci = curve.medianConfidenceInterval(LEVEL);
            List<Double> stdErr = curve.steps().stream()
                    .map(step -> finiteOrNull(step.stdErr()))
                    .toList();
            out.put(arm, new Inference(boundOrNull(ci.lower()), boundOrNull(ci.upper()), stdErr, logRank));
        });
        return out;
    }

    private static final double LEVEL = 0.95;

    private static Double boundOrNull(OptionalDouble bound) {
        return bound.isPresent() ? bound.getAsDouble() : null;
    }

    /** Greenwood's error is undefined once the curve reaches 0 (R prints NA): null on the wire. */
    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
