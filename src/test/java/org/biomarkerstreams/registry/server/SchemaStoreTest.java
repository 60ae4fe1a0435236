package org.biomarkerstreams.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.registry.CompatibilityLevel;
import org.junit.jupiter.api.Test;

/**
 * What the registry reads back from a log that Kafka has compacted: only the latest record of each key is left,
 * tombstones disappear in time, and surviving records keep their order, which need not be the order the schemas
 * were registered in. {@code SchemaRegistryServerIT} covers the same store on the real topic, before compaction.
 */
class SchemaStoreTest {

    private static final String ENUM = "{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"c\",\"symbols\":[\"A\"]}";
    private static final String USER =
            "{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"c\",\"fields\":[{\"name\":\"e\",\"type\":\"E\"}]}";

    /** A log kept as Kafka compaction keeps a topic: the latest entry per key, tombstones dropped when asked. */
    private static final class CompactedLog implements SchemaLog {
        private final Map<String, LogEntry> latest = new LinkedHashMap<>();

        @Override
        public List<LogEntry> readAll() {
            return new ArrayList<>(latest.values());
        }

        @Override
        public void append(LogEntry entry) {
            LogEntryCodec.Bytes bytes = LogEntryCodec.encode(entry);
            String key = new String(bytes.key(), java.nio.charset.StandardCharsets.UTF_8);
            // A record with a key already in the log moves to the end, as a newer offset does.
            latest.remove(key);
            latest.put(key, LogEntryCodec.decode(bytes.key(), bytes.value()).orElseThrow());
        }

        /** What the cleaner does once delete.retention.ms has passed: tombstones are gone. */
        void dropTombstones() {
            latest.values().removeIf(e -> e instanceof LogEntry.VersionRemoved || e instanceof LogEntry.ConfigRemoved);
        }

        @Override
        public void close() {}
    }

    @Test
    void shouldNeverGiveAPermanentlyDeletedIdAgainWhenCompactionRemovedItsRecords() {
        CompactedLog log = new CompactedLog();
        SchemaStore store = SchemaStore.open(log);
        store.register("kept", avro("\"string\""));
        int gone = store.register("gone", avro("\"long\""));
        store.deleteSubject("gone", false);
        store.deleteSubject("gone", true);
        log.dropTombstones();

        SchemaStore restarted = SchemaStore.open(log);

        assertThat(restarted.register("new", avro("\"int\""))).isEqualTo(gone + 1);
        assertThatThrownBy(() -> restarted.schema(gone))
                .isInstanceOfSatisfying(
                        RegistryError.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void shouldResolveReferencesWhenCompactionLeftTheReferencedVersionAfterItsUser() {
        CompactedLog log = new CompactedLog();
        SchemaStore store = SchemaStore.open(log);
        store.register("enum", avro(ENUM));
        int user =
                store.register("user", new SchemaRequest(USER, "AVRO", List.of(new SchemaReference("c.E", "enum", 1))));
        // Rewriting the enum's version moves its record behind the user's.
        store.setSubjectLevel("user", CompatibilityLevel.FULL);
        store.deleteSubject("user", false);
        store.deleteVersion("enum", VersionSelector.LATEST, false);
        List<String> order = log.readAll().stream()
                .filter(e -> e instanceof LogEntry.Version)
                .map(e -> ((LogEntry.Version) e).subject())
                .toList();
        assertThat(order).containsExactly("user", "enum");

        SchemaStore restarted = SchemaStore.open(log);

        assertThat(restarted.schema(user).references()).containsExactly(new SchemaReference("c.E", "enum", 1));
        assertThat(restarted.version("user", VersionSelector.LATEST, true).id()).isEqualTo(user);
        assertThat(restarted.lookup("user", userWithReference(), true).version())
                .isEqualTo(1);
        assertThat(restarted.subjectLevel("user", false)).isEqualTo(CompatibilityLevel.FULL);
        assertThat(restarted.globalLevel()).isEqualTo(SchemaStore.DEFAULT_LEVEL);
        assertThat(restarted.subjects(true)).containsExactly("enum", "user");
        assertThat(restarted.subjects(false)).isEmpty();
        assertThat(restarted.versions("user", true)).containsExactly(1);
    }

    private static SchemaRequest userWithReference() {
        return new SchemaRequest(USER, "AVRO", List.of(new SchemaReference("c.E", "enum", 1)));
    }

    private static SchemaRequest avro(String schema) {
        return new SchemaRequest(schema, "AVRO", List.of());
    }
}
