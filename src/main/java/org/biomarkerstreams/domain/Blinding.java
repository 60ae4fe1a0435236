package org.biomarkerstreams.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How arm labels appear in cohort outputs and views. A double-blind trial's monitoring view (seed
 * 003) must not say which arm got the cells, so a blinded protocol shows neutral codes: {@code Arm
 * A}, {@code Arm B}, ... assigned to the protocol's declared arms in the order of a keyed hash
 * (HMAC-SHA256 with the blinding key), so neither the alphabet nor the order of the protocol file
 * gives the allocation away, and every instance with the same key shows the same codes. An arm the
 * protocol does not declare gets {@code Arm ?-} and the first hex digits of its keyed hash, still
 * neutral and still stable.
 *
 * @param blinded whether arm labels are replaced
 * @param arms the arms the protocol declares (the randomization list's labels)
 * @param key the blinding key (kept by the unblinded statistician); empty when not blinded
 */
public record Blinding(boolean blinded, List<String> arms, String key) {

    /** The stratum that pools every arm; never replaced. */
    public static final String ALL = "ALL";

    public Blinding {
        arms = List.copyOf(arms);
        Objects.requireNonNull(key, "key");
        if (blinded && key.isEmpty()) {
            throw new IllegalArgumentException("a blinded protocol needs a blinding key");
        }
    }

    /** Arm labels shown as they are. */
    public static Blinding none() {
        return new Blinding(false, List.of(), "");
    }

    /** Arm labels replaced by neutral codes. */
    public static Blinding of(List<String> arms, String key) {
        return new Blinding(true, arms, key);
    }

    /** The label to show for {@code arm}: itself when not blinded, and always for {@link #ALL} and null. */
    public String label(String arm) {
        if (!blinded || arm == null || ALL.equals(arm)) {
            return arm;
        }
        String code = codes().get(arm);
        return code != null ? code : "Arm ?-" + hash(arm).substring(0, 6);
    }

    /**
     * The declared arm a label stands for: the inverse of {@link #label} for the unblinded (the statistician,
     * a safety board in closed session); any other label as it is.
     */
    public String unblind(String label) {
        if (!blinded || label == null) {
            return label;
        }
        for (Map.Entry<String, String> e : codes().entrySet()) {
            if (e.getValue().equals(label)) {
                return e.getKey();
            }
        }
        return label;
    }

    private Map<String, String> codes() {
        List<String> order =
                arms.stream().sorted(Comparator.comparing(this::hash)).toList();
        Map<String, String> codes = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            codes.put(order.get(i), "Arm " + code(i));
        }
        return codes;
    }

    /** A, B, ..., Z, AA, AB, ... */
    private static String code(int index) {
        StringBuilder s = new StringBuilder();
        int i = index;
        do {
            s.insert(0, (char) ('A' + i % 26));
            i = i / 26 - 1;
        } while (i >= 0);
        return s.toString();
    }

    private String hash(String arm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(arm.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
