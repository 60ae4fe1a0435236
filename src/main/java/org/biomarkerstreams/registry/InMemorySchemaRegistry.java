package org.biomarkerstreams.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A schema registry in memory, for tests, TopologyTestDriver and the embedded demo. It follows the Confluent
 * semantics the serdes rely on: one global id per distinct schema (shared across subjects), idempotent
 * registration, per-subject compatibility levels with {@code BACKWARD} as the default, checked with Avro's
 * {@link SchemaCompatibility}, and the same HTTP-style status and error codes in its exceptions.
 *
 * <p>Named scopes ({@link #scope(String)}) let the serdes of one application and its test share an instance through
 * a {@code mock://<scope>} URL.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final CompatibilityLevel defaultLevel;
    // Keyed by the full JSON form so schemas that differ only in defaults or docs get different ids, as in Confluent.
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<Schema>> versionsBySubject = new HashMap<>();
    private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();

    /** A fresh registry whose subjects default to {@code BACKWARD}. */
    public InMemorySchemaRegistry() {
        this(CompatibilityLevel.BACKWARD);
    }

    /** A fresh registry whose subjects default to {@code defaultLevel}. */
    public InMemorySchemaRegistry(CompatibilityLevel defaultLevel) {
        this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
    }

    /** The shared registry of {@code name}, created on first use. */
    public static InMemorySchemaRegistry scope(String name) {
        return SCOPES.computeIfAbsent(name, n -> new InMemorySchemaRegistry());
    }

    /** Forgets the shared registry of {@code name}; the next {@link #scope(String)} starts empty. */
    public static void dropScope(String name) {
        SCOPES.remove(name);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.getOrDefault(subject, List.of());
        if (isVersionOf(versions, schema)) {
            return idsBySchemaText.get(schema.toString());
        }
        String incompatibility = incompatibility(subject, versions, schema);
        if (incompatibility != null) {
            throw new SchemaRegistryException(
                    "Schema being registered is incompatible with an earlier schema of subject '" + subject
                            + "' (compatibility " + levelOf(subject) + "): " + incompatibility,
                    409,
                    409);
        }
        int id = idsBySchemaText.computeIfAbsent(schema.toString(), text -> schemasById.size() + 1);
        schemasById.putIfAbsent(id, schema);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(schema);
        return id;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found", 404, 40401);
        }
        if (!isVersionOf(versions, schema)) {
            throw new SchemaRegistryException(
                    "Schema " + schema.getFullName() + " is not registered under subject '" + subject + "'",
                    404,
                    40403);
        }
        return idsBySchemaText.get(schema.toString());
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Schema> versions = versionsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found", 404, 40401);
        }
        Schema schema = versions.get(versions.size() - 1);
        return new RegisteredSchema(subject, versions.size(), idsBySchemaText.get(schema.toString()), schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema id " + id + " not found", 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        return incompatibility(subject, versionsBySubject.getOrDefault(subject, List.of()), schema) == null;
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        levelsBySubject.put(subject, CompatibilityLevel.parse(level));
    }

    /** The subjects registered so far. */
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    private static boolean isVersionOf(List<Schema> versions, Schema schema) {
        String text = schema.toString();
        return versions.stream().anyMatch(v -> v.toString().equals(text));
    }

    private CompatibilityLevel levelOf(String subject) {
        return levelsBySubject.getOrDefault(subject, defaultLevel);
    }

    /** Null when compatible, otherwise a description of the first incompatibility. */
    private String incompatibility(String subject, List<Schema> versions, Schema candidate) {
        CompatibilityLevel level = levelOf(subject);
        if (level == CompatibilityLevel.NONE || versions.isEmpty()) {
            return null;
        }
        List<Schema> against = level.transitive() ? versions : List.of(versions.get(versions.size() - 1));
        for (Schema existing : against) {
            if (level.newMustReadOld()) {
                String problem = describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing));
                if (problem != null) {
                    return "the new schema cannot read data written with an earlier one: " + problem;
                }
            }
            if (level.oldMustReadNew()) {
                String problem = describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate));
                if (problem != null) {
                    return "an earlier schema cannot read data written with the new one: " + problem;
                }
            }
        }
        return null;
    }

    private static String describe(SchemaPairCompatibility result) {
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }
}
