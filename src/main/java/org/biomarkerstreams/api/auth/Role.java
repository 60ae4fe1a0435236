package org.biomarkerstreams.api.auth;

import java.util.Locale;
import java.util.Optional;

/** What a caller may see. Roles add up: a monitor who may also see treatment arms has both. */
public enum Role {
    /** Per-patient endpoints: trajectories and summaries of one patient. */
    CLINICIAN,
    /** Cohort endpoints, blinded to the treatment arm unless the caller is also {@link #UNBLINDED}. */
    MONITOR,
    /** Operations: the Prometheus scrape. */
    OPS,
    /** Lifts the blinding of cohort answers for a {@link #MONITOR}. */
    UNBLINDED;

    /** The role a token claim or token file names, ignoring case ({@code "clinician"}); empty if unknown. */
    public static Optional<Role> fromClaim(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String name = value.strip();
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }

    /** The name as claims and the token file spell it: {@code clinician}. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
