package org.biomarkerstreams.streams;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;

/**
 * Names of the topics the topology reads and writes (all configurable); with {@link AvroSerdes}, each becomes a
 * typed {@link TopicSpec}. Who writes and reads each topic: docs/architecture.md, "Topics".
 */
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

    public TopicSpec<LabReading> readings(AvroSerdes serdes) {
        return TopicSpec.avro(readings, LabReading.class, serdes);
    }

    public TopicSpec<ClinicalEvent> events(AvroSerdes serdes) {
        return TopicSpec.avro(events, ClinicalEvent.class, serdes);
    }

    public TopicSpec<TrajectoryPoint> trajectory(AvroSerdes serdes) {
        return TopicSpec.avro(trajectory, TrajectoryPoint.class, serdes);
    }

    public TopicSpec<BiomarkerSummary> summaries(AvroSerdes serdes) {
        return TopicSpec.avro(summaries, BiomarkerSummary.class, serdes);
    }

    public TopicSpec<TimeToNormalization> timeToNormalization(AvroSerdes serdes) {
        return TopicSpec.avro(timeToNormalization, TimeToNormalization.class, serdes);
    }

    public TopicSpec<DeadLetter> deadLetters(AvroSerdes serdes) {
        return TopicSpec.avro(deadLetters, DeadLetter.class, serdes);
    }

    public TopicSpec<CohortVisitSummary> cohortVisits(AvroSerdes serdes) {
        return TopicSpec.avro(cohortVisits, CohortVisitSummary.class, serdes);
    }

    public TopicSpec<NormalizationCurve> cohortCurves(AvroSerdes serdes) {
        return TopicSpec.avro(cohortCurves, NormalizationCurve.class, serdes);
    }

    public TopicSpec<BiomarkerAlert> alerts(AvroSerdes serdes) {
        return TopicSpec.avro(alerts, BiomarkerAlert.class, serdes);
    }

    /** What ingest (HL7, file replay) writes, typed: the input topics, and the dead letters of input it cannot map. */
    public List<TopicSpec<? extends SpecificRecord>> ingest(AvroSerdes serdes) {
        return List.of(readings(serdes), events(serdes), deadLetters(serdes));
    }

    /** Every output topic, typed, in the order of {@link #outputs()}. */
    public List<TopicSpec<? extends SpecificRecord>> outputs(AvroSerdes serdes) {
        return List.of(
                trajectory(serdes),
                summaries(serdes),
                timeToNormalization(serdes),
                cohortVisits(serdes),
                cohortCurves(serdes),
                alerts(serdes),
                deadLetters(serdes));
    }
}
