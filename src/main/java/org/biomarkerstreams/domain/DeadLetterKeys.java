package org.biomarkerstreams.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that seal the patient data of dead letters: AES-256-GCM with a random 96-bit nonce per dead letter and
 * associated data that binds the ciphertext to where the dead letter came from, so a sealed payload moved to
 * another dead letter no longer opens. Several keys can be configured so that keys rotate: the first seals, every
 * one opens what it sealed, found by its key id.
 *
 * <p>A key file holds either exactly 32 raw bytes (one key), or text with one key per line: the key in base64
 * (standard or URL alphabet, 32 bytes decoded), optionally preceded by {@code id:}. Blank lines and lines starting
 * with {@code #} are ignored. A key without an id is named by its fingerprint, {@code k-} and the first 8 bytes of
 * SHA-256("biomarker-streams dead-letter key\n" + key) in hex, which says nothing about the key.
 *
 * <p>{@link #none()} seals nothing. Messages and {@link #toString()} never show key material.
 */
public final class DeadLetterKeys {

    /** The algorithm every sealed content names. */
    public static final String ALGORITHM = "AES-256-GCM";

    /** 256-bit keys. */
    public static final int KEY_BYTES = 32;

    /** 96-bit nonces, as NIST SP 800-38D recommends for GCM. */
    public static final int NONCE_BYTES = 12;

    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final DeadLetterKeys NONE = new DeadLetterKeys(new LinkedHashMap<>());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What sealing gives: the key that sealed, the nonce, and the ciphertext with its 128-bit tag appended. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {}

    /** By key id, in the file's order: the first seals. */
    private final Map<String, SecretKeySpec> keys;

    private DeadLetterKeys(Map<String, SecretKeySpec> keys) {
        this.keys = keys;
    }

    /** No key: dead letters keep their patient data in plaintext. */
    public static DeadLetterKeys none() {
        return NONE;
    }

    /**
     * The keys of a key file's content (see the class comment).
     *
     * @throws IllegalArgumentException when the content holds no key or a line is not a key; the message names
     *     the line number, never its content
     */
    public static DeadLetterKeys parse(byte[] file) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        if (file.length == KEY_BYTES) {
            add(keys, null, Arrays.copyOf(file, KEY_BYTES), 1);
            return new DeadLetterKeys(keys);
        }
        String[] lines = new String(file, StandardCharsets.US_ASCII).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String id = colon < 0 ? null : line.substring(0, colon).strip();
            String encoded = (colon < 0 ? line : line.substring(colon + 1)).strip();
            if (id != null && !ID.matcher(id).matches()) {
                throw new IllegalArgumentException(
                        "line " + (i + 1) + ": a key id is 1 to 64 letters, digits, '.', '_' or '-'");
            }
            byte[] key;
            try {
                key = encoded.contains("-") || encoded.contains("_")
                        ? Base64.getUrlDecoder().decode(encoded)
                        : Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "line " + (i + 1) + ": not base64 (make a key with: openssl rand" + " -base64 32)");
            }
            add(keys, id, key, i + 1);
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(
                    "no key: expected 32 raw bytes, or a line with a base64 key (openssl rand -base64 32)");
        }
        return new DeadLetterKeys(keys);
    }

    private static void add(Map<String, SecretKeySpec> keys, String id, byte[] key, int line) {
        try {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException(
                        "line " + line + ": a key must be " + KEY_BYTES + " bytes (256 bits), got " + key.length);
            }
            String keyId = id == null ? fingerprint(key) : id;
            if (keys.containsKey(keyId)) {
                throw new IllegalArgumentException("line " + line + ": key id " + keyId + " appears twice");
            }
            keys.put(keyId, new SecretKeySpec(key, "AES"));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static String fingerprint(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("biomarker-streams dead-letter key\n".getBytes(StandardCharsets.US_ASCII));
            return "k-" + HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether dead letters are sealed. */
    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The id of the key that seals (the first); null without keys. */
    public String sealingKeyId() {
        return keys.isEmpty() ? null : keys.keySet().iterator().next();
    }

    /** Every key id, in the file's order. */
    public List<String> keyIds() {
        return new ArrayList<>(keys.keySet());
    }

    /**
     * Seals {@code plaintext} with the first key and a fresh random nonce; {@code associatedData} is authenticated,
     * not encrypted, and must be given again to open.
     *
     * @throws IllegalStateException without keys
     */
    public Sealed seal(byte[] plaintext, byte[] associatedData) {
        String id = sealingKeyId();
        if (id == null) {
            throw new IllegalStateException("no dead-letter key configured");
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(id), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return new Sealed(id, nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding is part of every Java runtime", e);
        }
    }

    /**
     * The plaintext of {@code sealed}.
     *
     * @throws IllegalArgumentException when no key has its key id, or the ciphertext, nonce or associated data
     *     was altered (or belongs to another dead letter)
     */
    public byte[] open(Sealed sealed, byte[] associatedData) {
        SecretKeySpec key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalArgumentException("sealed with key id " + sealed.keyId() + ", which is not among the"
                    + " configured keys " + keyIds());
        }
        if (sealed.nonce().length != NONCE_BYTES) {
            throw new IllegalArgumentException("the nonce is " + sealed.nonce().length + " bytes, not " + NONCE_BYTES);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("authentication failed: the sealed content, its nonce or the dead"
                    + " letter's source or error code was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot open the sealed content: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        // Never the keys.
        return enabled() ? "DeadLetterKeys" + keyIds() : "DeadLetterKeys[none]";
    }
}
