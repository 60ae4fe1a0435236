package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterSchemaModeTest {

    @Test
    void shouldRegisterByDefaultAsConfluentsSerializerDoes() {
        assertThat(WriterSchemaMode.fromProperties(Map.of())).isEqualTo(WriterSchemaMode.AUTO_REGISTER);
        assertThat(WriterSchemaMode.fromProperties(Map.of("auto.register.schemas", " TRUE ")))
                .isEqualTo(WriterSchemaMode.AUTO_REGISTER);
    }

    @Test
    void shouldOnlyLookUpWhenAutoRegistrationIsOff() {
        assertThat(WriterSchemaMode.fromProperties(Map.of("auto.register.schemas", "false")))
                .isEqualTo(WriterSchemaMode.LOOKUP);
        assertThat(WriterSchemaMode.fromProperties(
                        Map.of("auto.register.schemas", "false", "use.latest.version", "false")))
                .isEqualTo(WriterSchemaMode.LOOKUP);
    }

    @Test
    void shouldUseTheLatestVersionWhenAskedWithAutoRegistrationOff() {
        assertThat(WriterSchemaMode.fromProperties(
                        Map.of("auto.register.schemas", "false", "use.latest.version", "true")))
                .isEqualTo(WriterSchemaMode.LATEST_VERSION);
    }

    @Test
    void shouldNameThePropertyWhenAValueIsNotABoolean() {
        assertThatThrownBy(() -> WriterSchemaMode.fromProperties(Map.of("auto.register.schemas", "no")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("auto.register.schemas must be true or false, was 'no'");
    }
}
