package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.EventType;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.RangeIndicator;
import org.biomarkerstreams.avro.ResultStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

    private static final Instant INFUSION = Instant.parse("2020-02-02T15:00:00Z");
    private static final Instant DAY_3 = Instant.parse("2020-02-05T00:15:00.250Z");

    @Test
    void shouldWriteEveryFieldInSchemaOrderWhenRecordIsATrajectoryPoint() {
        TrajectoryPoint point = TrajectoryPoint.newBuilder()
                .setPatientId("P1")
                .setAnalyte("CRP")
                .setReadingId("R1")
                .setRevision(2)
                .setObservedAt(DAY_3)
                .setValue(12.5)
                .setComparator(null)
                .setUnit("mg/L")
                .setAssayType(null)
                .setAdy(3)
                .setPdy(2)
                .setHoursSinceAnchor(57.25)
                .setAnrind(RangeIndicator.HIGH)
                .setRangeLow(null)
                .setRangeHigh(10.0)
                .setChg(-30.0)
                .setPchg(-70.58823529411765)
                .setBaselineFlag(false)
                .setStatus(ResultStatus.CORRECTED)
                .setRetracted(false)
                .setReceivedAt(null)
                .build();

        assertThat(AvroJson.toJson(point))
                .isEqualTo("{\"patientId\":\"P1\",\"analyte\":\"CRP\",\"readingId\":\"R1\",\"revision\":2,"
                        + "\"observedAt\":\"2020-02-05T00:15:00.250Z\",\"value\":12.5,\"comparator\":null,"
                        + "\"unit\":\"mg/L\",\"assayType\":null,\"ady\":3,\"pdy\":2,\"hoursSinceAnchor\":57.25,"
                        + "\"anrind\":\"HIGH\",\"rangeLow\":null,\"rangeHigh\":10.0,\"chg\":-30.0,"
                        + "\"pchg\":-70.58823529411765,\"baselineFlag\":false,\"status\":\"CORRECTED\","
                        + "\"retracted\":false,\"receivedAt\":null}");
    }

    @Test
    void shouldWriteSortedStrataAndTimestampsWhenRecordIsATimeToNormalization() {
        Map<String, String> strata = new LinkedHashMap<>();
        strata.put("severity", "severe");
        strata.put("ageBand", "40-59");
        TimeToNormalization ttn = TimeToNormalization.newBuilder()
                .setPatientId("P1")
                .setAnalyte("IL6")
                .setArm("UC-MSC")
                .setStrata(strata)
                .setAnchorAt(INFUSION)
                .setAtRisk(true)
                .setStatus(NormalizationStatus.NORMALIZED)
                .setCnsr(0)
                .setAval(2.5)
                .setAdt(INFUSION.plusSeconds(216_000))
                .setAdy(4)
                .setPdy(3)
                .setEvntdesc("NORMALIZED")
                .setProvisional(true)
                .build();

        assertThat(AvroJson.toJson(ttn))
                .isEqualTo("{\"patientId\":\"P1\",\"analyte\":\"IL6\",\"arm\":\"UC-MSC\","
                        + "\"strata\":{\"ageBand\":\"40-59\",\"severity\":\"severe\"},"
                        + "\"anchorAt\":\"2020-02-02T15:00:00Z\",\"atRisk\":true,\"status\":\"NORMALIZED\",\"cnsr\":0,"
                        + "\"aval\":2.5,\"adt\":\"2020-02-05T03:00:00Z\",\"ady\":4,\"pdy\":3,"
                        + "\"evntdesc\":\"NORMALIZED\",\"provisional\":true}");
    }

    @Test
    void shouldWriteBytesAsTextWhenTheyAreValidUtf8() {
        DeadLetter letter = deadLetter(
                ByteBuffer.wrap("P1".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("{\"value\":\"µg/L\"}".getBytes(StandardCharsets.UTF_8)));

        Map<String, Object> json = AvroJson.parse(AvroJson.toJson(letter));

        assertThat(json)
                .containsExactly(
                        entry("sourceTopic", "lab-readings"),
                        entry("partition", 3),
                        entry("offset", 42),
                        entry("errorCode", "UNKNOWN_UNIT"),
                        entry("message", "unit 'furlongs' is not known"),
                        entry("key", "P1"),
                        entry("payload", "{\"value\":\"µg/L\"}"),
                        entry("timestamp", "2020-02-05T00:15:00.250Z"),
                        entry("deadLetteredAt", null),
                        entry("payloadSize", null),
                        entry("sealed", null));
    }

    @Test
    void shouldWriteBase64WhenBytesAreNotValidUtf8() {
        byte[] avroBinary = {0x00, 0x00, 0x00, 0x00, 0x01, (byte) 0xC3, (byte) 0x28, (byte) 0xFF};
        DeadLetter letter = deadLetter(null, ByteBuffer.wrap(avroBinary));

        Map<String, Object> json = AvroJson.parse(AvroJson.toJson(letter));

        assertThat(json.get("key")).isNull();
        assertThat(json.get("payload")).isEqualTo(Map.of("base64", "AAAAAAHDKP8="));
    }

    @Test
    void shouldLeaveTheBufferPositionAloneWhenWritingBytes() {
        ByteBuffer payload = ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8));
        payload.get();

        String json = AvroJson.toJson(deadLetter(null, payload));

        assertThat(payload.position()).isEqualTo(1);
        assertThat(AvroJson.parse(json).get("payload")).isEqualTo("bc");
    }

    @Test
    void shouldWriteMapsWithNullValuesSortedWhenRecordIsABiomarkerSummary() {
        Map<String, Double> visits = new LinkedHashMap<>();
        visits.put("D7", 4.0);
        visits.put("BASELINE", 85.0);
        visits.put("D3", null);
        BiomarkerSummary summary = BiomarkerSummary.newBuilder()
                .setPatientId("P1")
                .setAnalyte("CRP")
                .setUnit("mg/L")
                .setVisits(visits)
                .setReadingCount(2)
                .build();

        String json = AvroJson.toJson(summary);

        assertThat(json).contains("\"visits\":{\"BASELINE\":85.0,\"D3\":null,\"D7\":4.0}");
        assertThat(json).contains("\"strata\":{}", "\"anchorAt\":null", "\"normalizationStatus\":\"NO_ANCHOR\"");
        assertThat(AvroJson.parse(json).keySet())
                .containsExactlyElementsOf(summary.getSchema().getFields().stream()
                        .map(Schema.Field::name)
                        .toList());
    }

    @Test
    void shouldWriteInputRecordsWhenTheyAreLabReadingsAndClinicalEvents() {
        LabReading reading = LabReading.newBuilder()
                .setReadingId("R1")
                .setValue("<0.5")
                .setObservedAt(DAY_3)
                .build();
        ClinicalEvent event = ClinicalEvent.newBuilder()
                .setType(EventType.INFUSION)
                .setAt(INFUSION)
                .setEnteredInError(true)
                .build();

        assertThat(AvroJson.parse(AvroJson.toJson(reading)))
                .contains(
                        entry("value", "<0.5"),
                        entry("observedAt", "2020-02-05T00:15:00.250Z"),
                        entry("status", "FINAL"),
                        entry("revision", 0));
        assertThat(AvroJson.parse(AvroJson.toJson(event)))
                .contains(
                        entry("type", "INFUSION"), entry("at", "2020-02-02T15:00:00Z"), entry("enteredInError", true));
    }

    @Test
    void shouldWriteGenericRecordsWithRawTimestampsNestedRecordsArraysAndNonFiniteDoubles() {
        Schema schema = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Outer\",\"fields\":["
                        + "{\"name\":\"at\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                        + "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"A\",\"B\"]}},"
                        + "{\"name\":\"inner\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Inner\",\"fields\":["
                        + "{\"name\":\"x\",\"type\":\"double\"}]}]},"
                        + "{\"name\":\"xs\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
                        + "{\"name\":\"ratio\",\"type\":[\"null\",\"double\"]},"
                        + "{\"name\":\"small\",\"type\":\"float\"}]}");
        Schema innerSchema = schema.getField("inner").schema().getTypes().get(1);
        GenericRecord inner = new GenericData.Record(innerSchema);
        inner.put("x", Double.NaN);
        GenericRecord outer = new GenericData.Record(schema);
        outer.put("at", INFUSION.toEpochMilli());
        outer.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), "B"));
        outer.put("inner", inner);
        outer.put("xs", new GenericData.Array<>(schema.getField("xs").schema(), List.of(1, 2, 3)));
        outer.put("ratio", Double.NEGATIVE_INFINITY);
        outer.put("small", 0.5f);

        assertThat(AvroJson.toJson(outer))
                .isEqualTo("{\"at\":\"2020-02-02T15:00:00Z\",\"kind\":\"B\",\"inner\":{\"x\":\"NaN\"},"
                        + "\"xs\":[1,2,3],\"ratio\":\"-Infinity\",\"small\":0.5}");
    }

    @Test
    void shouldRefuseToParseWhenLineIsNotAJsonObject() {
        assertThatThrownBy(() -> AvroJson.parse("[1,2]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AvroJson.parse("{")).isInstanceOf(IllegalArgumentException.class);
    }

    private static DeadLetter deadLetter(ByteBuffer key, ByteBuffer payload) {
        return DeadLetter.newBuilder()
                .setSourceTopic("lab-readings")
                .setPartition(3)
                .setOffset(42)
                .setErrorCode("UNKNOWN_UNIT")
                .setMessage("unit 'furlongs' is not known")
                .setKey(key)
                .setPayload(payload)
                .setTimestamp(DAY_3)
                .setDeadLetteredAt(null)
                .build();
    }
}
