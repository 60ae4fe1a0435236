package org.biomarkerstreams.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed pseudonym that stands for a patient id on per-patient outputs and in the HTTP API (patient
 * ids are PHI). It is {@code psn-} and the lowercase base32 (RFC 4648 alphabet, no padding) of the first
 * 160 bits of HMAC-SHA-256(key, UTF-8 patient id): deterministic, so every instance and every restart
 * with the same key gives the same pseudonym, and without the key neither reversible nor computable from
 * a guessed id (ids are often short sequential numbers, which a plain hash would not protect). 160 bits
 * keep collisions out of reach (birthday bound 2^80) in 36 characters that fit a URL path.
 *
 * <p>Reading ids get their own pseudonym, {@code rdg-} and the same encoding of HMAC-SHA-256(key, "reading\n"
 * + reading id): a reading id is the lab's accession number (HL7 filler order number) and feeds often build it
 * from the medical record number, so it identifies the patient as well as the patient id does. The "reading\n"
 * prefix keeps the two kinds apart: no reading pseudonym equals a patient pseudonym under the same key.
 *
 * <p>{@link #none()} is the identity: outputs carry the ids as they came.
 */
public final class Pseudonym {

    /** Every pseudonym starts with this, so one is recognisable in an output, a URL or a support ticket. */
    public static final String PREFIX = "psn-";

    /** The start of a reading id's pseudonym. */
    public static final String READING_PREFIX = "rdg-";

    private static final String READING_DOMAIN = "reading\n";

    /** The shortest key accepted: as long as the HMAC's output, as RFC 2104 recommends. */
    public static final int MIN_KEY_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final int BYTES = 20;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int LENGTH = PREFIX.length() + BYTES * 8 / 5;
    private static final Pseudonym NONE = new Pseudonym(null);

    /** Initialized once with the key; each use works on a clone, since a Mac is not thread-safe. */
    private final Mac prototype;

    private Pseudonym(Mac prototype) {
        this.prototype = prototype;
    }

    /** Patient ids shown as they are. */
    public static Pseudonym none() {
        return NONE;
    }

    /**
     * Pseudonyms under {@code key} (the bytes are copied).
     *
     * @throws IllegalArgumentException when the key is shorter than {@link #MIN_KEY_BYTES}; the message
     *     gives the length, never the key
     */
    public static Pseudonym withKey(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the pseudonym key must be at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(Arrays.copyOf(key, key.length), ALGORITHM));
            return new Pseudonym(mac);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Whether patient ids are replaced. */
    public boolean enabled() {
        return prototype != null;
    }

    /** What stands for {@code patientId} outside: its pseudonym, or itself under {@link #none()}. */
    public String of(String patientId) {
        if (prototype == null || patientId == null) {
            return patientId;
        }
        byte[] mac = mac().doFinal(patientId.getBytes(StandardCharsets.UTF_8));
        return PREFIX + base32(mac);
    }

    /** What stands for {@code readingId} outside: its pseudonym, or itself under {@link #none()}. */
    public String ofReading(String readingId) {
        if (prototype == null || readingId == null) {
            return readingId;
        }
        byte[] mac = mac().doFinal((READING_DOMAIN + readingId).getBytes(StandardCharsets.UTF_8));
        return READING_PREFIX + base32(mac);
    }

    /** Whether {@code text} has the shape of a patient pseudonym (says nothing about the key). */
    public static boolean looksLike(String text) {
        if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '2' && c <= '7')) {
                return false;
            }
        }
        return true;
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", e);
        }
    }

    /** Base32 of the first {@link #BYTES} bytes: 160 bits, exactly 32 characters, no padding. */
    private static String base32(byte[] bytes) {
        StringBuilder s = new StringBuilder(BYTES * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < BYTES; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return s.toString();
    }

    @Override
    public String toString() {
        // Never the key.
        return enabled() ? "Pseudonym[HMAC-SHA-256]" : "Pseudonym[none]";
    }
}
