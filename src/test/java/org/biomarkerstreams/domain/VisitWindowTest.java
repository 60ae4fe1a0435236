package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class VisitWindowTest {

    private static final ZoneId UTC = ZoneOffset.UTC;
    private static final Instant INFUSION = Instant.parse("2024-03-10T23:00:00Z");
    private static final VisitWindow D7 = new VisitWindow("D7", 7, 6, 8);

    @Test
    void shouldAcceptAWindowWhenTargetIsBetweenItsBounds() {
        assertThat(new VisitWindow("D3", 3, 2, 4).targetDay()).isEqualTo(3);
        assertThat(new VisitWindow("D0", 0, 0, 0).contains(0)).isTrue();
        assertThat(new VisitWindow("EDGE", 2, 2, 4).fromDay()).isEqualTo(2);
        assertThat(new VisitWindow("EDGE", 4, 2, 4).toDay()).isEqualTo(4);
    }

    @Test
    void shouldRejectAWindowWhenBoundsAreReversed() {
        assertThatThrownBy(() -> new VisitWindow("BAD", 3, 4, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BAD");
    }

    @Test
    void shouldRejectAWindowWhenTargetIsBeforeTheWindow() {
        assertThatThrownBy(() -> new VisitWindow("BAD", 1, 2, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAWindowWhenTargetIsAfterTheWindow() {
        assertThatThrownBy(() -> new VisitWindow("BAD", 5, 2, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAWindowWhenNameIsMissing() {
        assertThatThrownBy(() -> new VisitWindow(null, 3, 2, 4)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldContainBothBoundsWhenInclusive() {
        assertThat(D7.contains(6)).isTrue();
        assertThat(D7.contains(7)).isTrue();
        assertThat(D7.contains(8)).isTrue();
    }

    @Test
    void shouldNotContainDaysWhenJustOutside() {
        assertThat(D7.contains(5)).isFalse();
        assertThat(D7.contains(9)).isFalse();
    }

    @Test
    void shouldStartAtTheFirstInstantOfFromDayWhenInUtc() {
        assertThat(D7.start(INFUSION, UTC)).isEqualTo(Instant.parse("2024-03-16T00:00:00Z"));
    }

    @Test
    void shouldEndAtTheFirstInstantAfterToDayWhenInUtc() {
        assertThat(D7.end(INFUSION, UTC)).isEqualTo(Instant.parse("2024-03-19T00:00:00Z"));
    }

    @Test
    void shouldHaveInstantsWhoseDaysAreInsideWhenBetweenStartAndEnd() {
        Instant start = D7.start(INFUSION, UTC);
        Instant end = D7.end(INFUSION, UTC);

        assertThat(D7.contains(StudyDay.pdy(INFUSION, start, UTC))).isTrue();
        assertThat(D7.contains(StudyDay.pdy(INFUSION, end.minusMillis(1), UTC))).isTrue();
        assertThat(D7.contains(StudyDay.pdy(INFUSION, start.minusMillis(1), UTC)))
                .isFalse();
        assertThat(D7.contains(StudyDay.pdy(INFUSION, end, UTC))).isFalse();
    }

    @Test
    void shouldFollowTheSiteCalendarWhenInANonUtcZone() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        Instant infusion =
                LocalDateTime.parse("2024-03-10T23:00").atZone(shanghai).toInstant();

        assertThat(D7.start(infusion, shanghai)).isEqualTo(Instant.parse("2024-03-15T16:00:00Z"));
        assertThat(D7.end(infusion, shanghai)).isEqualTo(Instant.parse("2024-03-18T16:00:00Z"));
    }

    @Test
    void shouldPreferTheCandidateWhenCloserToTarget() {
        Instant early = Instant.parse("2024-03-17T08:00:00Z");
        Instant late = Instant.parse("2024-03-18T08:00:00Z");

        assertThat(D7.prefers(7, early, 8, late)).isTrue();
        assertThat(D7.prefers(8, late, 7, early)).isFalse();
    }

    @Test
    void shouldPreferTheLaterReadingWhenEquallyFarOnEitherSide() {
        Instant day6 = Instant.parse("2024-03-16T08:00:00Z");
        Instant day8 = Instant.parse("2024-03-18T08:00:00Z");

        assertThat(D7.prefers(8, day8, 6, day6)).isTrue();
        assertThat(D7.prefers(6, day6, 8, day8)).isFalse();
    }

    @Test
    void shouldPreferTheLaterReadingWhenOnTheSameDay() {
        Instant morning = Instant.parse("2024-03-17T06:00:00Z");
        Instant evening = Instant.parse("2024-03-17T18:00:00Z");

        assertThat(D7.prefers(7, evening, 7, morning)).isTrue();
        assertThat(D7.prefers(7, morning, 7, evening)).isFalse();
    }

    @Test
    void shouldNotPreferTheCandidateWhenItIsTheCurrentPick() {
        Instant at = Instant.parse("2024-03-17T06:00:00Z");

        assertThat(D7.prefers(7, at, 7, at)).isFalse();
    }
}
