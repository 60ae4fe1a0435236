package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * The study rules that turn readings into trial numbers: time zone of study days, visit windows,
 * baseline window, follow-up, how normalization is confirmed, and when follow-up is considered
 * closed.
 *
 * @param zone site time zone in which study days are counted
 * @param visits visit windows in protocol days (BASELINE is implicit and not listed)
 * @param baselineWindow how far before the anchor a reading may still be the baseline
 * @param followUp how long after the anchor readings count for normalization
 * @param confirmation what confirms a normalization
 * @param closeGrace how long after follow-up ends a record stays provisional (late data)
 * @param name the protocol's name, as the demo and the dashboard show it
 * @param strata names of the strata labels (carried on RANDOMIZED/ENROLLED events, e.g. {@code
 *     severity}) that cohort views are split by, besides the arm
 * @param blinding how arm labels appear in cohort outputs and views
 * @param locf whether a visit without a reading takes the last earlier post-anchor value (flagged as
 *     imputed) instead of counting as missing
 * @param baselineRule how the baseline window is counted: calendar study days (the default) or exact hours
 * @param quantileType the Hyndman–Fan definition of the quartiles in cohort outputs (R's type 7 by default)
 */
public record Protocol(
        ZoneId zone,
        List<VisitWindow> visits,
        Duration baselineWindow,
        Duration followUp,
        Confirmation confirmation,
        Duration closeGrace,
        String name,
        List<String> strata,
        Blinding blinding,
        boolean locf,
        BaselineRule baselineRule,
        QuantileType quantileType) {

    public static final String BASELINE = "BASELINE";
    public static final String DEFAULT_NAME = "default";

    public Protocol {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(name, "name");
        strata = List.copyOf(strata);
        Objects.requireNonNull(blinding, "blinding");
        visits = List.copyOf(visits);
        Objects.requireNonNull(baselineWindow, "baselineWindow");
        Objects.requireNonNull(followUp, "followUp");
        Objects.requireNonNull(confirmation, "confirmation");
        Objects.requireNonNull(closeGrace, "closeGrace");
        Objects.requireNonNull(baselineRule, "baselineRule");
        Objects.requireNonNull(quantileType, "quantileType");
    }

    /** The timing rules alone: default name, no strata labels, unblinded, no LOCF. */
    public Protocol(
            ZoneId zone,
            List<VisitWindow> visits,
            Duration baselineWindow,
            Duration followUp,
            Confirmation confirmation,
            Duration closeGrace) {
        this(
                zone,
                visits,
                baselineWindow,
                followUp,
                confirmation,
                closeGrace,
                DEFAULT_NAME,
                List.of(),
                Blinding.none(),
                false,
                BaselineRule.CALENDAR_DAYS,
                QuantileType.TYPE_7);
    }

    /** The default protocol (docs/semantics.md): UTC, D3 2-4, D7 6-8, D14 13-15, D28 25-31, 7-day baseline window, 28-day follow-up. */
    public static Protocol defaults() {
        return new Protocol(
                ZoneId.of("UTC"),
                List.of(
                        new VisitWindow("D3", 3, 2, 4),
                        new VisitWindow("D7", 7, 6, 8),
                        new VisitWindow("D14", 14, 13, 15),
                        new VisitWindow("D28", 28, 25, 31)),
                Duration.ofDays(7),
                Duration.ofDays(28),
                Confirmation.consecutive(1),
                Duration.ofDays(1));
    }

    public Protocol withZone(ZoneId newZone) {
        return new Protocol(
                newZone,
                visits,
                baselineWindow,
                followUp,
                confirmation,
                closeGrace,
                name,
                strata,
                blinding,
                locf,
                baselineRule,
                quantileType);
    }

    public Protocol withConfirmation(Confirmation newConfirmation) {
        return new Protocol(
                zone,
                visits,
                baselineWindow,
                followUp,
                newConfirmation,
                closeGrace,
                name,
                strata,
                blinding,
                locf,
                baselineRule,
                quantileType);
    }

    public Protocol withFollowUp(Duration newFollowUp) {
        return new Protocol(
                zone,
                visits,
                baselineWindow,
                newFollowUp,
                confirmation,
                closeGrace,
                name,
                strata,
                blinding,
                locf,
                baselineRule,
                quantileType);
    }

    /** The same rules reported under another name, split by these strata labels, blinded or not, with or without LOCF. */
    public Protocol withReporting(String newName, List<String> newStrata, Blinding newBlinding, boolean newLocf) {
        return new Protocol(
                zone,
                visits,
                baselineWindow,
                followUp,
                confirmation,
                closeGrace,
                newName,
                newStrata,
                newBlinding,
                newLocf,
                baselineRule,
                quantileType);
    }

    /** The same rules with the baseline window counted by {@code rule}. */
    public Protocol withBaselineRule(BaselineRule rule) {
        return new Protocol(
                zone,
                visits,
                baselineWindow,
                followUp,
                confirmation,
                closeGrace,
                name,
                strata,
                blinding,
                locf,
                rule,
                quantileType);
    }

    /** The same rules with cohort quartiles of Hyndman–Fan type {@code type}. */
    public Protocol withQuantileType(QuantileType type) {
        return new Protocol(
                zone,
                visits,
                baselineWindow,
                followUp,
                confirmation,
                closeGrace,
                name,
                strata,
                blinding,
                locf,
                baselineRule,
                type);
    }

    /** Visit names in report order: BASELINE, then the windows. */
    public List<String> visitNames() {
        return java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(BASELINE), visits.stream().map(VisitWindow::name))
                .toList();
    }

    /**
     * Earliest instant a baseline reading may have (inclusive); the latest is the anchor itself. Under {@link
     * BaselineRule#CALENDAR_DAYS} that is the start of the study day {@code baselineWindow} days before the anchor's
     * day in the site zone (a 7-day window admits pdy −7 from 00:00, whatever the hour of the infusion); under {@link
     * BaselineRule#HOURS} it is the anchor minus the window exactly. docs/semantics.md, "Baseline".
     */
    public Instant baselineFrom(Instant anchor) {
        return switch (baselineRule) {
            case CALENDAR_DAYS -> StudyDay.startOfPdy(anchor, -Math.toIntExact(baselineWindow.toDays()), zone);
            case HOURS -> anchor.minus(baselineWindow);
        };
    }

    /** Last instant of follow-up (inclusive). */
    public Instant followUpEnd(Instant anchor) {
        return anchor.plus(followUp);
    }

    /** Stream time from which the patient's records are final. */
    public Instant closesAt(Instant anchor) {
        return anchor.plus(followUp).plus(closeGrace);
    }

    /** True when {@code at} is within the baseline window: {@code anchor - window <= at <= anchor}. */
    public boolean inBaselineWindow(Instant anchor, Instant at) {
        return !at.isAfter(anchor) && !at.isBefore(baselineFrom(anchor));
    }

    /** True when {@code at} is post-anchor and within follow-up: {@code anchor < at <= anchor + followUp}. */
    public boolean inFollowUp(Instant anchor, Instant at) {
        return at.isAfter(anchor) && !at.isAfter(followUpEnd(anchor));
    }
}
