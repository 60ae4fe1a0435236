package org.biomarkerstreams.streams;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.domain.KaplanMeier;

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
     * The inference for every arm of one stratum (label, value) x analyte.
     *
     * @param curves the estimate per arm as shown (blinded labels, {@code ALL}, {@code UNASSIGNED})
     * @param observations the observations behind each curve, by the same arms
     */
    // TODO(issue 4): fill from domain KaplanMeier (Greenwood, Brookmeyer-Crowley) and domain LogRank
    // (arms other than ALL and UNASSIGNED with patients at risk) once they are merged; until then
    // every curve carries null medianLower, medianUpper, stdErr and logRank.
    static Map<String, Inference> confidenceAndLogRank(
            Map<String, KaplanMeier> curves, Map<String, List<KaplanMeier.Observation>> observations) {
        Map<String, Inference> out = new LinkedHashMap<>();
        curves.forEach((arm, curve) -> out.put(
                arm, new Inference(null, null, Collections.nCopies(curve.steps().size(), (Double) null), null)));
        return out;
    }
}
