package org.biomarkerstreams.api.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An authenticated caller: the token's subject ({@code sub}, or {@code token:<name>} for an API token),
 * which the audit trail records, and its roles.
 */
public record Caller(String subject, Set<Role> roles) {

    public Caller {
        Objects.requireNonNull(subject, "subject");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("a caller's subject must not be blank");
        }
        roles = roles.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Role.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }
}
