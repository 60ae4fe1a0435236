package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Optional;
import org.biomarkerstreams.domain.CensoringEvent.Kind;
import org.biomarkerstreams.domain.TimeToNormalization.Status;
import org.junit.jupiter.api.Test;

class TimeToNormalizationTest {

    private static final Protocol PROTOCOL = Protocol.defaults();
    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");
    private static final Instant DAY_1_MORNING = Instant.parse("2024-03-11T11:00:00Z"); // +12 h
    private static final Instant DAY_2_NOON = Instant.parse("2024-03-12T11:00:00Z"); // +36 h
    private static final Instant DAY_4 = Instant.parse("2024-03-14T23:00:00Z"); // +4 d
    private static final Instant DURING_FOLLOW_UP = INFUSION.plus(Duration.ofDays(10));
    private static final Instant CLOSES_AT = PROTOCOL.closesAt(INFUSION);
    private static final Instant AFTER_CLOSE = CLOSES_AT.plus(Duration.ofDays(1));
    private static final Boolean ABNORMAL_AT_BASELINE = Boolean.FALSE;

    private static NormalizationScan scanOf(Object... timeAndNormal) {
        NormalizationScan scan = NormalizationScan.EMPTY;
        for (int i = 0; i < timeAndNormal.length; i += 2) {
            scan = scan.accept((Instant) timeAndNormal[i], (Boolean) timeAndNormal[i + 1], PROTOCOL.confirmation());
        }
        return scan;
    }

    private static TimeToNormalization derive(
            Boolean baselineNormal, NormalizationScan scan, Optional<CensoringEvent> censoring, Instant streamTime) {
        return TimeToNormalization.derive(PROTOCOL, INFUSION, baselineNormal, scan, censoring, streamTime);
    }

    @Test
    void shouldBeNoAnchorAndNotAtRiskWhenThereIsNoAnchor() {
        TimeToNormalization ttn = TimeToNormalization.derive(
                PROTOCOL, null, ABNORMAL_AT_BASELINE, scanOf(DAY_2_NOON, true), Optional.empty(), DURING_FOLLOW_UP);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(Status.NO_ANCHOR, false, null, null, null, null, null, null, false));
    }

    @Test
    void shouldBeNoBaselineAndNotAtRiskWhenThereIsNoBaseline() {
        TimeToNormalization ttn = derive(null, scanOf(DAY_2_NOON, true), Optional.empty(), DURING_FOLLOW_UP);

        assertThat(ttn)
                .isEqualTo(
                        new TimeToNormalization(Status.NO_BASELINE, false, null, null, null, null, null, null, true));
    }

    @Test
    void shouldBeNormalAtBaselineAndNotAtRiskWhenBaselineIsNormal() {
        TimeToNormalization ttn = derive(true, scanOf(DAY_2_NOON, true), Optional.empty(), AFTER_CLOSE);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.NORMAL_AT_BASELINE, false, null, null, null, null, null, null, false));
    }

    @Test
    void shouldBeAnEventInDecimalDaysWhenNormalized() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_1_MORNING, false, DAY_2_NOON, true),
                Optional.empty(),
                DURING_FOLLOW_UP);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.NORMALIZED, true, 0, 1.5, DAY_2_NOON, 3, 2, TimeToNormalization.NORMALIZED, true));
    }

    @Test
    void shouldCountTheEventDayInTheSiteZoneWhenNotUtc() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        Protocol protocol = PROTOCOL.withZone(shanghai);
        Instant infusion =
                LocalDateTime.parse("2024-03-10T23:00").atZone(shanghai).toInstant();
        Instant nextMorning =
                LocalDateTime.parse("2024-03-11T05:00").atZone(shanghai).toInstant();
        NormalizationScan scan = NormalizationScan.EMPTY.accept(nextMorning, true, protocol.confirmation());

        TimeToNormalization ttn = TimeToNormalization.derive(
                protocol, infusion, ABNORMAL_AT_BASELINE, scan, Optional.empty(), nextMorning);

        assertThat(ttn.aval()).isEqualTo(0.25);
        assertThat(ttn.pdy()).isEqualTo(1);
        assertThat(ttn.ady()).isEqualTo(2);
    }

    @Test
    void shouldDateTheEventAtTheRunStartWhenTwoConfirmationsAreNeeded() {
        Protocol protocol = PROTOCOL.withConfirmation(Confirmation.consecutive(2));
        NormalizationScan scan = NormalizationScan.EMPTY
                .accept(DAY_1_MORNING, true, protocol.confirmation())
                .accept(DAY_2_NOON, true, protocol.confirmation());

        TimeToNormalization ttn = TimeToNormalization.derive(
                protocol, INFUSION, ABNORMAL_AT_BASELINE, scan, Optional.empty(), DAY_2_NOON);

        assertThat(ttn.adt()).isEqualTo(DAY_1_MORNING);
        assertThat(ttn.aval()).isEqualTo(0.5);
        assertThat(ttn.cnsr()).isZero();
    }

    @Test
    void shouldStayNormalizedWhenDischargedAfterTheEvent() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_2_NOON, true),
                Optional.of(new CensoringEvent(Kind.DISCHARGED, DAY_4)),
                AFTER_CLOSE);

        assertThat(ttn.status()).isEqualTo(Status.NORMALIZED);
        assertThat(ttn.cnsr()).isZero();
        assertThat(ttn.provisional()).isFalse();
    }

    @Test
    void shouldCensorAtDischargeWithCnsrTwoWhenDischargedBeforeNormalizing() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_1_MORNING, false, DAY_2_NOON, false),
                Optional.of(new CensoringEvent(Kind.DISCHARGED, DAY_4)),
                DURING_FOLLOW_UP);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(Status.CENSORED, true, 2, 4.0, DAY_4, 5, 4, "DISCHARGED", true));
    }

    @Test
    void shouldCensorAtDeathWithCnsrThreeWhenDiedBeforeNormalizing() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_1_MORNING, false),
                Optional.of(new CensoringEvent(Kind.DIED, DAY_2_NOON)),
                AFTER_CLOSE);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(Status.CENSORED, true, 3, 1.5, DAY_2_NOON, 3, 2, "DIED", false));
    }

    @Test
    void shouldCensorAtTheAnchorWhenTheCensoringEventIsBeforeTheAnchor() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                NormalizationScan.EMPTY,
                Optional.of(new CensoringEvent(Kind.DIED, INFUSION.minus(Duration.ofHours(5)))),
                DURING_FOLLOW_UP);

        assertThat(ttn).isEqualTo(new TimeToNormalization(Status.CENSORED, true, 3, 0.0, INFUSION, 1, 0, "DIED", true));
    }

    @Test
    void shouldCensorAtDischargeWhenDischargedExactlyAtTheEndOfFollowUp() {
        Instant end = PROTOCOL.followUpEnd(INFUSION);

        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_4, false),
                Optional.of(new CensoringEvent(Kind.DISCHARGED, end)),
                AFTER_CLOSE);

        assertThat(ttn.cnsr()).isEqualTo(2);
        assertThat(ttn.aval()).isEqualTo(28.0);
    }

    @Test
    void shouldCensorAtTheLastReadingWhenDischargedOnlyAfterFollowUpEnded() {
        // Observation ended with follow-up; a discharge on day 40 happened outside it and must not
        // push the censoring time past the follow-up (aval 40 in a 28-day study).
        Instant day40 = INFUSION.plus(Duration.ofDays(40));

        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE,
                scanOf(DAY_4, false),
                Optional.of(new CensoringEvent(Kind.DISCHARGED, day40)),
                day40);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.CENSORED, true, 1, 4.0, DAY_4, 5, 4, TimeToNormalization.LAST_READING, false));
    }

    @Test
    void shouldBeNotYetNormalizedAtTheLastReadingWhenProvisional() {
        TimeToNormalization ttn = derive(
                ABNORMAL_AT_BASELINE, scanOf(DAY_1_MORNING, false, DAY_4, false), Optional.empty(), DURING_FOLLOW_UP);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.NOT_YET_NORMALIZED, true, 1, 4.0, DAY_4, 5, 4, TimeToNormalization.LAST_READING, true));
    }

    @Test
    void shouldBeCensoredAtTheLastReadingWhenFinal() {
        TimeToNormalization ttn =
                derive(ABNORMAL_AT_BASELINE, scanOf(DAY_1_MORNING, false, DAY_4, false), Optional.empty(), AFTER_CLOSE);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.CENSORED, true, 1, 4.0, DAY_4, 5, 4, TimeToNormalization.LAST_READING, false));
    }

    @Test
    void shouldCensorAtTheAnchorWithZeroDaysWhenThereIsNoPostAnchorReading() {
        TimeToNormalization ttn = derive(ABNORMAL_AT_BASELINE, NormalizationScan.EMPTY, Optional.empty(), AFTER_CLOSE);

        assertThat(ttn)
                .isEqualTo(new TimeToNormalization(
                        Status.CENSORED,
                        true,
                        1,
                        0.0,
                        INFUSION,
                        1,
                        0,
                        TimeToNormalization.NO_POST_ANCHOR_READING,
                        false));
    }

    @Test
    void shouldBeNotYetNormalizedAtTheAnchorWhenNoPostAnchorReadingYet() {
        TimeToNormalization ttn =
                derive(ABNORMAL_AT_BASELINE, NormalizationScan.EMPTY, Optional.empty(), DURING_FOLLOW_UP);

        assertThat(ttn.status()).isEqualTo(Status.NOT_YET_NORMALIZED);
        assertThat(ttn.aval()).isEqualTo(0.0);
        assertThat(ttn.evntdesc()).isEqualTo(TimeToNormalization.NO_POST_ANCHOR_READING);
        assertThat(ttn.provisional()).isTrue();
    }

    @Test
    void shouldStayProvisionalWhenJustBeforeFollowUpCloses() {
        TimeToNormalization ttn =
                derive(ABNORMAL_AT_BASELINE, scanOf(DAY_4, false), Optional.empty(), CLOSES_AT.minusMillis(1));

        assertThat(ttn.provisional()).isTrue();
        assertThat(ttn.status()).isEqualTo(Status.NOT_YET_NORMALIZED);
    }

    @Test
    void shouldBeFinalWhenStreamTimeReachesTheClose() {
        TimeToNormalization ttn = derive(ABNORMAL_AT_BASELINE, scanOf(DAY_4, false), Optional.empty(), CLOSES_AT);

        assertThat(ttn.provisional()).isFalse();
        assertThat(ttn.status()).isEqualTo(Status.CENSORED);
    }

    @Test
    void shouldFlipProvisionalAtTheCloseWhenNotAtRisk() {
        assertThat(derive(true, NormalizationScan.EMPTY, Optional.empty(), CLOSES_AT.minusMillis(1))
                        .provisional())
                .isTrue();
        assertThat(derive(true, NormalizationScan.EMPTY, Optional.empty(), CLOSES_AT)
                        .provisional())
                .isFalse();
    }

    @Test
    void shouldEndObservationAtFollowUpEndWhenNotCensored() {
        assertThat(TimeToNormalization.observationEnd(PROTOCOL, INFUSION, Optional.empty()))
                .isEqualTo(INFUSION.plus(Duration.ofDays(28)));
    }

    @Test
    void shouldEndObservationAtTheCensoringWhenItComesFirst() {
        assertThat(TimeToNormalization.observationEnd(
                        PROTOCOL, INFUSION, Optional.of(new CensoringEvent(Kind.DISCHARGED, DAY_4))))
                .isEqualTo(DAY_4);
    }

    @Test
    void shouldEndObservationAtFollowUpEndWhenCensoredLater() {
        Instant day40 = INFUSION.plus(Duration.ofDays(40));

        assertThat(TimeToNormalization.observationEnd(
                        PROTOCOL, INFUSION, Optional.of(new CensoringEvent(Kind.DIED, day40))))
                .isEqualTo(PROTOCOL.followUpEnd(INFUSION));
    }

    @Test
    void shouldCarryTheAdamCodeWhenACensoringKind() {
        assertThat(Kind.DISCHARGED.cnsr()).isEqualTo(2);
        assertThat(Kind.DIED.cnsr()).isEqualTo(3);
    }
}
