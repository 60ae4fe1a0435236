package org.biomarkerstreams.demo;

import java.util.List;
import java.util.Map;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * What differs between the seed-000 shape and a designed cohort, per patient. The seed-000 shape ({@link #legacy})
 * draws exactly the random numbers it always did, so its cohorts do not change.
 */
record PatientShape(
        boolean responds,
        List<Integer> infusionDays,
        String product,
        String dose,
        Map<String, String> strata,
        boolean deriveSeverity,
        Map<String, ProtocolFile.Range> baselines,
        boolean ddimerDdu,
        List<Integer> drawDays,
        List<Integer> outpatientDays) {

    static PatientShape legacy(boolean msc) {
        return new PatientShape(
                msc,
                msc ? List.of(0) : List.of(),
                SyntheticCohort.PRODUCT,
                SyntheticCohort.DOSE,
                Map.of(),
                true,
                Map.of(),
                false,
                SyntheticCohort.DRAW_DAYS,
                SyntheticCohort.OUTPATIENT_DAYS);
    }
}
