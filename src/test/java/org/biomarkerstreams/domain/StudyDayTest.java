package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class StudyDayTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");

    private static Instant local(String dateTime, ZoneId zone) {
        return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }

    @Test
    void shouldBeAdyOneAndPdyZeroWhenOnTheInfusionDay() {
        StudyDay day = StudyDay.of(INFUSION, Instant.parse("2024-03-10T00:00:00Z"), UTC);

        assertThat(day.ady()).isEqualTo(1);
        assertThat(day.pdy()).isZero();
    }

    @Test
    void shouldBeDayOneAndZeroHoursWhenAtTheAnchorInstant() {
        assertThat(StudyDay.of(INFUSION, INFUSION, UTC)).isEqualTo(new StudyDay(1, 0, 0.0));
    }

    @Test
    void shouldBeMinusOneInBothConventionsWhenTheDayBeforeInfusion() {
        StudyDay day = StudyDay.of(INFUSION, Instant.parse("2024-03-09T23:59:59Z"), UTC);

        assertThat(day.ady()).isEqualTo(-1);
        assertThat(day.pdy()).isEqualTo(-1);
    }

    @Test
    void shouldNeverBeAdyZeroWhenCrossingTheAnchorDay() {
        for (int hours = -72; hours <= 72; hours++) {
            StudyDay day = StudyDay.of(INFUSION, INFUSION.plusSeconds(hours * 3600L), UTC);
            assertThat(day.ady()).as("hours %d", hours).isNotZero();
        }
    }

    @Test
    void shouldBeDayPlusOneWhenDrawnAtSixTheMorningAfterALateInfusionInUtc() {
        StudyDay day = StudyDay.of(INFUSION, Instant.parse("2024-03-11T06:00:00Z"), UTC);

        assertThat(day.pdy()).isEqualTo(1);
        assertThat(day.ady()).isEqualTo(2);
        assertThat(day.hoursSinceAnchor()).isEqualTo(7.0);
    }

    @Test
    void shouldBeDayPlusOneWhenDrawnAtSixTheMorningAfterALateInfusionInShanghai() {
        // 23:00 Shanghai is 15:00 UTC the same day and 06:00 Shanghai is 22:00 UTC the same UTC day,
        // so counting in UTC would say day 0: the site zone must decide.
        Instant infusion = local("2024-03-10T23:00", SHANGHAI);
        Instant draw = local("2024-03-11T06:00", SHANGHAI);

        StudyDay day = StudyDay.of(infusion, draw, SHANGHAI);

        assertThat(day.pdy()).isEqualTo(1);
        assertThat(day.ady()).isEqualTo(2);
        assertThat(day.hoursSinceAnchor()).isEqualTo(7.0);
        assertThat(StudyDay.pdy(infusion, draw, UTC)).isZero();
    }

    @Test
    void shouldCountTheSiteCalendarDayWhenUtcDateDiffersFromLocalDate() {
        // 09:00 Shanghai on 10 March is 01:00 UTC on 10 March; 07:00 Shanghai on 11 March is 23:00 UTC
        // on 10 March: the next day at the site, the same day in UTC.
        Instant infusion = local("2024-03-10T09:00", SHANGHAI);
        Instant draw = local("2024-03-11T07:00", SHANGHAI);

        assertThat(StudyDay.of(infusion, draw, SHANGHAI)).isEqualTo(new StudyDay(2, 1, 22.0));
        assertThat(StudyDay.of(infusion, draw, UTC)).isEqualTo(new StudyDay(1, 0, 22.0));
    }

    @Test
    void shouldCountCalendarDaysWhenParisSpringsForward() {
        // 31 March 2024: 02:00 -> 03:00 in Paris, the day has 23 hours.
        Instant infusion = local("2024-03-30T12:00", PARIS);

        assertThat(StudyDay.pdy(infusion, local("2024-03-31T23:59", PARIS), PARIS))
                .isEqualTo(1);
        assertThat(StudyDay.pdy(infusion, local("2024-04-01T00:00", PARIS), PARIS))
                .isEqualTo(2);
        StudyDay nextNoon = StudyDay.of(infusion, local("2024-03-31T12:00", PARIS), PARIS);
        assertThat(nextNoon.pdy()).isEqualTo(1);
        assertThat(nextNoon.hoursSinceAnchor()).isEqualTo(23.0);
    }

    @Test
    void shouldCountCalendarDaysWhenParisFallsBack() {
        // 27 October 2024: 03:00 -> 02:00 in Paris, the day has 25 hours.
        Instant infusion = local("2024-10-26T12:00", PARIS);

        StudyDay nextNoon = StudyDay.of(infusion, local("2024-10-27T12:00", PARIS), PARIS);
        assertThat(nextNoon.pdy()).isEqualTo(1);
        assertThat(nextNoon.hoursSinceAnchor()).isEqualTo(25.0);
        Instant lastInstantOfLongDay = local("2024-10-28T00:00", PARIS).minusMillis(1);
        assertThat(StudyDay.pdy(infusion, lastInstantOfLongDay, PARIS)).isEqualTo(1);
        assertThat(StudyDay.pdy(infusion, local("2024-10-28T00:00", PARIS), PARIS))
                .isEqualTo(2);
    }

    @Test
    void shouldCountBothRepeatedHoursAsTheSameDayWhenParisFallsBack() {
        Instant infusion = local("2024-10-26T12:00", PARIS);
        Instant firstTwoThirty = Instant.parse("2024-10-27T00:30:00Z"); // 02:30 CEST
        Instant secondTwoThirty = Instant.parse("2024-10-27T01:30:00Z"); // 02:30 CET

        assertThat(StudyDay.pdy(infusion, firstTwoThirty, PARIS)).isEqualTo(1);
        assertThat(StudyDay.pdy(infusion, secondTwoThirty, PARIS)).isEqualTo(1);
    }

    @Test
    void shouldGiveExactHoursWhenAfterTheAnchor() {
        StudyDay day = StudyDay.of(INFUSION, INFUSION.plusSeconds(90 * 60 + 36), UTC);

        assertThat(day.hoursSinceAnchor()).isCloseTo(1.51, within(1e-12));
    }

    @Test
    void shouldGiveNegativeHoursWhenBeforeTheAnchor() {
        StudyDay day = StudyDay.of(INFUSION, INFUSION.minusSeconds(36 * 3600 + 1800), UTC);

        assertThat(day.hoursSinceAnchor()).isEqualTo(-36.5);
        assertThat(day.pdy()).as("10:30 the day before").isEqualTo(-1);
        assertThat(day.ady()).isEqualTo(-1);
    }

    @Test
    void shouldMapProtocolDaysToCdiscDaysWhenConverting() {
        assertThat(StudyDay.adyFromPdy(0)).isEqualTo(1);
        assertThat(StudyDay.adyFromPdy(1)).isEqualTo(2);
        assertThat(StudyDay.adyFromPdy(28)).isEqualTo(29);
        assertThat(StudyDay.adyFromPdy(-1)).isEqualTo(-1);
        assertThat(StudyDay.adyFromPdy(-7)).isEqualTo(-7);
        assertThat(StudyDay.pdyFromAdy(1)).isZero();
        assertThat(StudyDay.pdyFromAdy(2)).isEqualTo(1);
        assertThat(StudyDay.pdyFromAdy(-1)).isEqualTo(-1);
    }

    @Test
    void shouldThrowWhenAskedForAdyZero() {
        assertThatThrownBy(() -> StudyDay.pdyFromAdy(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("day 0");
    }

    @Test
    void shouldStartAProtocolDayAtLocalMidnightWhenInASiteZone() {
        Instant infusion = local("2024-03-10T23:00", SHANGHAI);

        assertThat(StudyDay.startOfPdy(infusion, 0, SHANGHAI)).isEqualTo(local("2024-03-10T00:00", SHANGHAI));
        assertThat(StudyDay.startOfPdy(infusion, 1, SHANGHAI)).isEqualTo(Instant.parse("2024-03-10T16:00:00Z"));
        assertThat(StudyDay.startOfPdy(infusion, -1, SHANGHAI)).isEqualTo(local("2024-03-09T00:00", SHANGHAI));
    }

    @Test
    void shouldStartTheDayAfterSpringForwardOneDayLaterWhenInParis() {
        Instant infusion = local("2024-03-30T12:00", PARIS);

        Instant day1 = StudyDay.startOfPdy(infusion, 1, PARIS);
        Instant day2 = StudyDay.startOfPdy(infusion, 2, PARIS);

        assertThat(day1).isEqualTo(Instant.parse("2024-03-30T23:00:00Z"));
        assertThat(day2).isEqualTo(Instant.parse("2024-03-31T22:00:00Z"));
        assertThat(StudyDay.pdy(infusion, day2.minusMillis(1), PARIS)).isEqualTo(1);
        assertThat(StudyDay.pdy(infusion, day2, PARIS)).isEqualTo(2);
    }

    @Test
    void shouldStartAtTheFirstValidInstantWhenMidnightDoesNotExist() {
        // Santiago skipped 00:00-01:00 on 8 September 2024 (spring forward at midnight).
        ZoneId santiago = ZoneId.of("America/Santiago");
        Instant infusion = local("2024-09-07T12:00", santiago);

        Instant start = StudyDay.startOfPdy(infusion, 1, santiago);

        assertThat(start.atZone(santiago).toLocalDateTime()).isEqualTo(LocalDateTime.parse("2024-09-08T01:00"));
        assertThat(StudyDay.pdy(infusion, start, santiago)).isEqualTo(1);
        assertThat(StudyDay.pdy(infusion, start.minusMillis(1), santiago)).isZero();
    }
}
