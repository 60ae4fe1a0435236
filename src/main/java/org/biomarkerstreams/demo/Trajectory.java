package org.biomarkerstreams.demo;

/**
 * One marker of one patient of a {@link SyntheticCohort}: {@code v(t)} of its Javadoc, with the progressor detour
 * (a geometric rise to {@code worst} on {@code peakDay}; {@code worst} is NaN for a patient who simply responds).
 */
record Trajectory(
        SyntheticMarker marker, double baseline, double healthy, double k, double lag, double worst, double peakDay) {

    /** Model value at {@code t} days after the anchor (t ≤ 0 is the baseline). */
    double at(double t) {
        if (t <= 0) {
            return baseline;
        }
        if (Double.isNaN(worst)) {
            return relax(baseline, t);
        }
        if (t <= peakDay) {
            return baseline * Math.pow(worst / baseline, t / peakDay);
        }
        return k == 0 ? worst : relax(worst, t - peakDay);
    }

    private double relax(double from, double t) {
        return healthy + (from - healthy) * Math.exp(-k * Math.max(0, t - lag));
    }

    /** Days after the anchor when the model value crosses into normal; infinite when it never does. */
    double normalizesAfter() {
        double from = Double.isNaN(worst) ? baseline : worst;
        double start = Double.isNaN(worst) ? 0 : peakDay;
        boolean abnormal = marker.lowIsAbnormal() ? from < marker.limit : from >= marker.limit;
        if (!abnormal && Double.isNaN(worst)) {
            return 0;
        }
        if (k == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return start + lag + Math.log((from - healthy) / (marker.limit - healthy)) / k;
    }
}
