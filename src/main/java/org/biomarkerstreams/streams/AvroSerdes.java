package org.biomarkerstreams.streams;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.biomarkerstreams.registry.SchemaRegistry;
import org.biomarkerstreams.registry.SpecificAvroSerde;

/** Value serdes in the Confluent wire format, all backed by one schema registry. */
public final class AvroSerdes {

    private final SchemaRegistry registry;
    private final boolean autoRegister;

    public AvroSerdes(SchemaRegistry registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return new SpecificAvroSerde<>(registry, type, false, autoRegister);
    }

    public SchemaRegistry registry() {
        return registry;
    }
}
