package org.biomarkerstreams.domain;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A per-patient date shift for research outputs: every absolute time of a patient moves by the same whole number of
 * days, derived from HMAC-SHA-256(key, "date-shift\n" + patient) and lying in {@code [-maxDays, -1]} or {@code [1,
 * maxDays]} (never 0, so no patient keeps its real dates). Each patient has its own shift, the same in every file and
 * every run with the same key; without the key the shift of a patient cannot be computed.
 *
 * <p>It preserves everything measured from the patient's own times: intervals between a patient's events, study
 * days ({@code ady}, {@code pdy}), hours since the anchor, {@code aval}, the order of a patient's records and the time
 * of day in UTC. It does not preserve calendar dates, the season or the weekday (shifts are whole days, not multiples
 * of seven), nor the alignment of different patients on the calendar (two patients infused the same day get different
 * shifts). In a site zone with daylight saving time, a shifted time may fall on another local calendar day than the
 * study day it carries says; the carried study days are the true ones.
 *
 * <p>{@link #none()} shifts nothing.
 */
public final class DateShift {

    /** The default bound of a shift: about half a year either way. */
    public static final int DEFAULT_MAX_DAYS = 180;

    /** The largest bound accepted: ten years. */
    public static final int MAX_MAX_DAYS = 3650;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String DOMAIN = "date-shift\n";
    private static final DateShift NONE = new DateShift(null, 0);

    private final Mac prototype;
    private final int maxDays;

    private DateShift(Mac prototype, int maxDays) {
        this.prototype = prototype;
        this.maxDays = maxDays;
    }

    /** No shift. */
    public static DateShift none() {
        return NONE;
    }

    /**
     * Shifts under {@code key} (copied) within {@code maxDays} either way.
     *
     * @throws IllegalArgumentException when the key is shorter than 32 bytes or {@code maxDays} is outside [1,
     *     3650]; the message never shows the key
     */
    public static DateShift withKey(byte[] key, int maxDays) {
        if (key.length < Pseudonym.MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the date-shift key must be at least " + Pseudonym.MIN_KEY_BYTES + " bytes, got " + key.length);
        }
        if (maxDays < 1 || maxDays > MAX_MAX_DAYS) {
            throw new IllegalArgumentException(
                    "the largest date shift must be 1 to " + MAX_MAX_DAYS + " days, got " + maxDays);
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(Arrays.copyOf(key, key.length), ALGORITHM));
            return new DateShift(mac, maxDays);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Whether times are shifted. */
    public boolean enabled() {
        return prototype != null;
    }

    /** The bound of a shift in days; 0 for {@link #none()}. */
    public int maxDays() {
        return maxDays;
    }

    /** The patient's shift in days: 0 without a key, else in [-maxDays, -1] or [1, maxDays]. */
    public int days(String patient) {
        if (prototype == null || patient == null) {
            return 0;
        }
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
        byte[] h = mac.doFinal((DOMAIN + patient).getBytes(StandardCharsets.UTF_8));
        // 2 * maxDays outcomes from 64 bits: the modulo bias is below 2^-50.
        long k = Long.remainderUnsigned(ByteBuffer.wrap(h).getLong(), 2L * maxDays);
        return k < maxDays ? (int) (k - maxDays) : (int) (k - maxDays + 1);
    }

    /** {@code at} moved by the patient's shift; null stays null. */
    public Instant shift(String patient, Instant at) {
        return at == null ? null : at.plus(Duration.ofDays(days(patient)));
    }

    @Override
    public String toString() {
        // Never the key.
        return enabled() ? "DateShift[HMAC-SHA-256, +-" + maxDays + " days]" : "DateShift[none]";
    }
}
