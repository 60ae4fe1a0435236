package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.DAY_14;
import static org.biomarkerstreams.streams.Fixtures.DAY_2;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_4;
import static org.biomarkerstreams.streams.Fixtures.DAY_7;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.anEvent;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;
import static org.biomarkerstreams.streams.Fixtures.randomizedTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.Schema;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.RangeIndicator;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.testing.NewerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PatientTopologyTest {

    private final TopologyHarness harness = new TopologyHarness();

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldPlaceReadingOnStudyTimelineWhenAnchorIsKnown() {
        harness.send(randomizedTo("MSC")).send(infusionAt(INFUSION));
        harness.send(aReading()
                .id("base")
                .of("CRP")
                .value(48, "mg/L")
                .at(DAY_MINUS_1)
                .build());
        harness.send(aReading().id("d3").of("CRP").value(1.5, "mg/dL").at(DAY_3).build());

        TrajectoryPoint p = harness.point(PATIENT, "d3");
        assertThat(p.getValue()).isEqualTo(15.0, within(1e-9));
        assertThat(p.getUnit()).isEqualTo("mg/L");
        assertThat(p.getPdy()).isEqualTo(3);
        assertThat(p.getAdy()).isEqualTo(4);
        assertThat(p.getHoursSinceAnchor()).isEqualTo(70.0, within(1e-9));
        assertThat(p.getAnrind()).isEqualTo(RangeIndicator.HIGH);
        assertThat(p.getChg()).isEqualTo(-33.0, within(1e-9));
        assertThat(p.getPchg()).isEqualTo(-68.75, within(1e-9));
        assertThat(harness.point(PATIENT, "base").getBaselineFlag()).isTrue();
        assertThat(harness.point(PATIENT, "base").getAdy()).isEqualTo(-1);
    }

    @Test
    void shouldRecomputeEverythingWhenAnchorArrivesAfterReadings() {
        harness.send(aReading()
                .id("base")
                .of("LYMPH")
                .value(0.6, "10^9/L")
                .at(DAY_MINUS_1)
                .build());
        harness.send(
                aReading().id("d3").of("LYMPH").value(1.4, "10^9/L").at(DAY_3).build());
        assertThat(harness.point(PATIENT, "d3").getPdy()).isNull();
        assertThat(harness.ttn(PATIENT, "LYMPH").getStatus()).isEqualTo(NormalizationStatus.NO_ANCHOR);

        harness.send(infusionAt(INFUSION));

        assertThat(harness.point(PATIENT, "d3").getPdy()).isEqualTo(3);
        assertThat(harness.point(PATIENT, "d3").getChg()).isEqualTo(0.8, within(1e-9));
        TimeToNormalization ttn = harness.ttn(PATIENT, "LYMPH");
        assertThat(ttn.getStatus()).isEqualTo(NormalizationStatus.NORMALIZED);
        assertThat(ttn.getCnsr()).isZero();
        assertThat(ttn.getAval()).isEqualTo(Duration.between(INFUSION, DAY_3).toMinutes() / 1440.0, within(1e-9));
        assertThat(ttn.getPdy()).isEqualTo(3);
    }

    @Test
    void shouldPickVisitReadingClosestToTargetAndLaterOnTie() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("d2").value(30, "mg/L").at(DAY_2).build());
        harness.send(aReading().id("d4").value(20, "mg/L").at(DAY_4).build());
        assertThat(harness.summary(PATIENT, "CRP").getVisits()).containsEntry("D3", 20.0);

        harness.send(aReading().id("d3").value(25, "mg/L").at(DAY_3).build());
        assertThat(harness.summary(PATIENT, "CRP").getVisits())
                .containsEntry("D3", 25.0)
                .containsEntry("D7", null);
    }

    @Test
    void shouldTakeLastReadingWithinSevenDaysBeforeAnchorAsBaseline() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading()
                .id("old")
                .value(90, "mg/L")
                .at(INFUSION.minus(Duration.ofDays(8)))
                .build());
        harness.send(aReading()
                .id("b2")
                .value(60, "mg/L")
                .at(INFUSION.minus(Duration.ofDays(3)))
                .build());
        harness.send(aReading().id("b1").value(50, "mg/L").at(INFUSION).build());
        harness.send(aReading()
                .id("after")
                .value(5, "mg/L")
                .at(INFUSION.plusSeconds(1))
                .build());

        BiomarkerSummary s = harness.summary(PATIENT, "CRP");
        assertThat(s.getBaseline()).isEqualTo(50.0);
        assertThat(s.getBaselineAt()).isEqualTo(INFUSION);
        assertThat(harness.point(PATIENT, "after").getChg()).isEqualTo(-45.0, within(1e-9));
    }

    @Test
    void shouldReplaceValueWhenCorrectionArrives() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().id("x").value(8, "mg/L").at(DAY_3).build());
        assertThat(harness.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NORMALIZED);

        harness.send(aReading()
                .id("x")
                .revision(1)
                .status(ResultStatus.CORRECTED)
                .value(18, "mg/L")
                .at(DAY_3)
                .build());

        assertThat(harness.point(PATIENT, "x").getValue()).isEqualTo(18.0);
        assertThat(harness.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NOT_YET_NORMALIZED);
        assertThat(harness.ttn(PATIENT, "CRP").getCnsr()).isEqualTo(1);
        assertThat(harness.counter(PipelineCounters.CORRECTIONS)).isEqualTo(1.0);
    }

    @Test
    void shouldRetractReadingWhenDeletionArrives() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());
        harness.send(aReading()
                .id("r")
                .revision(1)
                .status(ResultStatus.DELETED)
                .value(null, null)
                .at(null)
                .build());

        assertThat(harness.point(PATIENT, "r").getRetracted()).isTrue();
        assertThat(harness.summary(PATIENT, "CRP").getReadingCount()).isZero();
        assertThat(harness.summary(PATIENT, "CRP").getVisits()).containsEntry("D3", null);
    }

    @Test
    void shouldKeepDeletionWhenOriginalArrivesAfterIt() {
        harness.send(aReading()
                .id("r")
                .revision(1)
                .status(ResultStatus.DELETED)
                .value(null, null)
                .at(null)
                .build());
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());

        assertThat(harness.point(PATIENT, "r")).isNull();
        assertThat(harness.counter(PipelineCounters.DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void shouldIgnoreExactDuplicateWithoutNewOutput() {
        var reading = aReading().id("r").value(40, "mg/L").at(DAY_3).build();
        harness.send(infusionAt(INFUSION)).send(reading);
        int outputs = harness.pointHistory.size();

        harness.send(reading);

        assertThat(harness.pointHistory).hasSize(outputs);
        assertThat(harness.counter(PipelineCounters.DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterConflictingContentForSameRevision() {
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());
        harness.send(aReading().id("r").value(41, "mg/L").at(DAY_3).build());

        assertThat(harness.deadLetterList).extracting(DeadLetter::getErrorCode).containsExactly("CONFLICTING_REVISION");
        assertThat(harness.point(PATIENT, "r").getValue()).isEqualTo(40.0);
    }

    @Test
    void shouldMoveAnchorWhenInfusionIsCorrected() {
        harness.send(anEvent(EventType.INFUSION).id("inf").at(INFUSION).build());
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());
        assertThat(harness.point(PATIENT, "r").getPdy()).isEqualTo(3);

        harness.send(anEvent(EventType.INFUSION)
                .id("inf")
                .revision(1)
                .at(DAY_1.plus(Duration.ofHours(2)))
                .build());

        assertThat(harness.point(PATIENT, "r").getPdy()).isEqualTo(2);
        assertThat(harness.summary(PATIENT, "CRP").getAnchorAt()).isEqualTo(DAY_1.plus(Duration.ofHours(2)));
    }

    @Test
    void shouldUseRandomizationAsAnchorForArmWithoutInfusion() {
        harness.send(randomizedTo("CONTROL"));
        harness.send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());

        assertThat(harness.summary(PATIENT, "CRP").getAnchorAt()).isEqualTo(Fixtures.RANDOMIZATION);
        assertThat(harness.summary(PATIENT, "CRP").getArm()).isEqualTo("CONTROL");
    }

    @Test
    void shouldCensorAtDischargeBeforeNormalization() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().id("d3").value(30, "mg/L").at(DAY_3).build());
        harness.send(anEvent(EventType.DISCHARGED).at(DAY_4).build());
        harness.send(aReading().id("d7").value(5, "mg/L").at(DAY_7).build());

        TimeToNormalization ttn = harness.ttn(PATIENT, "CRP");
        assertThat(ttn.getStatus()).isEqualTo(NormalizationStatus.CENSORED);
        assertThat(ttn.getCnsr()).isEqualTo(2);
        assertThat(ttn.getAdt()).isEqualTo(DAY_4);
        assertThat(ttn.getEvntdesc()).isEqualTo("DISCHARGED");
    }

    @Test
    void shouldCensorAtDeathWithCnsrThree() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(anEvent(EventType.DIED).at(DAY_7).build());

        assertThat(harness.ttn(PATIENT, "CRP").getCnsr()).isEqualTo(3);
    }

    @Test
    void shouldMarkNormalAtBaselineAsNotAtRisk() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("b").value(3, "mg/L").at(DAY_MINUS_1).build());

        assertThat(harness.ttn(PATIENT, "CRP").getAtRisk()).isFalse();
        assertThat(harness.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NORMAL_AT_BASELINE);
    }

    @Test
    void shouldEmitFinalRecordWhenStreamTimePassesFollowUpClose() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().id("d14").value(30, "mg/L").at(DAY_14).build());
        assertThat(harness.ttn(PATIENT, "CRP").getProvisional()).isTrue();
        assertThat(harness.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NOT_YET_NORMALIZED);

        // another patient's reading moves stream time past this patient's follow-up + grace
        harness.send(aReading()
                .patient("P-002")
                .id("late")
                .value(5, "mg/L")
                .at(INFUSION.plus(Duration.ofDays(30)))
                .build());

        TimeToNormalization ttn = harness.ttn(PATIENT, "CRP");
        assertThat(ttn.getProvisional()).isFalse();
        assertThat(ttn.getStatus()).isEqualTo(NormalizationStatus.CENSORED);
        assertThat(ttn.getCnsr()).isEqualTo(1);
        assertThat(ttn.getAdt()).isEqualTo(DAY_14);
    }

    @Test
    void shouldPurgePatientStateWhenRetentionAfterFollowUpCloseHasPassed() {
        try (TopologyHarness h = new TopologyHarness(
                TopologyConfig.builder(java.time.Clock.fixed(TopologyHarness.WALL_CLOCK, java.time.ZoneOffset.UTC))
                        .stateRetention(Duration.ofDays(1))
                        .build())) {
            h.send(infusionAt(INFUSION));
            h.send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build());
            h.send(aReading().id("d3").value(8, "mg/L").at(DAY_3).build());
            h.send(aReading()
                    .patient("P-002")
                    .id("other")
                    .value(5, "mg/L")
                    .at(INFUSION.plus(Duration.ofDays(30)))
                    .build());
            assertThat(h.ttn(PATIENT, "CRP").getProvisional()).isFalse();
            assertThat(h.storeKeys(PatientStores.READINGS)).anyMatch(k -> k.startsWith(PATIENT));

            // stream time passes close (anchor + 28 d + 1 d grace) + 1 day retention
            h.send(aReading()
                    .patient("P-002")
                    .id("later")
                    .value(5, "mg/L")
                    .at(INFUSION.plus(Duration.ofDays(31)))
                    .build());

            for (String store : new String[] {PatientStores.READINGS, PatientStores.INDEX, PatientStores.ANALYTES}) {
                assertThat(h.storeKeys(store)).as(store).noneMatch(k -> k.startsWith(PATIENT));
            }
            assertThat(h.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NORMALIZED);

            h.send(aReading().id("late").value(50, "mg/L").at(DAY_7).build());
            assertThat(h.deadLetterList).extracting(DeadLetter::getErrorCode).containsExactly("PATIENT_ARCHIVED");
            assertThat(h.point(PATIENT, "late")).isNull();
        }
    }

    @Test
    void shouldClassifyAgainstTheLabsOwnRangeInCanonicalUnitsWhenTheSiteChoosesIt() {
        try (TopologyHarness h = new TopologyHarness(
                TopologyConfig.builder(java.time.Clock.fixed(TopologyHarness.WALL_CLOCK, java.time.ZoneOffset.UTC))
                        .labRanges(true)
                        .build())) {
            h.send(aReading().id("lab").value(12, "mg/L").range("0-15").build());
            h.send(aReading().id("dl").value(1.2, "mg/dL").range("0-1.5").build());
            h.send(aReading()
                    .id("unreadable")
                    .value(12, "mg/L")
                    .range("see note")
                    .build());
            h.send(aReading().id("none").value(12, "mg/L").build());

            assertThat(h.point(PATIENT, "lab").getAnrind()).isEqualTo(RangeIndicator.NORMAL);
            assertThat(h.point(PATIENT, "lab").getRangeHigh()).isEqualTo(15.0);
            assertThat(h.point(PATIENT, "dl").getAnrind()).isEqualTo(RangeIndicator.NORMAL);
            assertThat(h.point(PATIENT, "dl").getRangeHigh()).isEqualTo(15.0, within(1e-9));
            assertThat(h.point(PATIENT, "unreadable").getAnrind()).isEqualTo(RangeIndicator.HIGH);
            assertThat(h.point(PATIENT, "none").getRangeHigh()).isEqualTo(10.0);
        }
    }

    @Test
    void shouldIgnoreTheLabsRangeByDefault() {
        harness.send(aReading().id("lab").value(12, "mg/L").range("0-15").build());

        assertThat(harness.point(PATIENT, "lab").getAnrind()).isEqualTo(RangeIndicator.HIGH);
    }

    @Test
    void shouldKeepPatientStateWhenRetentionIsZero() {
        try (TopologyHarness h = new TopologyHarness(
                TopologyConfig.builder(java.time.Clock.fixed(TopologyHarness.WALL_CLOCK, java.time.ZoneOffset.UTC))
                        .stateRetention(Duration.ZERO)
                        .build())) {
            h.send(infusionAt(INFUSION));
            h.send(aReading().id("d3").value(8, "mg/L").at(DAY_3).build());
            h.send(aReading()
                    .patient("P-002")
                    .id("later")
                    .value(5, "mg/L")
                    .at(INFUSION.plus(Duration.ofDays(400)))
                    .build());

            assertThat(h.storeKeys(PatientStores.READINGS)).anyMatch(k -> k.startsWith(PATIENT));
            h.send(aReading().id("late").value(50, "mg/L").at(DAY_7).build());
            assertThat(h.deadLetterList).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterEachKindOfBadReadingWithItsCode() {
        harness.send(aReading().id("a").value("12", "furlongs").build());
        harness.send(aReading().id("b").of("NOPE").build());
        harness.send(aReading().id("c").value("lots", "mg/L").build());
        harness.send(aReading().id("d").value("-5", "mg/L").build());
        harness.send(aReading().id("e").of("LYMPH").value("1.2", "mg/L").build());
        harness.send(aReading()
                .id("f")
                .at(TopologyHarness.WALL_CLOCK.plus(Duration.ofDays(1)))
                .build());
        harness.send(aReading().id("g").at(null).build());
        harness.send(aReading().id("h").build(), "someone-else");
        harness.sendRawReading(PATIENT, "garbage".getBytes(StandardCharsets.UTF_8));

        assertThat(harness.deadLetterList)
                .extracting(DeadLetter::getErrorCode)
                .containsExactly(
                        "UNKNOWN_UNIT",
                        "UNKNOWN_ANALYTE",
                        "NON_NUMERIC",
                        "IMPLAUSIBLE_VALUE",
                        "INCOMPATIBLE_UNIT",
                        "FUTURE_TIMESTAMP",
                        "MISSING_FIELD",
                        "KEY_MISMATCH",
                        "UNDESERIALIZABLE");
        DeadLetter garbage = harness.deadLetterList.get(8);
        assertThat(garbage.getSourceTopic()).isEqualTo("lab-readings");
        assertThat(garbage.getOffset()).isEqualTo(8L);
        assertThat(StandardCharsets.UTF_8.decode(garbage.getPayload()).toString())
                .isEqualTo("garbage");
        assertThat(harness.deadLetterList)
                .allSatisfy(d -> assertThat(d.getMessage()).doesNotContain(PATIENT));
        assertThat(harness.counter(PipelineCounters.DEAD_LETTERED)).isEqualTo(9.0);
        assertThat(harness.points).isEmpty();
    }

    @Test
    void shouldNotAdvanceStreamTimeWithFutureReading() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading()
                .id("future")
                .at(TopologyHarness.WALL_CLOCK.plus(Duration.ofDays(400)))
                .build());

        assertThat(harness.ttn(PATIENT, "CRP").getProvisional()).isTrue();
    }

    @Test
    void shouldDeadLetterUndecodableAndInvalidEvents() {
        harness.sendRawEvent(PATIENT, new byte[] {0, 0, 0, 0, 99, 1});
        harness.send(anEvent(EventType.INFUSION).at(null).build());
        harness.send(anEvent(EventType.INFUSION)
                .at(Instant.parse("2031-01-01T00:00:00Z"))
                .build());

        assertThat(harness.deadLetterList)
                .extracting(DeadLetter::getErrorCode)
                .containsExactly("UNKNOWN_SCHEMA", "MISSING_FIELD", "FUTURE_TIMESTAMP");
        assertThat(harness.deadLetterList.get(0).getSourceTopic()).isEqualTo("clinical-events");
    }

    @Test
    void shouldDeadLetterAReadingOfUnknownStatusInsteadOfReadingItAsFinal() {
        Schema newer = NewerContract.withSymbol(LabReading.class, "ResultStatus", "AMENDED");
        int newerId = harness.registry().register("lab-readings-value", newer);
        byte[] amended = NewerContract.framed(
                newerId,
                NewerContract.as(
                        newer,
                        InputMapping.toAvro(
                                aReading().id("a").value(4, "mg/L").at(DAY_3).build()),
                        "status",
                        "AMENDED"));

        harness.send(infusionAt(INFUSION))
                .send(aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build())
                .sendRawReading(PATIENT, amended);

        assertThat(harness.deadLetterList).extracting(DeadLetter::getErrorCode).containsExactly("UNKNOWN_STATUS");
        DeadLetter letter = harness.deadLetterList.get(0);
        assertThat(letter.getMessage()).contains("result status").doesNotContain(PATIENT);
        assertThat(letter.getPayload()).isEqualTo(java.nio.ByteBuffer.wrap(amended));
        assertThat(harness.point(PATIENT, "a")).isNull();
        assertThat(harness.summary(PATIENT, "CRP").getReadingCount()).isEqualTo(1);
        assertThat(harness.ttn(PATIENT, "CRP").getStatus()).isEqualTo(NormalizationStatus.NOT_YET_NORMALIZED);
    }

    @Test
    void shouldDeadLetterAnEventOfUnknownTypeAsInvalid() {
        Schema newer = NewerContract.withSymbol(ClinicalEvent.class, "EventType", "TRANSFERRED");
        int newerId = harness.registry().register("clinical-events-value", newer);
        byte[] transferred = NewerContract.framed(
                newerId, NewerContract.as(newer, InputMapping.toAvro(infusionAt(INFUSION)), "type", "TRANSFERRED"));

        harness.sendRawEvent(PATIENT, transferred);

        assertThat(harness.deadLetterList).extracting(DeadLetter::getErrorCode).containsExactly("INVALID_EVENT");
        assertThat(harness.deadLetterList.get(0).getMessage()).contains("event type");
    }

    @Test
    void shouldCountEveryRecordOnceAsAcceptedDeadLetteredOrDuplicate() {
        var r = aReading().id("r").value(40, "mg/L").at(DAY_3).build();
        harness.send(infusionAt(INFUSION))
                .send(r)
                .send(r)
                .send(aReading().id("bad").value("x", "mg/L").build());

        assertThat(harness.counter(PipelineCounters.IN)).isEqualTo(4.0);
        assertThat(harness.counter(PipelineCounters.ACCEPTED)).isEqualTo(2.0);
        assertThat(harness.counter(PipelineCounters.DUPLICATES)).isEqualTo(1.0);
        assertThat(harness.counter(PipelineCounters.DEAD_LETTERED)).isEqualTo(1.0);
    }
}
