package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DateShiftTest {

    private static final byte[] KEY = "a-date-shift-key-of-at-least-32-bytes".getBytes(StandardCharsets.US_ASCII);
    private static final Instant INFUSION = Instant.parse("2020-02-14T09:30:00Z");

    @Test
    void shouldShiftEveryTimeOfAPatientByTheSameWholeNumberOfDays() {
        DateShift shift = DateShift.withKey(KEY, 180);
        Instant draw = INFUSION.plus(Duration.ofHours(53));

        Instant shiftedInfusion = shift.shift("PT-0001", INFUSION);
        Instant shiftedDraw = shift.shift("PT-0001", draw);

        assertThat(Duration.between(INFUSION, shiftedInfusion).toDays()).isEqualTo(shift.days("PT-0001"));
        assertThat(Duration.between(INFUSION, shiftedInfusion).toSeconds() % 86_400)
                .isZero();
        assertThat(Duration.between(shiftedInfusion, shiftedDraw)).isEqualTo(Duration.ofHours(53));
        assertThat(DateShift.withKey(KEY.clone(), 180).days("PT-0001"))
                .as("the same key gives the same shift in every run")
                .isEqualTo(shift.days("PT-0001"));
    }

    @Test
    void shouldStayWithinTheBoundAndNeverBeZeroAndSpreadOverTheRange() {
        DateShift shift = DateShift.withKey(KEY, 10);
        Set<Integer> seen = new HashSet<>();

        IntStream.range(0, 2000).mapToObj(i -> "PT-" + i).forEach(p -> seen.add(shift.days(p)));

        assertThat(seen).allSatisfy(d -> assertThat(d).isBetween(-10, 10).isNotZero());
        assertThat(seen).hasSize(20);
    }

    @Test
    void shouldGiveDifferentPatientsAndDifferentKeysDifferentShifts() {
        DateShift shift = DateShift.withKey(KEY, 180);
        DateShift other = DateShift.withKey("another-date-shift-key-of-32-bytes-or-more".getBytes(), 180);

        long distinct = IntStream.range(0, 50)
                .map(i -> shift.days("PT-" + i))
                .distinct()
                .count();
        long sameUnderOtherKey = IntStream.range(0, 50)
                .filter(i -> shift.days("PT-" + i) == other.days("PT-" + i))
                .count();

        assertThat(distinct).isGreaterThan(40);
        assertThat(sameUnderOtherKey).isLessThan(5);
    }

    @Test
    void shouldShiftNothingWithoutAKey() {
        assertThat(DateShift.none().enabled()).isFalse();
        assertThat(DateShift.none().days("PT-0001")).isZero();
        assertThat(DateShift.none().shift("PT-0001", INFUSION)).isEqualTo(INFUSION);
        assertThat(DateShift.withKey(KEY, 5).shift("PT-0001", null)).isNull();
    }

    @Test
    void shouldRefuseAShortKeyOrABoundOutOfRangeWithoutShowingTheKey() {
        assertThatThrownBy(() -> DateShift.withKey("short-secret".getBytes(), 180))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32 bytes")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> DateShift.withKey(KEY, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DateShift.withKey(KEY, 3651)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DateShift.withKey(KEY, 180).toString()).doesNotContain("date-shift-key");
    }
}
