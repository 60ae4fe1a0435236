package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cell row of a cohort view: an arm (as shown, so already blinded, or {@link Blinding#ALL}) and
 * optionally one strata label with its value ({@code severity = critical}); a null label is the arm
 * alone.
 */
public record Stratum(String arm, String label, String value) {

    /** Patients without an arm yet; not an arm of the protocol, so never replaced by a neutral code. */
    public static final String UNASSIGNED = "UNASSIGNED";

    public Stratum {
        if (arm == null || arm.isEmpty()) {
            throw new IllegalArgumentException("a stratum needs an arm");
        }
        if ((label == null) != (value == null)) {
            throw new IllegalArgumentException("a strata label needs a value and a value needs a label");
        }
    }

    /**
     * The strata a patient belongs to: its arm as the protocol shows it (or {@link #UNASSIGNED}) and
     * {@link Blinding#ALL}, each alone and split by every strata label of the protocol the patient has
     * (a blank arm or value counts as none).
     */
    public static List<Stratum> of(String arm, Map<String, String> strata, Protocol protocol) {
        String shown =
                arm == null || arm.isBlank() ? UNASSIGNED : protocol.blinding().label(arm);
        List<Stratum> out = new ArrayList<>();
        for (String a : List.of(shown, Blinding.ALL)) {
            if (a.equals(Blinding.ALL) && shown.equals(Blinding.ALL)) {
                continue;
            }
            out.add(new Stratum(a, null, null));
            for (String label : protocol.strata()) {
                String value = strata.get(label);
                if (value != null && !value.isBlank()) {
                    out.add(new Stratum(a, label, value));
                }
            }
        }
        return out;
    }
}
