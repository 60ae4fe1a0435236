package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.registry.ContractSchema;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.SchemaRegistries;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.registry.WriterSchemaMode;
import org.junit.jupiter.api.Test;

class AvroSerdesTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Topics topics = Topics.defaults();

    @Test
    void shouldRegisterEveryTopicsSchemaAtStartWhenAutoRegistering() {
        AvroSerdes serdes = new AvroSerdes(registry, WriterSchemaMode.AUTO_REGISTER);

        serdes.requireWriterSchemas(topics.ingest(serdes));

        assertThat(registry.subjects())
                .containsExactlyInAnyOrder("lab-readings-value", "clinical-events-value", "lab-readings-dlq-value");
    }

    @Test
    void shouldNameEverySubjectAndFileMissingWhenOnlyLookingUp() {
        registry.register("lab-readings-value", ContractSchema.of(LabReading.class));
        AvroSerdes serdes = new AvroSerdes(registry, WriterSchemaMode.LOOKUP);

        assertThatThrownBy(() -> serdes.requireWriterSchemas(topics.ingest(serdes)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not registered under subject 'clinical-events-value'")
                .hasMessageContaining("register schemas/ClinicalEvent.avsc")
                .hasMessageContaining("not registered under subject 'lab-readings-dlq-value'")
                .hasMessageContaining("register schemas/DeadLetter.avsc")
                .hasMessageNotContaining("'lab-readings-value'");
        assertThat(registry.subjects()).containsExactly("lab-readings-value");
    }

    @Test
    void shouldPassTheRegistryFailureOnWhenTheRegistryCannotBeReached() {
        AvroSerdes serdes = new AvroSerdes(
                SchemaRegistries.forConfig(
                        RegistryConfig.of("http://127.0.0.1:1").withRetries(0, java.time.Duration.ZERO)),
                WriterSchemaMode.LOOKUP);

        assertThatThrownBy(() -> serdes.requireWriterSchemas(List.of(topics.deadLetters(serdes))))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void shouldHandOutOneSerdePerTypeSoThatSchemaIdsAreFoundOnce() {
        AvroSerdes serdes = new AvroSerdes(registry, WriterSchemaMode.AUTO_REGISTER);

        assertThat(serdes.value(DeadLetter.class)).isSameAs(serdes.value(DeadLetter.class));
    }
}
