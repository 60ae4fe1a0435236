package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Incremental search for the first confirmed normal run among post-anchor readings fed in time
 * order. Small and immutable, so a stream processor can keep it per patient and analyte and continue
 * from it when the next reading arrives in order, instead of rescanning the history.
 *
 * @param runStart first reading of the current run of normal readings, or null
 * @param runCount readings in the current normal run
 * @param lastReadingAt last reading fed, or null
 * @param eventAt first reading of the confirming run once confirmed, else null
 * @param confirmedAt the reading that confirmed the event, else null
 */
public record NormalizationScan(
        Instant runStart, int runCount, Instant lastReadingAt, Instant eventAt, Instant confirmedAt) {

    public static final NormalizationScan EMPTY = new NormalizationScan(null, 0, null, null, null);

    public boolean eventFound() {
        return eventAt != null;
    }

    /**
     * Feeds the next reading (at or after {@link #lastReadingAt()}). After the event is found the scan
     * only tracks the last reading.
     */
    public NormalizationScan accept(Instant at, boolean normal, Confirmation confirmation) {
        if (lastReadingAt != null && at.isBefore(lastReadingAt)) {
            throw new IllegalArgumentException("readings must be fed in time order");
        }
        if (eventFound()) {
            return new NormalizationScan(runStart, runCount, at, eventAt, confirmedAt);
        }
        if (!normal) {
            return new NormalizationScan(null, 0, at, null, null);
        }
        Instant start = runStart == null ? at : runStart;
        int count = runCount + 1;
        boolean confirmed = confirmation instanceof Confirmation.Consecutive c
                ? count >= c.count()
                : Duration.between(start, at).compareTo(((Confirmation.NormalFor) confirmation).span()) >= 0;
        return confirmed
                ? new NormalizationScan(start, count, at, start, at)
                : new NormalizationScan(start, count, at, null, null);
    }
}
