package org.biomarkerstreams.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Time to normalization of one analyte of one patient, like an ADaM ADTTE record: origin = anchor,
 * event = first confirmed post-anchor normal reading, censored by discharge or death (CNSR 2/3), or
 * at the last post-anchor reading within follow-up (CNSR 1), or at the anchor when there is none.
 */
public record TimeToNormalization(
        Status status,
        boolean atRisk,
        Integer cnsr,
        Double aval,
        Instant adt,
        Integer ady,
        Integer pdy,
        String evntdesc,
        boolean provisional) {

    /** Mirrors the NormalizationStatus of the wire contract. */
    public enum Status {
        NO_ANCHOR,
        NO_BASELINE,
        NORMAL_AT_BASELINE,
        NOT_YET_NORMALIZED,
        NORMALIZED,
        CENSORED
    }

    public static final String NORMALIZED = "NORMALIZED";
    public static final String LAST_READING = "LAST_READING";
    public static final String NO_POST_ANCHOR_READING = "NO_POST_ANCHOR_READING";

    private static final double MILLIS_PER_DAY = 86_400_000.0;

    /**
     * Derives the record.
     *
     * @param anchor the patient's anchor, or null
     * @param baselineNormal whether the baseline is normal, or null when there is no baseline
     * @param scan the scan of post-anchor readings up to the end of observation
     * @param censoring the first discharge or death after the anchor, if any; ignored when after
     *     follow-up ends
     * @param streamTime current stream time, to tell provisional from final
     */
    public static TimeToNormalization derive(
            Protocol protocol,
            Instant anchor,
            Boolean baselineNormal,
            NormalizationScan scan,
            Optional<CensoringEvent> censoring,
            Instant streamTime) {
        if (anchor == null) {
            return notAtRisk(Status.NO_ANCHOR, false);
        }
        boolean provisional = streamTime.isBefore(protocol.closesAt(anchor));
        if (baselineNormal == null) {
            return notAtRisk(Status.NO_BASELINE, provisional);
        }
        if (baselineNormal) {
            return notAtRisk(Status.NORMAL_AT_BASELINE, provisional);
        }
        if (scan.eventFound()) {
            return at(protocol, anchor, Status.NORMALIZED, 0, scan.eventAt(), NORMALIZED, provisional);
        }
        // a discharge or death after follow-up ended happened outside observation: it must not push
        // the censoring time past the follow-up, nor revise a record already final
        if (censoring.isPresent() && !censoring.get().at().isAfter(protocol.followUpEnd(anchor))) {
            CensoringEvent c = censoring.get();
            Instant when = c.at().isBefore(anchor) ? anchor : c.at();
            return at(
                    protocol,
                    anchor,
                    Status.CENSORED,
                    c.kind().cnsr(),
                    when,
                    c.kind().name(),
                    provisional);
        }
        Status open = provisional ? Status.NOT_YET_NORMALIZED : Status.CENSORED;
        if (scan.lastReadingAt() == null) {
            return at(protocol, anchor, open, 1, anchor, NO_POST_ANCHOR_READING, provisional);
        }
        return at(protocol, anchor, open, 1, scan.lastReadingAt(), LAST_READING, provisional);
    }

    /**
     * The end of observation for the normalization scan: follow-up end, or an earlier discharge or
     * death.
     */
    public static Instant observationEnd(Protocol protocol, Instant anchor, Optional<CensoringEvent> censoring) {
        Instant end = protocol.followUpEnd(anchor);
        if (censoring.isPresent() && censoring.get().at().isBefore(end)) {
            return censoring.get().at();
        }
        return end;
    }

    private static TimeToNormalization notAtRisk(Status status, boolean provisional) {
        return new TimeToNormalization(status, false, null, null, null, null, null, null, provisional);
    }

    private static TimeToNormalization at(
            Protocol protocol,
            Instant anchor,
            Status status,
            int cnsr,
            Instant when,
            String description,
            boolean provisional) {
        StudyDay day = StudyDay.of(anchor, when, protocol.zone());
        double days = Duration.between(anchor, when).toMillis() / MILLIS_PER_DAY;
        return new TimeToNormalization(status, true, cnsr, days, when, day.ady(), day.pdy(), description, provisional);
    }
}
