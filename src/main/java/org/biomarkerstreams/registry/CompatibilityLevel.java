package org.biomarkerstreams.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The compatibility levels a Confluent-compatible registry enforces when a new schema version is registered. */
public enum CompatibilityLevel {
    NONE,
    BACKWARD,
    BACKWARD_TRANSITIVE,
    FORWARD,
    FORWARD_TRANSITIVE,
    FULL,
    FULL_TRANSITIVE;

    /** Parses a level case-insensitively, failing with the list of valid levels. */
    public static CompatibilityLevel parse(String level) {
        if (level != null) {
            try {
                return valueOf(level.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through to the explanatory message
            }
        }
        throw new SchemaRegistryException(
                "Invalid compatibility level '" + level + "'; expected one of "
                        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")),
                422,
                42203);
    }

    boolean newMustReadOld() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    boolean oldMustReadNew() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }
}
