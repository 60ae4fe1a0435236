package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.EventType;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.registry.RegisteredSchema;
import org.biomarkerstreams.registry.SchemaRegistry;
import org.biomarkerstreams.registry.SchemaRegistryException;
import org.biomarkerstreams.registry.SpecificAvroSerde;
import org.biomarkerstreams.registry.WireFormat;
import org.junit.jupiter.api.Test;

class SafeDeserializerTest {

    private static final String READINGS = "lab-readings";
    private static final String EVENTS = "clinical-events";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerde<LabReading> readings =
            new SpecificAvroSerde<>(registry, LabReading.class, false, true);
    private final SafeDeserializer<LabReading> safe = new SafeDeserializer<>(readings.deserializer(), 1024);

    @Test
    void shouldDecodeWhenTheRecordIsAGoodReading() {
        byte[] bytes = readings.serializer().serialize(READINGS, aReading(""));

        Decoded<LabReading> decoded = safe.deserialize(READINGS, bytes);

        assertThat(decoded.isOk()).isTrue();
        assertThat(decoded.value().getReadingId()).isEqualTo("R1");
        assertThat(decoded.raw()).isSameAs(bytes);
    }

    @Test
    void shouldBeUndeserializableWhenTheBytesAreNotInTheWireFormat() {
        Decoded<LabReading> decoded = safe.deserialize(READINGS, "{\"json\":true}".getBytes(StandardCharsets.UTF_8));

        assertThat(decoded.code()).isEqualTo(ErrorCode.UNDESERIALIZABLE);
        assertThat(decoded.error()).contains("magic byte");
    }

    @Test
    void shouldBeUnknownSchemaWhenTheRegistrySaysItHasNoSuchId() {
        byte[] good = readings.serializer().serialize(READINGS, aReading(""));
        byte[] foreign = WireFormat.frame(4242, java.util.Arrays.copyOfRange(good, 5, good.length));

        Decoded<LabReading> decoded = safe.deserialize(READINGS, foreign);

        assertThat(decoded.code()).isEqualTo(ErrorCode.UNKNOWN_SCHEMA);
        assertThat(decoded.error()).contains("Unknown schema id 4242").contains("'" + READINGS + "'");
        assertThat(decoded.raw()).isSameAs(foreign);
    }

    @Test
    void shouldBeWrongSchemaWhenTheRecordIsOfAnotherType() {
        SpecificAvroSerde<ClinicalEvent> events = new SpecificAvroSerde<>(registry, ClinicalEvent.class, false, true);
        byte[] event = events.serializer()
                .serialize(
                        EVENTS,
                        ClinicalEvent.newBuilder()
                                .setEventId("E1")
                                .setType(EventType.INFUSION)
                                .setAt(Instant.parse("2020-02-02T15:00:00Z"))
                                .build());

        Decoded<LabReading> decoded = safe.deserialize(READINGS, event);

        assertThat(decoded.code()).isEqualTo(ErrorCode.WRONG_SCHEMA);
        assertThat(decoded.error())
                .contains("ClinicalEvent")
                .contains("cannot be read as")
                .contains("LabReading");
    }

    @Test
    void shouldBeOversizedWithoutDecodingWhenTheValueIsAboveTheLimit() {
        byte[] big = readings.serializer().serialize(READINGS, aReading("x".repeat(2000)));

        Decoded<LabReading> decoded = safe.deserialize(READINGS, big);

        assertThat(decoded.code()).isEqualTo(ErrorCode.OVERSIZED);
        assertThat(decoded.error())
                .contains(big.length + " bytes")
                .contains("1024")
                .contains("--max-record-bytes");
        assertThat(decoded.raw()).isSameAs(big);
    }

    @Test
    void shouldThrowInsteadOfDeadLetteringWhenTheRegistryCannotBeReached() {
        byte[] good = readings.serializer().serialize(READINGS, aReading(""));
        SafeDeserializer<LabReading> cut = new SafeDeserializer<>(
                new SpecificAvroSerde<>(unreachable(), LabReading.class, false, false).deserializer());

        assertThatThrownBy(() -> cut.deserialize(READINGS, good))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot fetch writer schema id")
                .hasRootCauseInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shouldThrowInsteadOfDeadLetteringWhenA404IsNotSchemaNotFound() {
        byte[] good = readings.serializer().serialize(READINGS, aReading(""));
        // A registry URL missing its API path: a proxy's 404 says nothing about the record.
        SafeDeserializer<LabReading> cut = new SafeDeserializer<>(new SpecificAvroSerde<>(
                        answering(new SchemaRegistryException("Not Found", 404, 404)), LabReading.class, false, false)
                .deserializer());

        assertThatThrownBy(() -> cut.deserialize(READINGS, good)).isInstanceOf(SerializationException.class);
    }

    private static SchemaRegistry unreachable() {
        return answering(new SchemaRegistryException(
                "schema registry unreachable", SchemaRegistryException.NO_ANSWER, SchemaRegistryException.NO_ANSWER));
    }

    private static SchemaRegistry answering(SchemaRegistryException failure) {
        return new SchemaRegistry() {
            @Override
            public int register(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public int lookup(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public RegisteredSchema latest(String subject) {
                throw failure;
            }

            @Override
            public Schema schemaById(int id) {
                throw failure;
            }

            @Override
            public boolean testCompatibility(String subject, Schema schema) {
                throw failure;
            }

            @Override
            public void setCompatibility(String subject, String level) {
                throw failure;
            }
        };
    }

    private static LabReading aReading(String source) {
        return LabReading.newBuilder()
                .setReadingId("R1")
                .setRevision(1)
                .setPatientId("P1")
                .setAnalyte("CRP")
                .setValue("12")
                .setUnit("mg/L")
                .setObservedAt(Instant.parse("2020-02-03T08:00:00Z"))
                .setSource("test" + source)
                .build();
    }
}
