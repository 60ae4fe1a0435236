package org.biomarkerstreams.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Map;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.OrphanReadings;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.biomarkerstreams.protocol.SiteProfileFile;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The study rules and topic names the topology runs with.
 *
 * <p>The rules come from the protocol ({@code --protocol}, a bundled name or a YAML file; see {@link ProtocolFile}),
 * its reference intervals applied to the site profile ({@code --site-profile}, see {@link SiteProfileFile}).
 * {@code --time-zone}, {@code --confirmations} and {@code --follow-up-days} override the protocol's value when they
 * are given, on the command line or through their {@code BIOMARKER_*} variable: command line, then environment, then
 * protocol file, then the built-in default.
 */
final class PipelineOptions {

    private static final Logger log = LoggerFactory.getLogger(PipelineOptions.class);

    @Option(
            names = "--protocol",
            paramLabel = "NAME|PATH",
            defaultValue = "default",
            description = "Study protocol: a bundled one (default, seed-000, seed-001, seed-002, seed-003) or a YAML"
                    + " protocol file. It sets the time zone, visit windows, baseline window, follow-up,"
                    + " confirmations, reference intervals, strata, blinding and the demo's cohort and table."
                    + " A blinded protocol's key may come from BIOMARKER_BLINDING_KEY. Default: ${DEFAULT-VALUE}.")
    String protocol;

    @Option(
            names = "--site-profile",
            paramLabel = "FILE",
            description = "Site profile (YAML): analytes with their canonical unit, reference interval and plausible"
                    + " bounds, LOINC and local codes, unit spellings (README: Site profile). The protocol's"
                    + " referenceIntervals apply on top. Default: the bundled one (site/default.yaml).")
    Path siteProfile;

    @Option(
            names = "--time-zone",
            paramLabel = "ZONE",
            description = "Site time zone in which study days are counted; overrides the protocol's (default"
                    + " protocol: UTC).")
    String timeZone;

    @Option(
            names = "--confirmations",
            paramLabel = "N|Hh",
            description = "What confirms a normalization: N consecutive normal readings, or normal for H hours"
                    + " (e.g. 48h); overrides the protocol's (default protocol: 1).")
    String confirmations;

    @Option(
            names = "--follow-up-days",
            paramLabel = "DAYS",
            description = "Follow-up after the anchor for time to normalization; overrides the protocol's (default"
                    + " protocol: 28).")
    Integer followUpDays;

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
            names = "--orphan-after",
            paramLabel = "DURATION",
            defaultValue = "PT1H",
            description = "Readings of a patient with no anchor event (infusion, randomization) this long (wall clock)"
                    + " are counted as orphans (gauges biomarker_orphan_patients and biomarker_orphan_readings) and"
                    + " logged without ids: most often trial events and lab results key the patient differently"
                    + " (see --patient-id-rule). ISO-8601, default: ${DEFAULT-VALUE}.")
    Duration orphanAfter;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "BYTES",
            defaultValue = "65536",
            description = "Input values larger than this are dead-lettered as OVERSIZED without being decoded (a"
                    + " reading is ~300 bytes). A dead letter keeps at most 512 KiB of the value (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxRecordBytes;

    @Option(
            names = "--use-lab-ranges",
            description =
                    "Classify a result against the lab's own reference range when it comes with one (HL7 OBX-7,"
                            + " NDJSON referenceRange, converted to the canonical unit) instead of the site profile's interval.")
    boolean useLabRanges;

    @Option(
            names = "--pseudonym-key-file",
            paramLabel = "FILE",
            description = "Replace patient ids (and reading ids) on the per-patient output topics and in the HTTP API"
                    + " answers by keyed pseudonyms, HMAC-SHA-256 with the key in FILE (at least 32 bytes; one"
                    + " trailing line break is ignored). Patient queries still take the patient id. Required by"
                    + " 'run' unless --identified-outputs is given; 'demo' and embedded 'replay' show ids without it.")
    Path pseudonymKeyFile;

    @Option(
            names = "--dead-letter-key-file",
            paramLabel = "FILE",
            description = "Seal the patient data of every dead letter (original key, payload, reason) with"
                    + " AES-256-GCM under the first key in FILE: 32 raw bytes, or lines of [id:]base64 keys (make one"
                    + " with: openssl rand -base64 32). Later keys only open older dead letters (rotation)."
                    + " 'replay --from-dlq' needs it to replay sealed dead letters. Default: none, dead letters in"
                    + " plaintext.")
    Path deadLetterKeyFile;

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

    /** The environment the blinding key is read from; tests replace it. */
    Map<String, String> env = System.getenv();

    private ProtocolFile.Loaded loaded;
    private SiteProfile site;

    /** The site profile of {@code --site-profile}, or the bundled one; read once. */
    SiteProfile siteProfile() {
        if (site == null) {
            try {
                site = siteProfile == null ? SiteProfileFile.bundled() : SiteProfileFile.load(siteProfile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--site-profile " + siteProfile + ": " + e.getMessage(), e);
            }
        }
        return site;
    }

    /** The protocol file named by {@code --protocol}, its reference intervals on the site profile; loaded once. */
    ProtocolFile.Loaded protocolFile() {
        if (loaded == null) {
            SiteProfile profile = siteProfile();
            try {
                loaded = ProtocolFile.load(protocol == null ? "default" : protocol, env, profile);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--protocol " + protocol + ": " + e.getMessage(), e);
            }
        }
        return loaded;
    }

    ZoneId zone() {
        if (timeZone == null) {
            return protocolFile().protocol().zone();
        }
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

    /** The protocol's rules with {@code --time-zone}, {@code --confirmations} and {@code --follow-up-days} applied. */
    Protocol protocol() {
        Protocol rules = protocolFile().protocol();
        if (timeZone != null) {
            rules = rules.withZone(zone());
        }
        if (confirmations != null) {
            try {
                rules = rules.withConfirmation(Confirmation.parse(confirmations));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "--confirmations " + confirmations + ": expected a count like 2 or hours like 48h");
            }
        }
        if (followUpDays != null) {
            if (followUpDays < 1) {
                throw new IllegalArgumentException("--follow-up-days must be >= 1, got " + followUpDays);
            }
            rules = rules.withFollowUp(Duration.ofDays(followUpDays));
        }
        return rules;
    }

    /**
     * The pseudonym of {@code --pseudonym-key-file}, or {@link Pseudonym#none()} without one. Messages name the
     * option and the file, never the key.
     */
    Pseudonym pseudonym() {
        if (pseudonymKeyFile == null) {
            return Pseudonym.none();
        }
        byte[] trimmed = KeyFile.read("--pseudonym-key-file", pseudonymKeyFile);
        try {
            return Pseudonym.withKey(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pseudonym-key-file " + pseudonymKeyFile + ": " + e.getMessage()
                    + " (make one with: openssl rand -base64 48 > FILE)");
        } finally {
            Arrays.fill(trimmed, (byte) 0);
        }
    }

    /**
     * On a cluster, per-patient outputs are pseudonymous unless the operator says otherwise: a pseudonym key, or
     * {@code identifiedOutputs} (then a warning), and never both.
     *
     * @throws IllegalArgumentException (a usage error, exit 2) with neither or both
     */
    void requireOutputIdentity(boolean identifiedOutputs) {
        if (pseudonymKeyFile != null && identifiedOutputs) {
            throw new IllegalArgumentException("--identified-outputs and --pseudonym-key-file contradict each other:"
                    + " give one of them (env BIOMARKER_IDENTIFIED_OUTPUTS, BIOMARKER_PSEUDONYM_KEY_FILE)");
        }
        if (pseudonymKeyFile == null && !identifiedOutputs) {
            throw new IllegalArgumentException("per-patient outputs on a cluster are pseudonymous by default: give"
                    + " --pseudonym-key-file FILE (make one with: openssl rand -base64 48 > FILE; every instance needs"
                    + " the same key), or --identified-outputs to write real patient ids to the per-patient topics and"
                    + " API answers");
        }
        if (identifiedOutputs) {
            log.warn("--identified-outputs: per-patient outputs (trajectory points, summaries, time to normalization,"
                    + " alerts) and HTTP API answers carry real patient ids and reading ids; give them the access"
                    + " control of the input topics, or run with --pseudonym-key-file");
        }
    }

    /**
     * The keys of {@code --dead-letter-key-file}, or {@link DeadLetterKeys#none()} without one. Messages name the
     * option and the file, never a key.
     */
    DeadLetterKeys deadLetterKeys() {
        if (deadLetterKeyFile == null) {
            return DeadLetterKeys.none();
        }
        byte[] content;
        try {
            content = Files.readAllBytes(deadLetterKeyFile);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--dead-letter-key-file " + deadLetterKeyFile
                    + ": cannot read the key file (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return DeadLetterKeys.parse(content);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dead-letter-key-file " + deadLetterKeyFile + ": " + e.getMessage());
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** The dead letters of commands that write them beside the topology (HL7 ingest, file replay). */
    DeadLetters deadLetters() {
        return new DeadLetters(Clock.systemUTC(), deadLetterKeys(), pseudonym());
    }

    /** Said once at the start of a command that writes dead letters to a cluster without a dead-letter key. */
    void warnIfDeadLettersInPlaintext() {
        if (deadLetterKeyFile == null) {
            log.warn(
                    "No --dead-letter-key-file: dead letters on {} hold patient data in plaintext (patient ids as"
                            + " record keys, whole HL7 messages with names and birth dates); give the topic the access control"
                            + " of the inputs, or configure a dead-letter key",
                    deadLetterTopic);
        }
    }

    TopologyConfig topologyConfig(Clock clock) {
        Protocol protocol = protocol();
        if (stateRetentionDays < 0) {
            throw new IllegalArgumentException("--state-retention-days must be >= 0, got " + stateRetentionDays);
        }
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("--max-record-bytes must be >= 1, got " + maxRecordBytes);
        }
        if (orphanAfter != null && (orphanAfter.isNegative() || orphanAfter.isZero())) {
            throw new IllegalArgumentException("--orphan-after must be positive, got " + orphanAfter);
        }
        return TopologyConfig.builder(clock)
                .topics(topics())
                .protocol(protocol)
                .profile(protocolFile().profile())
                .futureTolerance(futureTolerance)
                .stateRetention(Duration.ofDays(stateRetentionDays))
                .labRanges(useLabRanges)
                .pseudonym(pseudonym())
                .maxRecordBytes(maxRecordBytes)
                .deadLetterKeys(deadLetterKeys())
                .orphanAfter(orphanAfter == null ? OrphanReadings.DEFAULT_AFTER : orphanAfter)
                .build();
    }
}
