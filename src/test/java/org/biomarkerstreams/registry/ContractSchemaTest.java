package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.junit.jupiter.api.Test;

class ContractSchemaTest {

    @Test
    void shouldDropJavaPropertiesFromEveryTypeButKeepDefaultValuesAsTheyAre() {
        Schema generated = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":["
                        + "{\"name\":\"s\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}},"
                        + "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"string\","
                        + "\"avro.java.string\":\"String\"},\"avro.java.string\":\"String\"},"
                        + "\"default\":{\"avro.java.string\":\"a label, not a property\"}},"
                        + "{\"name\":\"o\",\"type\":[\"null\",{\"type\":\"string\",\"avro.java.string\":\"String\"}],"
                        + "\"default\":null,\"doc\":\"kept\"}]}");

        Schema contract = ContractSchema.of(generated);

        assertThat(contract.toString())
                .isEqualTo("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":["
                        + "{\"name\":\"s\",\"type\":\"string\"},"
                        + "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"string\"},"
                        + "\"default\":{\"avro.java.string\":\"a label, not a property\"}},"
                        + "{\"name\":\"o\",\"type\":[\"null\",\"string\"],\"doc\":\"kept\",\"default\":null}]}");
    }

    @Test
    void shouldGiveTheSameInstanceWhenThereIsNothingToDrop() {
        Schema plain = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":"
                        + "[{\"name\":\"n\",\"type\":\"long\"}]}");

        assertThat(ContractSchema.of(plain)).isSameAs(plain);
    }

    @Test
    void shouldKeepTheClassSchemaForReadingWhileTheContractLosesItsJavaProperties() {
        assertThat(ClinicalEvent.getClassSchema().toString()).contains("avro.java.string");
        assertThat(ContractSchema.of(ClinicalEvent.class).toString()).doesNotContain("avro.java");
        assertThat(ContractSchema.of(ClinicalEvent.class)
                        .getField("strata")
                        .schema()
                        .getValueType()
                        .getType())
                .isEqualTo(Schema.Type.STRING);
    }
}
