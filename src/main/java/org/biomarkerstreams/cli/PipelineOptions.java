package org.biomarkerstreams.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import picocli.CommandLine.Option;

/** The study rules and topic names the topology runs with. */
final class PipelineOptions {

    @Option(
            names = "--time-zone",
            paramLabel = "ZONE",
            defaultValue = "UTC",
            description = "Site time zone in which study days are counted (default: ${DEFAULT-VALUE}).")
    String timeZone;

    @Option(
            names = "--confirmations",
            paramLabel = "N|Hh",
            defaultValue = "1",
            description = "What confirms a normalization: N consecutive normal readings, or normal for H hours"
                    + " (e.g. 48h). Default: ${DEFAULT-VALUE}.")
    String confirmations;

    @Option(
            names = "--follow-up-days",
            paramLabel = "DAYS",
            defaultValue = "28",
            description = "Follow-up after the anchor for time to normalization (default: ${DEFAULT-VALUE}).")
    int followUpDays;

    @Option(
            names = "--future-tolerance",
            paramLabel = "DURATION",
            defaultValue = "PT5M",
            description = "How far past the wall clock a timestamp may be before it is FUTURE_TIMESTAMP (ISO-8601,"
                    + " default: ${DEFAULT-VALUE}).")
    Duration futureTolerance;

    @Option(
            names = "--state-retention-days",
            paramLabel = "DAYS",
            defaultValue = "180",
            description = "How long after a patient's follow-up closes its readings stay in state for late corrections;"
                    + " then they are purged and later input for the patient is dead-lettered as PATIENT_ARCHIVED."
                    + " 0 keeps state forever (default: ${DEFAULT-VALUE}).")
    int stateRetentionDays;

    @Option(
            names = "--use-lab-ranges",
            description =
                    "Classify a result against the lab's own reference range when it comes with one (HL7 OBX-7,"
                            + " NDJSON referenceRange, converted to the canonical unit) instead of the site profile's interval.")
    boolean useLabRanges;

    @Option(names = "--readings-topic", defaultValue = "lab-readings", description = "Default: ${DEFAULT-VALUE}.")
    String readingsTopic;

    @Option(names = "--events-topic", defaultValue = "clinical-events", description = "Default: ${DEFAULT-VALUE}.")
    String eventsTopic;

    @Option(
            names = "--trajectory-topic",
            defaultValue = "biomarker-trajectory-points",
            description = "Default: ${DEFAULT-VALUE}.")
    String trajectoryTopic;

    @Option(
            names = "--summaries-topic",
            defaultValue = "biomarker-summaries",
            description = "Default: ${DEFAULT-VALUE}.")
    String summariesTopic;

    @Option(
            names = "--time-to-normalization-topic",
            defaultValue = "time-to-normalization",
            description = "Default: ${DEFAULT-VALUE}.")
    String ttnTopic;

    @Option(
            names = "--dead-letter-topic",
            defaultValue = "lab-readings-dlq",
            description = "Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(
            names = "--cohort-visits-topic",
            defaultValue = "cohort-visit-summaries",
            description = "Default: ${DEFAULT-VALUE}.")
    String cohortVisitsTopic;

    @Option(
            names = "--cohort-curves-topic",
            defaultValue = "cohort-normalization-curves",
            description = "Default: ${DEFAULT-VALUE}.")
    String cohortCurvesTopic;

    @Option(names = "--alerts-topic", defaultValue = "biomarker-alerts", description = "Default: ${DEFAULT-VALUE}.")
    String alertsTopic;

    ZoneId zone() {
        try {
            return ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--time-zone " + timeZone + ": not a time zone id (e.g. Asia/Shanghai)");
        }
    }

    Topics topics() {
        return new Topics(
                readingsTopic,
                eventsTopic,
                trajectoryTopic,
                summariesTopic,
                ttnTopic,
                deadLetterTopic,
                cohortVisitsTopic,
                cohortCurvesTopic,
                alertsTopic);
    }

    TopologyConfig topologyConfig(Clock clock) {
        ZoneId zone = zone();
        Confirmation confirmation;
        try {
            confirmation = Confirmation.parse(confirmations);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "--confirmations " + confirmations + ": expected a count like 2 or hours like 48h");
        }
        if (followUpDays < 1) {
            throw new IllegalArgumentException("--follow-up-days must be >= 1, got " + followUpDays);
        }
        Protocol defaults = Protocol.defaults();
        Protocol protocol = new Protocol(
                zone,
                defaults.visits(),
                defaults.baselineWindow(),
                Duration.ofDays(followUpDays),
                confirmation,
                defaults.closeGrace());
        if (stateRetentionDays < 0) {
            throw new IllegalArgumentException("--state-retention-days must be >= 0, got " + stateRetentionDays);
        }
        return new TopologyConfig(
                topics(),
                protocol,
                SiteProfile.defaults(),
                clock,
                futureTolerance,
                Duration.ofDays(stateRetentionDays),
                useLabRanges);
    }
}
