package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.Test;

class InputMappingTest {

    private static final Instant OBSERVED = Instant.parse("2020-02-03T00:15:00.250Z");
    private static final Instant RECEIVED = Instant.parse("2020-02-04T01:00:00Z");

    private static final RawReading READING = new RawReading(
            "R1",
            2,
            "P1",
            "1988-5",
            "CRP",
            "<0.5",
            "mg/L",
            OBSERVED,
            ResultStatus.ENTERED_IN_ERROR,
            "0-10",
            "L",
            "ndjson",
            RECEIVED);

    private static final RawClinicalEvent EVENT = new RawClinicalEvent(
            "E1",
            1,
            "P1",
            EventType.INFUSION,
            OBSERVED,
            "UC-MSC",
            Map.of("severity", "severe"),
            "1x10^6 cells/kg",
            "UC-MSC",
            false,
            "ndjson");

    @Test
    void shouldCopyEveryFieldWhenMappingAReadingToAvro() {
        LabReading avro = InputMapping.toAvro(READING);

        assertThat(avro.getReadingId()).isEqualTo("R1");
        assertThat(avro.getRevision()).isEqualTo(2);
        assertThat(avro.getLoinc()).isEqualTo("1988-5");
        assertThat(avro.getValue()).isEqualTo("<0.5");
        assertThat(avro.getObservedAt()).isEqualTo(OBSERVED);
        assertThat(avro.getStatus()).isEqualTo(org.biomarkerstreams.avro.ResultStatus.ENTERED_IN_ERROR);
        assertThat(avro.getReferenceRange()).isEqualTo("0-10");
        assertThat(avro.getAbnormalFlags()).isEqualTo("L");
        assertThat(avro.getSource()).isEqualTo("ndjson");
        assertThat(avro.getReceivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void shouldGiveBackTheSameReadingWhenRoundTrippedThroughAvroBinary() throws IOException {
        LabReading decoded =
                LabReading.fromByteBuffer(InputMapping.toAvro(READING).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(READING);
    }

    @Test
    void shouldMapEveryStatusByName() {
        for (ResultStatus status : ResultStatus.values()) {
            RawReading reading =
                    new RawReading(null, 0, null, null, null, null, null, null, status, null, null, null, null);

            assertThat(InputMapping.fromAvro(InputMapping.toAvro(reading))).isEqualTo(reading);
        }
    }

    @Test
    void shouldCutInstantsToMillisecondsWhenTheyHaveFinerPrecision() {
        RawReading fine = new RawReading(
                null,
                0,
                null,
                null,
                null,
                null,
                null,
                Instant.parse("2020-02-03T00:15:00.123456789Z"),
                ResultStatus.FINAL,
                null,
                null,
                null,
                null);

        assertThat(InputMapping.toAvro(fine).getObservedAt()).isEqualTo(Instant.parse("2020-02-03T00:15:00.123Z"));
    }

    @Test
    void shouldGiveBackTheSameEventWhenRoundTrippedThroughAvroBinary() throws IOException {
        ClinicalEvent decoded =
                ClinicalEvent.fromByteBuffer(InputMapping.toAvro(EVENT).toByteBuffer());

        assertThat(InputMapping.fromAvro(decoded)).isEqualTo(EVENT);
    }

    @Test
    void shouldMapEveryEventTypeByName() {
        for (EventType type : EventType.values()) {
            ClinicalEvent avro = InputMapping.toAvro(
                    new RawClinicalEvent(null, 0, null, type, null, null, Map.of(), null, null, false, null));

            assertThat(avro.getType().name()).isEqualTo(type.name());
            assertThat(InputMapping.fromAvro(avro).type()).isEqualTo(type);
        }
    }

    @Test
    void shouldWriteUnknownWhenTheEventTypeIsMissing() {
        RawClinicalEvent untyped =
                new RawClinicalEvent("E9", 0, null, null, null, null, Map.of(), null, null, true, null);

        assertThat(InputMapping.toAvro(untyped).getType()).isEqualTo(org.biomarkerstreams.avro.EventType.UNKNOWN);
    }

    @Test
    void shouldReadAMissingTypeWhenTheWireSaysUnknown() {
        ClinicalEvent avro = ClinicalEvent.newBuilder()
                .setType(org.biomarkerstreams.avro.EventType.UNKNOWN)
                .build();

        RawClinicalEvent event = InputMapping.fromAvro(avro);

        assertThat(event.type()).isNull();
        assertThat(event.strata()).isEmpty();
        assertThat(event.revision()).isZero();
    }
}
