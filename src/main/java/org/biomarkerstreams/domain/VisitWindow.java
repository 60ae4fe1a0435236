package org.biomarkerstreams.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A protocol visit: a target protocol day and an inclusive window of protocol days around it. In a
 * window the reading closest to the target wins; on a tie, the later reading.
 */
public record VisitWindow(String name, int targetDay, int fromDay, int toDay) {

    public VisitWindow {
        Objects.requireNonNull(name, "name");
        if (fromDay > toDay || targetDay < fromDay || targetDay > toDay) {
            throw new IllegalArgumentException("visit " + name + ": need fromDay <= targetDay <= toDay, got " + fromDay
                    + ", " + targetDay + ", " + toDay);
        }
    }

    public boolean contains(int pdy) {
        return pdy >= fromDay && pdy <= toDay;
    }

    /** First instant of the window (inclusive). */
    public Instant start(Instant anchor, ZoneId zone) {
        return StudyDay.startOfPdy(anchor, fromDay, zone);
    }

    /** First instant after the window (exclusive). */
    public Instant end(Instant anchor, ZoneId zone) {
        return StudyDay.startOfPdy(anchor, toDay + 1, zone);
    }

    /**
     * True when a reading on {@code candidatePdy} at {@code candidateAt} beats the current pick on
     * {@code currentPdy} at {@code currentAt}: closer to the target, or as close and later.
     */
    public boolean prefers(int candidatePdy, Instant candidateAt, int currentPdy, Instant currentAt) {
        int candidateDistance = Math.abs(candidatePdy - targetDay);
        int currentDistance = Math.abs(currentPdy - targetDay);
        if (candidateDistance != currentDistance) {
            return candidateDistance < currentDistance;
        }
        return candidateAt.isAfter(currentAt);
    }
}
