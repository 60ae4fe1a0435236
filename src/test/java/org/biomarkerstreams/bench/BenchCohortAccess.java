package org.biomarkerstreams.bench;

import java.util.List;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;

/** {@link BenchCohort} for benchmarks in other packages (it stays package-private here). */
public final class BenchCohortAccess {

    private final BenchCohort cohort;

    public BenchCohortAccess(int patients, int readingsPerPatient, long seed) {
        this.cohort = new BenchCohort(patients, readingsPerPatient, seed);
    }

    public List<RawClinicalEvent> events() {
        return cohort.events();
    }

    /** Reading {@code i} of the round-robin feed (wraps around at the end). */
    public RawReading reading(long i) {
        return cohort.reading(i % cohort.readings());
    }
}
