package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.biomarkerstreams.registry.SchemaRegistry;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.registry.SpecificAvroSerde;
import org.biomarkerstreams.registry.WriterSchemaMode;

/** Value serdes in the Confluent wire format, all backed by one schema registry. */
public final class AvroSerdes {

    private final SchemaRegistry registry;
    private final WriterSchemaMode mode;
    private final Map<Class<?>, SpecificAvroSerde<?>> serdesByType = new ConcurrentHashMap<>();

    public AvroSerdes(SchemaRegistry registry, WriterSchemaMode mode) {
        this.registry = registry;
        this.mode = mode;
    }

    /** Shorthand for {@link WriterSchemaMode#AUTO_REGISTER} ({@code autoRegister}) or {@link WriterSchemaMode#LOOKUP}. */
    public AvroSerdes(SchemaRegistry registry, boolean autoRegister) {
        this(registry, autoRegister ? WriterSchemaMode.AUTO_REGISTER : WriterSchemaMode.LOOKUP);
    }

    /** The serde of {@code type}'s values; one instance per type, as serdes keep their schema ids. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return (Serde<T>) serdesByType.computeIfAbsent(type, t -> new SpecificAvroSerde<>(registry, type, false, mode));
    }

    public SchemaRegistry registry() {
        return registry;
    }

    public WriterSchemaMode mode() {
        return mode;
    }

    /**
     * Finds now the schema id each topic is written with (registering the schemas, in the default mode), so that a
     * command fails at start, naming every subject and the fix, rather than at its first record.
     *
     * @throws IllegalArgumentException listing each topic whose schema the registry refused or does not have
     * @throws SchemaRegistryException when the registry could not be asked (unreachable, failing)
     */
    public void requireWriterSchemas(List<TopicSpec<? extends SpecificRecord>> topics) {
        List<String> problems = new ArrayList<>();
        for (TopicSpec<? extends SpecificRecord> topic : topics) {
            if (!(topic.valueSerde() instanceof SpecificAvroSerde<?> serde)) {
                continue;
            }
            try {
                serde.writerSchemaId(topic.name());
            } catch (SerializationException e) {
                if (e.getCause() instanceof SchemaRegistryException cause && !cause.isRefusal()) {
                    throw cause;
                }
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }
}
