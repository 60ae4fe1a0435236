package org.biomarkerstreams.registry.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.biomarkerstreams.registry.CompatibilityLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state and its rules, with Confluent's semantics: global ids, one per distinct {@link SchemaIdentity}
 * and shared across subjects; versions numbered per subject from 1; registration idempotent and checked against the
 * subject's compatibility level ({@code BACKWARD} unless configured); soft deletes that keep a version findable with
 * {@code deleted=true} and its id resolvable; permanent deletes only of soft-deleted versions; no delete of a version
 * another schema references.
 *
 * <p>Every change is first written to the {@link SchemaLog} and applied only once it is durable, so the state is
 * always the fold of the log, and a restart that reads the log back gives the same ids and versions. One writer: all
 * methods are synchronized, and only one registry may use a log (Confluent elects a leader for this; this registry is
 * a single process by design).
 */
final class SchemaStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);

    static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private final SchemaLog storage;
    private final NavigableMap<String, NavigableMap<Integer, LogEntry.Version>> subjects = new TreeMap<>();
    private final Map<Integer, SchemaIdentity> identities = new HashMap<>();
    private final Map<SchemaIdentity, Integer> ids = new HashMap<>();
    /** How many versions (live or soft-deleted) hold each id: an id lives as long as one does. */
    private final Map<Integer, Integer> holders = new HashMap<>();
    /** Parsed schemas by id, made on first need: ids never change their schema. */
    private final Map<Integer, Schema> parsed = new HashMap<>();

    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_LEVEL;
    private int nextId = 1;

    private SchemaStore(SchemaLog storage) {
        this.storage = storage;
    }

    /** The state the log holds; a stored schema that no longer parses is logged and left out of checks. */
    static SchemaStore open(SchemaLog storage) {
        SchemaStore store = new SchemaStore(storage);
        List<LogEntry> entries = storage.readAll();
        synchronized (store) {
            entries.forEach(store::apply);
            for (Integer id : new TreeSet<>(store.identities.keySet())) {
                try {
                    store.schemaOf(id);
                } catch (RegistryError e) {
                    log.error("Schema id {} in the registry's log cannot be parsed: {}", id, e.getMessage());
                }
            }
            log.info(
                    "Schema registry state read back: {} entries, {} subjects, {} schema ids",
                    entries.size(),
                    store.subjects.size(),
                    store.identities.size());
        }
        return store;
    }

    // ---- schemas and subjects ----

    /**
     * Registers {@code request} under {@code subject}: the id of an equal live version of the subject if there is one;
     * otherwise a new version, with the id the same schema already has under any subject, or a new id.
     *
     * @throws RegistryError 42201 invalid schema or reference, 409 incompatible, 50001 not stored
     */
    synchronized int register(String subject, SchemaRequest request) {
        requireValidSubject(subject);
        AvroDefinition definition = parse(request);
        Integer known = ids.get(definition.identity());
        List<LogEntry.Version> live = visible(subject, false);
        if (known != null && live.stream().anyMatch(v -> v.id() == known)) {
            return known;
        }
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems = CompatibilityRule.problems(level, definition.schema(), existing(live));
        if (!problems.isEmpty()) {
            throw RegistryError.incompatible("Schema being registered is incompatible with an earlier schema for"
                    + " subject '" + subject + "' under compatibility level " + level + ": "
                    + String.join("; ", problems));
        }
        int id = known != null ? known : nextId;
        NavigableMap<Integer, LogEntry.Version> all = subjects.get(subject);
        int version = all == null ? 1 : all.lastKey() + 1;
        SchemaIdentity identity = definition.identity();
        write(new LogEntry.Version(subject, version, id, identity.canonical(), identity.references(), false));
        parsed.putIfAbsent(id, definition.schema());
        log.info("Registered schema id {} as version {} of subject {}", id, version, subject);
        return id;
    }

    /**
     * The version of {@code subject} that holds the same schema as {@code request} (the newest, if several).
     *
     * @throws RegistryError 40401 no such subject, 40403 not registered under it, 42201 invalid schema
     */
    synchronized LogEntry.Version lookup(String subject, SchemaRequest request, boolean includeDeleted) {
        List<LogEntry.Version> candidates = visible(subject, includeDeleted);
        if (candidates.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        Integer id = ids.get(parse(request).identity());
        for (int i = candidates.size() - 1; i >= 0; i--) {
            if (id != null && candidates.get(i).id() == id) {
                return candidates.get(i);
            }
        }
        throw RegistryError.schemaNotFound();
    }

    /** @throws RegistryError 40401, 40402 */
    synchronized LogEntry.Version version(String subject, VersionSelector selector, boolean includeDeleted) {
        return select(subject, visible(subject, includeDeleted), selector);
    }

    /** @throws RegistryError 40401 when the subject has no (live, unless {@code includeDeleted}) versions */
    synchronized List<Integer> versions(String subject, boolean includeDeleted) {
        List<LogEntry.Version> versions = visible(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return versions.stream().map(LogEntry.Version::version).toList();
    }

    /** Subjects with a live version (or any version, with {@code includeDeleted}), sorted. */
    synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream()
                .filter(s -> !visible(s, includeDeleted).isEmpty())
                .toList();
    }

    /** @throws RegistryError 40403 */
    synchronized SchemaIdentity schema(int id) {
        SchemaIdentity identity = identities.get(id);
        if (identity == null) {
            throw RegistryError.schemaNotFound(id);
        }
        return identity;
    }

    /** The subject versions holding {@code id}. @throws RegistryError 40403 */
    synchronized List<LogEntry.Version> versionsOf(int id, boolean includeDeleted) {
        schema(id);
        List<LogEntry.Version> out = new ArrayList<>();
        for (NavigableMap<Integer, LogEntry.Version> versions : subjects.values()) {
            for (LogEntry.Version v : versions.values()) {
                if (v.id() == id && (includeDeleted || !v.deleted())) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** Ids of the live versions whose schemas reference this version. @throws RegistryError 40401, 40402 */
    synchronized List<Integer> referencedBy(String subject, VersionSelector selector) {
        LogEntry.Version target = select(subject, visible(subject, true), selector);
        return referrers(target, false, Optional.empty()).stream()
                .map(LogEntry.Version::id)
                .distinct()
                .sorted()
                .toList();
    }

    /**
     * Deletes one version: soft (it stays findable with {@code deleted=true}, its id resolvable) or, once soft-deleted,
     * permanently.
     *
     * @return the version deleted
     * @throws RegistryError 40401, 40402, 40406 already soft-deleted, 40407 not soft-deleted first, 42206 referenced
     */
    synchronized int deleteVersion(String subject, VersionSelector selector, boolean permanent) {
        List<LogEntry.Version> all = visible(subject, true);
        LogEntry.Version target;
        if (selector.isLatest() && !permanent) {
            List<LogEntry.Version> live = visible(subject, false);
            if (!all.isEmpty() && live.isEmpty()) {
                throw RegistryError.subjectSoftDeleted(subject);
            }
            target = select(subject, live, selector);
        } else {
            target = select(subject, all, selector);
        }
        if (!permanent) {
            if (target.deleted()) {
                throw RegistryError.versionSoftDeleted(subject, target.version());
            }
            requireUnreferenced(target, false, Optional.empty());
            write(target.softDeleted());
        } else {
            if (!target.deleted()) {
                throw RegistryError.versionNotSoftDeleted(subject, target.version());
            }
            requireUnreferenced(target, true, Optional.empty());
            write(new LogEntry.NextId(nextId));
            write(new LogEntry.VersionRemoved(subject, target.version()));
        }
        log.info("{} deleted version {} of subject {}", permanent ? "Permanently" : "Soft", target.version(), subject);
        return target.version();
    }

    /**
     * Deletes every version of a subject: soft, or, once all are soft-deleted, permanently (with its compatibility
     * level).
     *
     * @return the versions deleted
     * @throws RegistryError 40401, 40404 already soft-deleted, 40405 not soft-deleted first, 42206 referenced
     */
    synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        List<LogEntry.Version> all = visible(subject, true);
        if (all.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        List<LogEntry.Version> live = all.stream().filter(v -> !v.deleted()).toList();
        List<Integer> deleted = new ArrayList<>();
        if (!permanent) {
            if (live.isEmpty()) {
                throw RegistryError.subjectSoftDeleted(subject);
            }
            live.forEach(v -> requireUnreferenced(v, false, Optional.of(subject)));
            for (LogEntry.Version v : live) {
                write(v.softDeleted());
                deleted.add(v.version());
            }
        } else {
            if (!live.isEmpty()) {
                throw RegistryError.subjectNotSoftDeleted(subject);
            }
            all.forEach(v -> requireUnreferenced(v, true, Optional.of(subject)));
            write(new LogEntry.NextId(nextId));
            for (LogEntry.Version v : all) {
                write(new LogEntry.VersionRemoved(subject, v.version()));
                deleted.add(v.version());
            }
            if (subjectLevels.containsKey(subject)) {
                write(new LogEntry.ConfigRemoved(Optional.of(subject)));
            }
        }
        log.info("{} deleted subject {} (versions {})", permanent ? "Permanently" : "Soft", subject, deleted);
        return deleted;
    }

    // ---- compatibility levels ----

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized void setGlobalLevel(CompatibilityLevel level) {
        write(new LogEntry.Config(Optional.empty(), level));
    }

    /** Back to {@code BACKWARD}; returns the level it had. */
    synchronized CompatibilityLevel deleteGlobalLevel() {
        CompatibilityLevel old = globalLevel;
        write(new LogEntry.ConfigRemoved(Optional.empty()));
        return old;
    }

    /** @throws RegistryError 40408 when the subject has no level of its own and {@code defaultToGlobal} is false */
    synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        CompatibilityLevel level = subjectLevels.get(subject);
        if (level != null) {
            return level;
        }
        if (defaultToGlobal) {
            return globalLevel;
        }
        throw RegistryError.subjectLevelNotConfigured(subject);
    }

    synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        requireValidSubject(subject);
        write(new LogEntry.Config(Optional.of(subject), level));
    }

    /** The subject follows the global level again; returns the level it had. @throws RegistryError 40408 */
    synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel old = subjectLevel(subject, false);
        write(new LogEntry.ConfigRemoved(Optional.of(subject)));
        return old;
    }

    // ---- compatibility checks without registering ----

    /**
     * Why {@code request} could not follow this one version of the subject under the subject's level; empty if it
     * could.
     *
     * @throws RegistryError 40401, 40402, 42201
     */
    synchronized List<String> problemsWithVersion(String subject, VersionSelector selector, SchemaRequest request) {
        LogEntry.Version target = select(subject, visible(subject, false), selector);
        AvroDefinition definition = parse(request);
        return CompatibilityRule.problemsAgainst(
                effectiveLevel(subject),
                definition.schema(),
                List.of(new CompatibilityRule.Existing(target.version(), storedSchema(target.id()))));
    }

    /** Why registering {@code request} under {@code subject} would be refused as incompatible; empty if it would not. */
    synchronized List<String> problemsWithSubject(String subject, SchemaRequest request) {
        AvroDefinition definition = parse(request);
        return CompatibilityRule.problems(
                effectiveLevel(subject), definition.schema(), existing(visible(subject, false)));
    }

    @Override
    public void close() {
        storage.close();
    }

    // ---- internals ----

    private CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** The subject's versions, oldest first: live ones, or all with {@code includeDeleted}. */
    private List<LogEntry.Version> visible(String subject, boolean includeDeleted) {
        NavigableMap<Integer, LogEntry.Version> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream()
                .filter(v -> includeDeleted || !v.deleted())
                .toList();
    }

    private static LogEntry.Version select(String subject, List<LogEntry.Version> versions, VersionSelector selector) {
        if (versions.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        if (selector.isLatest()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream()
                .filter(v -> v.version() == selector.number())
                .findFirst()
                .orElseThrow(() -> RegistryError.versionNotFound(selector.number()));
    }

    /** Live versions, newest first, with their schemas: what a new version is checked against. */
    private List<CompatibilityRule.Existing> existing(List<LogEntry.Version> live) {
        List<CompatibilityRule.Existing> out = new ArrayList<>();
        for (int i = live.size() - 1; i >= 0; i--) {
            out.add(new CompatibilityRule.Existing(
                    live.get(i).version(), storedSchema(live.get(i).id())));
        }
        return out;
    }

    /** Versions (live, or also soft-deleted) whose references name {@code target}, outside {@code except}. */
    private List<LogEntry.Version> referrers(
            LogEntry.Version target, boolean includeSoftDeleted, Optional<String> except) {
        List<LogEntry.Version> out = new ArrayList<>();
        for (Map.Entry<String, NavigableMap<Integer, LogEntry.Version>> subject : subjects.entrySet()) {
            if (except.isPresent() && except.get().equals(subject.getKey())) {
                continue;
            }
            for (LogEntry.Version v : subject.getValue().values()) {
                if ((includeSoftDeleted || !v.deleted())
                        && v.references().stream()
                                .anyMatch(
                                        r -> r.subject().equals(target.subject()) && r.version() == target.version())) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private void requireUnreferenced(LogEntry.Version target, boolean includeSoftDeleted, Optional<String> except) {
        List<LogEntry.Version> by = referrers(target, includeSoftDeleted, except);
        if (!by.isEmpty()) {
            throw RegistryError.referenceExists("One or more references exist to the schema {subject: "
                    + target.subject() + ", version: " + target.version() + "}: "
                    + by.stream()
                            .map(v -> v.subject() + " version " + v.version())
                            .toList());
        }
    }

    private static void requireValidSubject(String subject) {
        if (subject.isBlank() || subject.chars().anyMatch(Character::isISOControl)) {
            throw RegistryError.invalidSubject(subject);
        }
    }

    /** The request's schema, parsed with its references resolved (a reference to {@code -1} means the latest). */
    private AvroDefinition parse(SchemaRequest request) {
        if (!SchemaRequest.AVRO.equals(request.schemaType())) {
            throw RegistryError.invalidSchema(
                    "Invalid schema type " + request.schemaType() + ": this registry serves AVRO schemas only");
        }
        if (request.schema().isBlank()) {
            throw RegistryError.invalidSchema("Invalid schema: empty schema");
        }
        List<SchemaReference> references = new ArrayList<>();
        List<Schema> referenced = new ArrayList<>();
        for (SchemaReference r : request.references()) {
            LogEntry.Version target;
            try {
                target = select(
                        r.subject(),
                        r.version() == VersionSelector.LATEST_NUMBER
                                ? visible(r.subject(), false)
                                : visible(r.subject(), true),
                        r.version() == VersionSelector.LATEST_NUMBER
                                ? VersionSelector.LATEST
                                : new VersionSelector(r.version()));
            } catch (RegistryError notFound) {
                throw RegistryError.invalidSchema(
                        "Invalid schema: reference " + r + " not found (" + notFound.getMessage() + ")");
            }
            references.add(r.withVersion(target.version()));
            referenced.add(storedSchema(target.id()));
        }
        return AvroDefinition.parse(request.schema(), references, referenced);
    }

    /** The parsed schema of a stored id. @throws RegistryError 50001 when the stored text does not parse */
    private Schema storedSchema(int id) {
        try {
            return schemaOf(id);
        } catch (RegistryError e) {
            throw RegistryError.store("Stored schema id " + id + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private Schema schemaOf(int id) {
        return schemaOf(id, new HashSet<>());
    }

    private Schema schemaOf(int id, Set<Integer> resolving) {
        Schema known = parsed.get(id);
        if (known != null) {
            return known;
        }
        SchemaIdentity identity = identities.get(id);
        if (identity == null) {
            throw RegistryError.schemaNotFound(id);
        }
        if (!resolving.add(id)) {
            throw RegistryError.invalidSchema("Schema id " + id + " references itself through " + resolving);
        }
        List<Schema> referenced = new ArrayList<>();
        for (SchemaReference r : identity.references()) {
            NavigableMap<Integer, LogEntry.Version> versions = subjects.get(r.subject());
            LogEntry.Version target = versions == null ? null : versions.get(r.version());
            if (target == null) {
                throw RegistryError.invalidSchema("Schema id " + id + ": reference " + r + " not found");
            }
            referenced.add(schemaOf(target.id(), resolving));
        }
        Schema schema = AvroDefinition.parse(identity.canonical(), identity.references(), referenced)
                .schema();
        parsed.put(id, schema);
        return schema;
    }

    private void write(LogEntry entry) {
        storage.append(entry);
        apply(entry);
    }

    private void apply(LogEntry entry) {
        if (entry instanceof LogEntry.Version v) {
            LogEntry.Version previous =
                    subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
            if (previous != null) {
                release(previous.id());
            }
            hold(v);
        } else if (entry instanceof LogEntry.VersionRemoved r) {
            NavigableMap<Integer, LogEntry.Version> versions = subjects.get(r.subject());
            LogEntry.Version previous = versions == null ? null : versions.remove(r.version());
            if (previous != null) {
                release(previous.id());
            }
            if (versions != null && versions.isEmpty()) {
                subjects.remove(r.subject());
            }
        } else if (entry instanceof LogEntry.Config c) {
            c.subject().ifPresentOrElse(s -> subjectLevels.put(s, c.level()), () -> globalLevel = c.level());
        } else if (entry instanceof LogEntry.ConfigRemoved c) {
            c.subject().ifPresentOrElse(subjectLevels::remove, () -> globalLevel = DEFAULT_LEVEL);
        } else if (entry instanceof LogEntry.NextId n) {
            nextId = Math.max(nextId, n.next());
        }
    }

    private void hold(LogEntry.Version v) {
        SchemaIdentity identity = v.identity();
        SchemaIdentity existing = identities.putIfAbsent(v.id(), identity);
        if (existing != null && !existing.equals(identity)) {
            log.error(
                    "The registry's log gives id {} two different schemas (subject {} version {}); keeping the first",
                    v.id(),
                    v.subject(),
                    v.version());
        }
        ids.putIfAbsent(identity, v.id());
        holders.merge(v.id(), 1, Integer::sum);
        nextId = Math.max(nextId, v.id() + 1);
    }

    private void release(int id) {
        if (holders.merge(id, -1, Integer::sum) > 0) {
            return;
        }
        holders.remove(id);
        SchemaIdentity identity = identities.remove(id);
        if (identity != null) {
            ids.remove(identity, id);
        }
        parsed.remove(id);
    }
}
