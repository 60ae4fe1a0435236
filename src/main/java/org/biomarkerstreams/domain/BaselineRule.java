package org.biomarkerstreams.domain;

/** How a protocol's baseline window of N days is counted back from the anchor. */
public enum BaselineRule {
    /**
     * N calendar study days in the site zone, as study days are counted: a reading on pdy −N (from 00:00) up to the
     * anchor instant. "Baseline (7 days before transplantation)" admits a draw on day −7 at 08:00 before a 10:00
     * infusion.
     */
    CALENDAR_DAYS,
    /** Exactly N × 24 hours before the anchor instant. */
    HOURS
}
