package org.biomarkerstreams.streams;

import java.util.List;

/** Names of the topics the topology reads and writes (all configurable). */
public record Topics(
        String readings,
        String events,
        String trajectory,
        String summaries,
        String timeToNormalization,
        String deadLetters,
        String cohortVisits,
        String cohortCurves,
        String alerts) {

    public static Topics defaults() {
        return new Topics(
                "lab-readings",
                "clinical-events",
                "biomarker-trajectory-points",
                "biomarker-summaries",
                "time-to-normalization",
                "lab-readings-dlq",
                "cohort-visit-summaries",
                "cohort-normalization-curves",
                "biomarker-alerts");
    }

    /** The same topics with {@code suffix} appended to every name (one pipeline per tenant or test). */
    public Topics withSuffix(String suffix) {
        return new Topics(
                readings + suffix,
                events + suffix,
                trajectory + suffix,
                summaries + suffix,
                timeToNormalization + suffix,
                deadLetters + suffix,
                cohortVisits + suffix,
                cohortCurves + suffix,
                alerts + suffix);
    }

    public List<String> inputs() {
        return List.of(readings, events);
    }

    /** Latest-state outputs are changelogs, compacted; dead letters and alerts are events, not. */
    public List<String> compactedOutputs() {
        return List.of(trajectory, summaries, timeToNormalization, cohortVisits, cohortCurves);
    }

    public List<String> outputs() {
        return List.of(trajectory, summaries, timeToNormalization, cohortVisits, cohortCurves, alerts, deadLetters);
    }
}
