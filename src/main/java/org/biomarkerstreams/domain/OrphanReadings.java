package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Readings that wait for their patient's anchor ("orphans"). A reading of a patient with no anchor (no infusion, no
 * randomization) is kept and gets no study day until the anchor arrives; that is normal for a while (results drawn
 * before the randomization is entered), but readings that still wait after {@link #after()} most often mean that the
 * lab feed and the trial's systems key the patient differently (HL7 {@code 12345^HOSP}, the CTMS {@code 12345}: see
 * {@code --patient-id-rule}), and then they would wait for ever. Counted without naming a patient.
 *
 * <p>A patient waits from the wall-clock instant its first reading without an anchor was applied (again from the
 * instant it lost its anchor, if a retraction took it away) until it has an anchor; it counts while it has readings.
 */
public final class OrphanReadings {

    /** The default of {@code --orphan-after}. */
    public static final Duration DEFAULT_AFTER = Duration.ofHours(1);

    /** How often a new tally is logged while there are orphans. */
    public static final Duration LOG_REPEAT = Duration.ofMinutes(10);

    /** Orphan patients and their readings. */
    public record Tally(long patients, long readings) {

        public static final Tally NONE = new Tally(0, 0);

        public Tally {
            if (patients < 0 || readings < 0 || (patients == 0) != (readings == 0)) {
                throw new IllegalArgumentException("not a tally: " + patients + " patients, " + readings + " readings");
            }
        }

        public Tally plus(Tally other) {
            return new Tally(patients + other.patients, readings + other.readings);
        }

        public boolean isNone() {
            return patients == 0;
        }
    }

    private final Duration after;

    /** @param after how long a patient's readings may wait for its anchor before they count */
    public OrphanReadings(Duration after) {
        Objects.requireNonNull(after, "after");
        if (after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("the orphan threshold must be positive, was " + after);
        }
        this.after = after;
    }

    public Duration after() {
        return after;
    }

    /**
     * The tally with one more patient without an anchor: it counts when it has readings and has waited at least
     * {@link #after()} at {@code now}.
     */
    public Tally add(Tally tally, Instant waitingSince, long readings, Instant now) {
        if (readings <= 0 || now.isBefore(waitingSince.plus(after))) {
            return tally;
        }
        return tally.plus(new Tally(1, readings));
    }

    /**
     * How often to tally: a quarter of the threshold, between one second and one minute, so orphans show within a
     * minute of passing the threshold.
     */
    public Duration checkEvery() {
        Duration quarter = after.dividedBy(4);
        if (quarter.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return quarter.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : quarter;
    }

    /** The log line for a tally, without a patient id. */
    public String describe(Tally tally) {
        if (tally.isNone()) {
            return "No readings wait longer than " + after + " for their patient's anchor any more";
        }
        return tally.readings() + " readings of " + tally.patients() + " patients have waited longer than " + after
                + " for an anchor (infusion or randomization): are the patients' trial events keyed by the same id as"
                + " their lab results? See --patient-id-rule";
    }

    /** When to log this instance's tally ({@link LogSchedule}), settling for one {@link #checkEvery()}. */
    public LogSchedule logSchedule() {
        return new LogSchedule(checkEvery());
    }

    /**
     * When to log the tally of one application instance: once orphans have been seen for {@code settle} (every task
     * tallies once in that time, so the first line has the whole instance's count, not its first task's), then every
     * {@link #LOG_REPEAT} while they last, and once when they are gone. Not thread-safe.
     */
    public static final class LogSchedule {
        private final Duration settle;
        private Instant appeared;
        private Instant logged;

        public LogSchedule(Duration settle) {
            this.settle = Objects.requireNonNull(settle, "settle");
        }

        /** The tally to log now, if any. */
        public Optional<Tally> next(Tally total, Instant now) {
            if (total.isNone()) {
                appeared = null;
                boolean cleared = logged != null;
                logged = null;
                return cleared ? Optional.of(total) : Optional.empty();
            }
            if (appeared == null) {
                appeared = now;
            }
            Instant due = logged == null ? appeared.plus(settle) : logged.plus(LOG_REPEAT);
            if (now.isBefore(due)) {
                return Optional.empty();
            }
            logged = now;
            return Optional.of(total);
        }
    }
}
