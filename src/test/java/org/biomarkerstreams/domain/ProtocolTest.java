package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");
    private static final Protocol DEFAULTS = Protocol.defaults();

    @Test
    void shouldCountStudyDaysInUtcWhenDefault() {
        assertThat(DEFAULTS.zone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void shouldHaveTheDesignVisitWindowsWhenDefault() {
        assertThat(DEFAULTS.visits())
                .containsExactly(
                        new VisitWindow("D3", 3, 2, 4),
                        new VisitWindow("D7", 7, 6, 8),
                        new VisitWindow("D14", 14, 13, 15),
                        new VisitWindow("D28", 28, 25, 31));
    }

    @Test
    void shouldHaveSevenDayBaselineAndTwentyEightDayFollowUpWhenDefault() {
        assertThat(DEFAULTS.baselineWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(DEFAULTS.followUp()).isEqualTo(Duration.ofDays(28));
    }

    @Test
    void shouldConfirmWithOneNormalReadingWhenDefault() {
        assertThat(DEFAULTS.confirmation()).isEqualTo(new Confirmation.Consecutive(1));
    }

    @Test
    void shouldListBaselineFirstThenWindowsWhenAskedForVisitNames() {
        assertThat(DEFAULTS.visitNames()).containsExactly("BASELINE", "D3", "D7", "D14", "D28");
    }

    @Test
    void shouldListOnlyBaselineWhenNoWindows() {
        Protocol p = new Protocol(
                ZoneId.of("UTC"),
                List.of(),
                Duration.ofDays(7),
                Duration.ofDays(28),
                Confirmation.consecutive(1),
                Duration.ZERO);

        assertThat(p.visitNames()).containsExactly(Protocol.BASELINE);
    }

    @Test
    void shouldNotChangeWhenTheCallersVisitListChanges() {
        List<VisitWindow> visits = new ArrayList<>(List.of(new VisitWindow("D3", 3, 2, 4)));
        Protocol p = new Protocol(
                ZoneId.of("UTC"),
                visits,
                Duration.ofDays(7),
                Duration.ofDays(28),
                Confirmation.consecutive(1),
                Duration.ZERO);

        visits.add(new VisitWindow("D7", 7, 6, 8));

        assertThat(p.visitNames()).containsExactly("BASELINE", "D3");
        assertThatThrownBy(() -> p.visits().add(new VisitWindow("X", 1, 1, 1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldRejectMissingPartsWhenConstructed() {
        assertThatThrownBy(() -> new Protocol(
                        null,
                        List.of(),
                        Duration.ofDays(7),
                        Duration.ofDays(28),
                        Confirmation.consecutive(1),
                        Duration.ZERO))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Protocol(
                        ZoneId.of("UTC"), List.of(), Duration.ofDays(7), Duration.ofDays(28), null, Duration.ZERO))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldIncludeBothEndsWhenInTheBaselineWindow() {
        assertThat(DEFAULTS.inBaselineWindow(INFUSION, INFUSION)).isTrue();
        assertThat(DEFAULTS.inBaselineWindow(INFUSION, Instant.parse("2024-03-03T00:00:00Z")))
                .isTrue();
        assertThat(DEFAULTS.baselineFrom(INFUSION)).isEqualTo(Instant.parse("2024-03-03T00:00:00Z"));
    }

    @Test
    void shouldExcludeInstantsWhenJustOutsideTheBaselineWindow() {
        assertThat(DEFAULTS.inBaselineWindow(INFUSION, INFUSION.plusMillis(1))).isFalse();
        assertThat(DEFAULTS.inBaselineWindow(INFUSION, Instant.parse("2024-03-02T23:59:59.999Z")))
                .isFalse();
    }

    @Test
    void shouldAdmitADrawOnDayMinusSevenBeforeTheInfusionHourWhenCountingCalendarDays() {
        // Seed 002's "baseline (7 days before transplantation)": infusion 10:00 Wuhan time, a draw on day -7 at 08:00.
        ZoneId wuhan = ZoneId.of("Asia/Shanghai");
        Protocol calendar = DEFAULTS.withZone(wuhan);
        Instant infusion = Instant.parse("2020-02-14T02:00:00Z"); // 10:00 +08:00
        Instant dayMinus7At0800 = Instant.parse("2020-02-07T00:00:00Z"); // 08:00 +08:00

        assertThat(StudyDay.pdy(infusion, dayMinus7At0800, wuhan)).isEqualTo(-7);
        assertThat(calendar.inBaselineWindow(infusion, dayMinus7At0800)).isTrue();
        assertThat(calendar.baselineFrom(infusion)).isEqualTo(Instant.parse("2020-02-06T16:00:00Z")); // 00:00 +08:00
        assertThat(calendar.inBaselineWindow(infusion, Instant.parse("2020-02-06T15:59:59Z")))
                .as("day -8 at 23:59:59 local")
                .isFalse();
    }

    @Test
    void shouldCountExactHoursWhenTheProtocolAsksForTheHourRule() {
        ZoneId wuhan = ZoneId.of("Asia/Shanghai");
        Protocol hours = DEFAULTS.withZone(wuhan).withBaselineRule(BaselineRule.HOURS);
        Instant infusion = Instant.parse("2020-02-14T02:00:00Z");

        assertThat(hours.baselineFrom(infusion)).isEqualTo(infusion.minus(Duration.ofDays(7)));
        assertThat(hours.inBaselineWindow(infusion, Instant.parse("2020-02-07T00:00:00Z")))
                .isFalse();
        assertThat(hours.inBaselineWindow(infusion, infusion.minus(Duration.ofDays(7))))
                .isTrue();
    }

    @Test
    void shouldUseCalendarDaysAndTypeSevenQuartilesWhenDefault() {
        assertThat(DEFAULTS.baselineRule()).isEqualTo(BaselineRule.CALENDAR_DAYS);
        assertThat(DEFAULTS.quantileType()).isEqualTo(QuantileType.TYPE_7);
    }

    @Test
    void shouldExcludeTheAnchorWhenInFollowUp() {
        assertThat(DEFAULTS.inFollowUp(INFUSION, INFUSION)).isFalse();
        assertThat(DEFAULTS.inFollowUp(INFUSION, INFUSION.minusMillis(1))).isFalse();
        assertThat(DEFAULTS.inFollowUp(INFUSION, INFUSION.plusMillis(1))).isTrue();
    }

    @Test
    void shouldIncludeTheLastInstantWhenAtTheEndOfFollowUp() {
        Instant end = INFUSION.plus(Duration.ofDays(28));

        assertThat(DEFAULTS.followUpEnd(INFUSION)).isEqualTo(end);
        assertThat(DEFAULTS.inFollowUp(INFUSION, end)).isTrue();
        assertThat(DEFAULTS.inFollowUp(INFUSION, end.plusMillis(1))).isFalse();
    }

    @Test
    void shouldCloseAfterFollowUpAndGraceWhenAsked() {
        assertThat(DEFAULTS.closesAt(INFUSION)).isEqualTo(INFUSION.plus(Duration.ofDays(29)));

        Protocol noGrace = new Protocol(
                ZoneId.of("UTC"),
                List.of(),
                Duration.ofDays(7),
                Duration.ofDays(14),
                Confirmation.consecutive(1),
                Duration.ZERO);
        assertThat(noGrace.closesAt(INFUSION)).isEqualTo(INFUSION.plus(Duration.ofDays(14)));
    }

    @Test
    void shouldChangeOnlyThatPartWhenCopiedWithAnotherZoneOrConfirmation() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        Confirmation twoDays = new Confirmation.NormalFor(Duration.ofHours(48));

        Protocol zoned = DEFAULTS.withZone(shanghai);
        Protocol confirmed = DEFAULTS.withConfirmation(twoDays);

        assertThat(zoned)
                .isEqualTo(new Protocol(
                        shanghai,
                        DEFAULTS.visits(),
                        DEFAULTS.baselineWindow(),
                        DEFAULTS.followUp(),
                        DEFAULTS.confirmation(),
                        DEFAULTS.closeGrace()));
        assertThat(confirmed)
                .isEqualTo(new Protocol(
                        DEFAULTS.zone(),
                        DEFAULTS.visits(),
                        DEFAULTS.baselineWindow(),
                        DEFAULTS.followUp(),
                        twoDays,
                        DEFAULTS.closeGrace()));
    }
}
