package org.biomarkerstreams.ingest.hl7;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.domain.ErrorCode;

/**
 * HL7 v2 date-times ({@code DTM}/{@code TS}): {@code YYYYMMDDHHMM[SS[.S[S[S[S]]]]][+/-ZZZZ]}. Minutes are the
 * coarsest precision accepted: a result placed only on a day or an hour would give a study day or an hours-since-
 * anchor that is a guess. Without an offset the time is local to the site's zone.
 */
final class Hl7Time {

    private static final Pattern DTM =
            Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?([+-]\\d{4})?");

    private Hl7Time() {}

    /**
     * The instant of {@code text}, or null when it is null or blank.
     *
     * @throws Hl7Problem {@code UNDESERIALIZABLE} at {@code location} when it is not a date-time to the minute
     */
    static Instant parse(String text, ZoneId siteZone, String location) throws Hl7Problem {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(text.strip());
        if (!m.matches()) {
            throw new Hl7Problem(
                    ErrorCode.UNDESERIALIZABLE,
                    location + " is not an HL7 date-time to the minute (YYYYMMDDHHMM[SS][+/-ZZZZ])",
                    location);
        }
        try {
            int nanos = 0;
            if (m.group(7) != null) {
                nanos = Integer.parseInt((m.group(7) + "000").substring(0, 4)) * 100_000;
            }
            LocalDateTime local = LocalDateTime.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                    nanos);
            ZoneId zone = m.group(8) == null ? siteZone : offset(m.group(8));
            return local.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new Hl7Problem(ErrorCode.UNDESERIALIZABLE, location + " is not a valid date-time", location);
        }
    }

    private static ZoneOffset offset(String text) {
        int sign = text.charAt(0) == '-' ? -1 : 1;
        int hours = Integer.parseInt(text.substring(1, 3));
        int minutes = Integer.parseInt(text.substring(3, 5));
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }
}
