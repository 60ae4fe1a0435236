package org.biomarkerstreams.streams.patient;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;

/**
 * 64-bit FNV-1a hash of what a record says (not where or when it was received), to tell an exact
 * resend of a revision from a conflicting one.
 */
public final class ContentHash {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private static final long YEAR_0 = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long YEAR_10000 = LocalDateTime.of(10000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private long hash = OFFSET;

    private ContentHash() {}

    static long of(RawReading r) {
        return new ContentHash()
                .add(r.patientId())
                .add(r.readingId())
                .add(Long.toString(r.revision()))
                .add(r.loinc())
                .add(r.analyte())
                .add(r.value())
                .add(r.unit())
                .add(text(r.observedAt()))
                .add(r.status().name())
                .add(r.referenceRange())
                .add(r.abnormalFlags())
                .hash;
    }

    static long of(RawClinicalEvent e) {
        ContentHash h = new ContentHash()
                .add(e.patientId())
                .add(e.eventId())
                .add(Long.toString(e.revision()))
                .add(e.type() == null ? null : e.type().name())
                .add(text(e.at()))
                .add(e.arm())
                .add(e.dose())
                .add(e.product())
                .add(Boolean.toString(e.enteredInError()));
        for (Map.Entry<String, String> s : new TreeMap<>(e.strata()).entrySet()) {
            h.add(s.getKey()).add(s.getValue());
        }
        return h.hash;
    }

    /**
     * {@link Instant#toString()} (ISO-8601 in UTC, the fraction in groups of three digits), the text every stored hash
     * was made from, written without the formatter: a reading's hash spent more in it than in the hashing. Years
     * outside 0000-9999, which the formatter signs, are left to it.
     */
    static String text(Instant t) {
        if (t == null) {
            return null;
        }
        if (t.getEpochSecond() < YEAR_0 || t.getEpochSecond() >= YEAR_10000) {
            return t.toString();
        }
        LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(30);
        digits(out, utc.getYear(), 4).append('-');
        digits(out, utc.getMonthValue(), 2).append('-');
        digits(out, utc.getDayOfMonth(), 2).append('T');
        digits(out, utc.getHour(), 2).append(':');
        digits(out, utc.getMinute(), 2).append(':');
        digits(out, utc.getSecond(), 2);
        int nano = t.getNano();
        if (nano != 0) {
            out.append('.');
            if (nano % 1_000_000 == 0) {
                digits(out, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                digits(out, nano / 1_000, 6);
            } else {
                digits(out, nano, 9);
            }
        }
        return out.append('Z').toString();
    }

    /** {@code value} in {@code width} decimal digits, zeros first; {@code value} has no more digits. */
    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int unit = POWERS_OF_TEN[width - 1]; unit > 0; unit /= 10) {
            out.append((char) ('0' + value / unit % 10));
        }
        return out;
    }

    private ContentHash add(String field) {
        if (field == null) {
            mix((byte) 0xff);
        } else {
            for (byte b : field.getBytes(StandardCharsets.UTF_8)) {
                mix(b);
            }
        }
        mix((byte) 0);
        return this;
    }

    private void mix(byte b) {
        hash ^= b & 0xff;
        hash *= PRIME;
    }
}
