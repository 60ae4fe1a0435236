package org.biomarkerstreams.registry.server;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.biomarkerstreams.registry.CompatibilityLevel;

/**
 * What a compatibility level demands of a new schema, checked with Avro's own reader/writer resolution rules
 * ({@link SchemaCompatibility}): {@code BACKWARD} means the new schema reads data written with the old one,
 * {@code FORWARD} the old reads the new, {@code FULL} both; without {@code _TRANSITIVE} only the latest live version
 * is checked, with it every live version.
 */
final class CompatibilityRule {

    /** A version the new schema is checked against. */
    record Existing(int version, Schema schema) {}

    private CompatibilityRule() {}

    /**
     * The reasons {@code candidate} may not follow {@code existing} (newest first) under {@code level}; empty when it
     * may.
     */
    static List<String> problems(CompatibilityLevel level, Schema candidate, List<Existing> existing) {
        if (level == CompatibilityLevel.NONE || existing.isEmpty()) {
            return List.of();
        }
        boolean transitive = level.name().endsWith("_TRANSITIVE");
        return problemsAgainst(level, candidate, transitive ? existing : existing.subList(0, 1));
    }

    /** The reasons {@code candidate} is incompatible with each of {@code versions} in the direction(s) of {@code level}. */
    static List<String> problemsAgainst(CompatibilityLevel level, Schema candidate, List<Existing> versions) {
        List<String> problems = new ArrayList<>();
        for (Existing old : versions) {
            if (newMustReadOld(level)) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema()),
                        "the new schema cannot read data written with version " + old.version(),
                        problems);
            }
            if (oldMustReadNew(level)) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate),
                        "version " + old.version() + " cannot read data written with the new schema",
                        problems);
            }
        }
        return problems;
    }

    private static boolean newMustReadOld(CompatibilityLevel level) {
        return switch (level) {
            case BACKWARD, BACKWARD_TRANSITIVE, FULL, FULL_TRANSITIVE -> true;
            default -> false;
        };
    }

    private static boolean oldMustReadNew(CompatibilityLevel level) {
        return switch (level) {
            case FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE -> true;
            default -> false;
        };
    }

    private static void describe(
            SchemaCompatibility.SchemaPairCompatibility result, String direction, List<String> problems) {
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")");
        }
    }
}
