package org.biomarkerstreams.registry.server;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.biomarkerstreams.registry.CompatibilityLevel;

/**
 * One change of the registry's state, as it is kept in the compacted {@code _schemas} topic: the registry's state is
 * the fold of these in topic order, and a later entry with the same key replaces an earlier one.
 */
sealed interface LogEntry {

    /** A version of a subject: registered, or soft-deleted when {@code deleted}. */
    record Version(
            String subject, int version, int id, String schema, List<SchemaReference> references, boolean deleted)
            implements LogEntry {
        public Version {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
            references = List.copyOf(references);
        }

        SchemaIdentity identity() {
            return new SchemaIdentity(schema, references);
        }

        Version softDeleted() {
            return new Version(subject, version, id, schema, references, true);
        }
    }

    /** A version deleted permanently (a tombstone of its {@link Version} key). */
    record VersionRemoved(String subject, int version) implements LogEntry {
        public VersionRemoved {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /** The compatibility level of a subject, or the global one when {@code subject} is empty. */
    record Config(Optional<String> subject, CompatibilityLevel level) implements LogEntry {
        public Config {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(level, "level");
        }
    }

    /** A compatibility level removed (a tombstone of its {@link Config} key): the subject follows the global one. */
    record ConfigRemoved(Optional<String> subject) implements LogEntry {
        public ConfigRemoved {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /**
     * The lowest id the next new schema may get. Written before a permanent delete, whose tombstones compaction
     * removes in time, so that a deleted id is never handed out again to another schema after a restart.
     */
    record NextId(int next) implements LogEntry {}
}
