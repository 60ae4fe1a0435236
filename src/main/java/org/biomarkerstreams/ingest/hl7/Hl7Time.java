package org.biomarkerstreams.ingest.hl7;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.biomarkerstreams.domain.ErrorCode;

/**
 * HL7 v2 date-times ({@code DTM}/{@code TS}): {@code YYYYMMDDHHMM[SS[.S[S[S[S]]]]][+/-ZZZZ]}. Minutes are the
 * coarsest precision accepted: a result placed only on a day or an hour would give a study day or an hours-since-
 * anchor that is a guess. Without an offset the time is local to the site's zone.
 */
final class Hl7Time {

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
        // Read by hand, not with a regular expression: a message has several of these (MSH-7, OBR-7, OBR-22,
        // each OBX-14), and the matcher was a twentieth of the MLLP connection thread. Hl7TimeProperties holds it
        // to the grammar YYYYMMDDHHMM[SS[.S[S[S[S]]]]][+/-ZZZZ], ASCII digits only.
        String s = text.strip();
        int n = s.length();
        if (n < 12 || !digits(s, 0, 12)) {
            throw notToTheMinute(location);
        }
        int at = 12;
        int second = 0;
        int nanos = 0;
        if (at + 2 <= n && digits(s, at, at + 2)) {
            second = number(s, at, at + 2);
            at += 2;
            if (at < n && s.charAt(at) == '.') {
                int end = at + 1;
                while (end < n && end - at <= 4 && digit(s.charAt(end))) {
                    end++;
                }
                if (end == at + 1) {
                    throw notToTheMinute(location);
                }
                int fraction = number(s, at + 1, end);
                for (int k = end - at - 1; k < 4; k++) {
                    fraction *= 10;
                }
                nanos = fraction * 100_000;
                at = end;
            }
        }
        ZoneId zone = siteZone;
        if (at < n) {
            char sign = s.charAt(at);
            if ((sign != '+' && sign != '-') || n - at != 5 || !digits(s, at + 1, n)) {
                throw notToTheMinute(location);
            }
            zone = null;
        }
        try {
            if (zone == null) {
                zone = offset(s.substring(at));
            }
            LocalDateTime local = LocalDateTime.of(
                    number(s, 0, 4),
                    number(s, 4, 6),
                    number(s, 6, 8),
                    number(s, 8, 10),
                    number(s, 10, 12),
                    second,
                    nanos);
            return local.atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new Hl7Problem(ErrorCode.UNDESERIALIZABLE, location + " is not a valid date-time", location);
        }
    }

    private static Hl7Problem notToTheMinute(String location) {
        return new Hl7Problem(
                ErrorCode.UNDESERIALIZABLE,
                location + " is not an HL7 date-time to the minute (YYYYMMDDHHMM[SS][+/-ZZZZ])",
                location);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!digit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The ASCII digits {@code from..to} as a number (checked to be digits by the caller). */
    private static int number(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    private static ZoneOffset offset(String text) {
        int sign = text.charAt(0) == '-' ? -1 : 1;
        int hours = number(text, 1, 3);
        int minutes = number(text, 3, 5);
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }
}
