package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

    private static final Schema V1 = record("{\"name\":\"a\",\"type\":\"string\"}");
    private static final Schema V2_OPTIONAL = record(
            "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}");
    private static final Schema V2_REQUIRED =
            record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}");

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void shouldReturnTheSameIdWhenTheSameSchemaIsRegisteredTwice() {
        int first = registry.register("t-value", V1);

        assertThat(registry.register("t-value", V1)).isEqualTo(first);
        assertThat(registry.register("other-value", V1)).isEqualTo(first);
        assertThat(registry.schemaById(first)).isEqualTo(V1);
        assertThat(registry.lookup("t-value", V1)).isEqualTo(first);
    }

    @Test
    void shouldGiveANewIdWhenACompatibleVersionIsRegistered() {
        int v1 = registry.register("t-value", V1);

        int v2 = registry.register("t-value", V2_OPTIONAL);

        assertThat(v2).isNotEqualTo(v1);
        assertThat(registry.schemaById(v2)).isEqualTo(V2_OPTIONAL);
    }

    @Test
    void shouldRejectWith409WhenANewRequiredFieldHasNoDefaultUnderBackward() {
        registry.register("t-value", V1);

        assertThat(registry.testCompatibility("t-value", V2_REQUIRED)).isFalse();
        assertThatThrownBy(() -> registry.register("t-value", V2_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.getMessage())
                            .contains("incompatible")
                            .contains("'t-value'")
                            .contains("BACKWARD")
                            .contains("READER_FIELD_MISSING_DEFAULT");
                });
    }

    @Test
    void shouldAcceptAnySchemaWhenCompatibilityIsNone() {
        registry.register("t-value", V1);
        registry.setCompatibility("t-value", "none");

        assertThat(registry.testCompatibility("t-value", V2_REQUIRED)).isTrue();
        assertThat(registry.register("t-value", V2_REQUIRED)).isPositive();
    }

    @Test
    void shouldRejectRemovingARequiredFieldWhenCompatibilityIsForward() {
        registry.setCompatibility("t-value", "FORWARD");
        registry.register("t-value", V2_REQUIRED);

        assertThat(registry.testCompatibility("t-value", V1)).isFalse();
    }

    @Test
    void shouldAcceptAnySchemaWhenSubjectHasNoVersions() {
        assertThat(registry.testCompatibility("new-value", V2_REQUIRED)).isTrue();
    }

    @Test
    void shouldRejectWith422WhenLevelIsUnknown() {
        assertThatThrownBy(() -> registry.setCompatibility("t-value", "SIDEWAYS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(42203))
                .hasMessageContaining("SIDEWAYS")
                .hasMessageContaining("BACKWARD_TRANSITIVE");
    }

    @Test
    void shouldReport404WithConfluentCodesWhenNothingMatches() {
        registry.register("t-value", V1);

        assertThatThrownBy(() -> registry.lookup("missing-value", V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(40401))
                .hasMessageContaining("Subject 'missing-value' not found");
        assertThatThrownBy(() -> registry.lookup("t-value", V2_OPTIONAL))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(40403));
        assertThatThrownBy(() -> registry.schemaById(77))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isNotFound())
                        .isTrue())
                .hasMessageContaining("Schema id 77 not found");
    }

    @Test
    void shouldShareOneRegistryPerScopeWhenReachedThroughMockUrls() {
        try {
            SchemaRegistry first = SchemaRegistries.forConfig(RegistryConfig.of("mock://in-memory-test"));
            int id = first.register("t-value", V1);

            SchemaRegistry second =
                    SchemaRegistries.fromProperties(java.util.Map.of(RegistryConfig.URL, "mock://in-memory-test"));

            assertThat(second).isSameAs(first);
            assertThat(second.schemaById(id)).isEqualTo(V1);
        } finally {
            InMemorySchemaRegistry.dropScope("in-memory-test");
        }
        assertThat(InMemorySchemaRegistry.scope("in-memory-test").subjects()).isEmpty();
        InMemorySchemaRegistry.dropScope("in-memory-test");
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + fields + "]}");
    }
}
