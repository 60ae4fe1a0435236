package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Hl7Time}'s hand-written reader against the grammar as a regular expression (its former implementation). */
class Hl7TimeProperties {

    private static final ZoneId SITE = ZoneId.of("Europe/Berlin");
    private static final Pattern DTM =
            Pattern.compile("(\\d{4})(\\d{2})(\\d{2})(\\d{2})(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?([+-]\\d{4})?");

    @Property(tries = 3000)
    void shouldReadWhatTheGrammarReadsWhenTextIsTimeShaped(@ForAll("timeShaped") String text) {
        assertThat(outcome(text)).isEqualTo(reference(text));
    }

    @Property(tries = 1000)
    void shouldReadWhatTheGrammarReadsWhenTextIsArbitrary(@ForAll String text) {
        assertThat(outcome(text)).isEqualTo(reference(text));
    }

    /** Date-times of every precision and offset, some broken by a character from the grammar's alphabet. */
    @Provide
    Arbitrary<String> timeShaped() {
        Arbitrary<String> valid = Combinators.combine(
                        Arbitraries.integers().between(1900, 2100),
                        Arbitraries.integers().between(0, 13),
                        Arbitraries.integers().between(0, 32),
                        Arbitraries.integers().between(0, 24),
                        Arbitraries.integers().between(0, 60),
                        Arbitraries.of("", "00", "59", "07.1", "07.12", "07.123", "07.1234", "07.12345", "07.", "7"),
                        Arbitraries.of("", "+0100", "-0500", "+0000", "+1400", "-1830", "+99", "+01000", "Z"))
                .as((y, mo, d, h, mi, s, z) -> String.format("%04d%02d%02d%02d%02d%s%s", y, mo, d, h, mi, s, z));
        Arbitrary<String> noise = Arbitraries.strings()
                .withChars("0123456789+-. \u0663")
                .ofMinLength(0)
                .ofMaxLength(24);
        return Arbitraries.oneOf(valid, valid.map(t -> " " + t + " "), noise);
    }

    private static Object outcome(String text) {
        try {
            return Hl7Time.parse(text, SITE, "OBX-14");
        } catch (Hl7Problem e) {
            return e.getMessage();
        }
    }

    private static Object reference(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Matcher m = DTM.matcher(text.strip());
        if (!m.matches()) {
            return "OBX-14 is not an HL7 date-time to the minute (YYYYMMDDHHMM[SS][+/-ZZZZ])";
        }
        try {
            int nanos = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "000").substring(0, 4)) * 100_000;
            LocalDateTime local = LocalDateTime.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)),
                    nanos);
            ZoneId zone = SITE;
            if (m.group(8) != null) {
                String z = m.group(8);
                int sign = z.charAt(0) == '-' ? -1 : 1;
                zone = ZoneOffset.ofHoursMinutes(
                        sign * Integer.parseInt(z.substring(1, 3)), sign * Integer.parseInt(z.substring(3, 5)));
            }
            Instant instant = local.atZone(zone).toInstant();
            return instant;
        } catch (DateTimeException e) {
            return "OBX-14 is not a valid date-time";
        }
    }
}
