package org.biomarkerstreams.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.OrphanReadings;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.SiteProfile;

/**
 * Everything the topology's behaviour depends on, immutable.
 *
 * @param futureTolerance how far past the wall clock a timestamp may be before it counts as future
 *     (clock skew between the lab system and us)
 * @param stateRetention how long after a patient's follow-up closes its readings stay in state for
 *     late corrections; then they are purged and later input for the patient is dead-lettered.
 *     Zero keeps state forever.
 * @param labRanges classify a reading against the lab's own reference range when it comes with one
 *     (HL7 OBX-7), instead of the site profile's interval
 * @param cohortEmitInterval how often (wall clock) the cohort views emit the strata that changed:
 *     a cohort cell is recomputed at most once per interval, not once per patient update (a round of
 *     many large groups is spread over several 100 ms slices, see {@code CohortGroupProcessor})
 * @param redeliverDuplicates re-emit what an exact duplicate of an input record derived (its point,
 *     summary, time to normalization, cohort contributions, alerts) instead of nothing. Needed under
 *     at_least_once: after a crash the state restored from the changelogs can be ahead of the outputs
 *     (a changelog write reached the broker, the output record did not), and the input records
 *     processed since the last commit come again as duplicates; without redelivery their lost outputs
 *     would stay lost. Under exactly_once_v2 state and outputs commit together, so it stays off.
 * @param pseudonym what stands for a patient id on the per-patient outputs (trajectory points,
 *     summaries, time to normalization, alerts: keys and values) and in the views the HTTP API reads;
 *     {@link Pseudonym#none()} keeps the id. The patient processor's own state and the dead letters
 *     keep the id as it came (inputs are keyed by it; dead letters must replay byte for byte).
 * @param maxRecordBytes input values larger than this are dead-lettered as {@code OVERSIZED} without being decoded:
 *     a reading is ~300 bytes, so a value of many kilobytes is a feed error (an embedded document, a runaway
 *     concatenation) that would otherwise cost memory in every store and output it reached
 * @param deadLetterKeys the keys that seal the patient data of dead letters ({@link DeadLetters}); {@link
 *     DeadLetterKeys#none()} leaves dead letters in plaintext
 * @param orphanAfter how long (wall clock) a patient's readings may wait for an anchor event before they are counted
 *     and logged as orphans ({@link org.biomarkerstreams.domain.OrphanReadings}), usually a sign that the lab feed and
 *     the trial's systems key the patient differently
 */
public record TopologyConfig(
        Topics topics,
        Protocol protocol,
        SiteProfile profile,
        Clock clock,
        Duration futureTolerance,
        Duration stateRetention,
        boolean labRanges,
        Duration cohortEmitInterval,
        Pseudonym pseudonym,
        int maxRecordBytes,
        boolean redeliverDuplicates,
        DeadLetterKeys deadLetterKeys,
        Duration orphanAfter) {

    public static final Duration DEFAULT_FUTURE_TOLERANCE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_STATE_RETENTION = Duration.ofDays(180);
    public static final int DEFAULT_MAX_RECORD_BYTES = SafeDeserializer.DEFAULT_MAX_BYTES;
    public static final Duration DEFAULT_COHORT_EMIT_INTERVAL = Duration.ofSeconds(1);

    public TopologyConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(futureTolerance, "futureTolerance");
        Objects.requireNonNull(stateRetention, "stateRetention");
        if (stateRetention.isNegative()) {
            throw new IllegalArgumentException("state retention must be >= 0, got " + stateRetention);
        }
        Objects.requireNonNull(cohortEmitInterval, "cohortEmitInterval");
        if (cohortEmitInterval.toMillis() < 1) {
            throw new IllegalArgumentException("cohort emit interval must be >= 1 ms, got " + cohortEmitInterval);
        }
        Objects.requireNonNull(pseudonym, "pseudonym");
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("max record bytes must be >= 1, got " + maxRecordBytes);
        }
        Objects.requireNonNull(deadLetterKeys, "deadLetterKeys");
        Objects.requireNonNull(orphanAfter, "orphanAfter");
        if (orphanAfter.isNegative() || orphanAfter.isZero()) {
            throw new IllegalArgumentException("orphan threshold must be positive, got " + orphanAfter);
        }
    }

    /** The defaults: topic names, protocol and site profile as bundled, five minutes of clock skew. */
    public static TopologyConfig defaults(Clock clock) {
        return builder(clock).build();
    }

    /** A config with the defaults, to change what differs. */
    public static Builder builder(Clock clock) {
        return new Builder(clock);
    }

    /** A builder with this config's values, to derive a config that differs in a few of them. */
    public Builder toBuilder() {
        return new Builder(clock)
                .topics(topics)
                .protocol(protocol)
                .profile(profile)
                .futureTolerance(futureTolerance)
                .stateRetention(stateRetention)
                .labRanges(labRanges)
                .cohortEmitInterval(cohortEmitInterval)
                .pseudonym(pseudonym)
                .maxRecordBytes(maxRecordBytes)
                .redeliverDuplicates(redeliverDuplicates)
                .deadLetterKeys(deadLetterKeys)
                .orphanAfter(orphanAfter);
    }

    /** Builds a {@link TopologyConfig}; every value starts at its default and is checked by {@link #build}. */
    public static final class Builder {
        private Clock clock;
        private Topics topics = Topics.defaults();
        private Protocol protocol = Protocol.defaults();
        private SiteProfile profile = SiteProfile.defaults();
        private Duration futureTolerance = DEFAULT_FUTURE_TOLERANCE;
        private Duration stateRetention = DEFAULT_STATE_RETENTION;
        private boolean labRanges;
        private Duration cohortEmitInterval = DEFAULT_COHORT_EMIT_INTERVAL;
        private Pseudonym pseudonym = Pseudonym.none();
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private boolean redeliverDuplicates;
        private DeadLetterKeys deadLetterKeys = DeadLetterKeys.none();
        private Duration orphanAfter = OrphanReadings.DEFAULT_AFTER;

        private Builder(Clock clock) {
            this.clock = clock;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder topics(Topics value) {
            this.topics = value;
            return this;
        }

        public Builder protocol(Protocol value) {
            this.protocol = value;
            return this;
        }

        public Builder profile(SiteProfile value) {
            this.profile = value;
            return this;
        }

        public Builder futureTolerance(Duration value) {
            this.futureTolerance = value;
            return this;
        }

        public Builder stateRetention(Duration value) {
            this.stateRetention = value;
            return this;
        }

        public Builder labRanges(boolean value) {
            this.labRanges = value;
            return this;
        }

        public Builder cohortEmitInterval(Duration value) {
            this.cohortEmitInterval = value;
            return this;
        }

        public Builder pseudonym(Pseudonym value) {
            this.pseudonym = value;
            return this;
        }

        public Builder maxRecordBytes(int value) {
            this.maxRecordBytes = value;
            return this;
        }

        public Builder redeliverDuplicates(boolean value) {
            this.redeliverDuplicates = value;
            return this;
        }

        public Builder deadLetterKeys(DeadLetterKeys value) {
            this.deadLetterKeys = value;
            return this;
        }

        public Builder orphanAfter(Duration value) {
            this.orphanAfter = value;
            return this;
        }

        public TopologyConfig build() {
            return new TopologyConfig(
                    topics,
                    protocol,
                    profile,
                    clock,
                    futureTolerance,
                    stateRetention,
                    labRanges,
                    cohortEmitInterval,
                    pseudonym,
                    maxRecordBytes,
                    redeliverDuplicates,
                    deadLetterKeys,
                    orphanAfter);
        }
    }
}
