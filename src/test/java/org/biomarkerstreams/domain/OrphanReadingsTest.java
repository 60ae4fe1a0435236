package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.biomarkerstreams.domain.OrphanReadings.Tally;
import org.junit.jupiter.api.Test;

class OrphanReadingsTest {

    private static final Instant SINCE = Instant.parse("2026-03-01T10:00:00Z");
    private final OrphanReadings rule = new OrphanReadings(Duration.ofHours(1));

    @Test
    void shouldCountAPatientFromTheInstantItHasWaitedTheThreshold() {
        assertThat(rule.add(Tally.NONE, SINCE, 3, SINCE.plus(Duration.ofMinutes(59))))
                .isEqualTo(Tally.NONE);
        assertThat(rule.add(Tally.NONE, SINCE, 3, SINCE.plus(Duration.ofHours(1))))
                .isEqualTo(new Tally(1, 3));
    }

    @Test
    void shouldNotCountAPatientWithoutReadings() {
        assertThat(rule.add(Tally.NONE, SINCE, 0, SINCE.plus(Duration.ofDays(2))))
                .isEqualTo(Tally.NONE);
    }

    @Test
    void shouldAddPatientsAndReadingsWhenTallied() {
        Instant now = SINCE.plus(Duration.ofHours(5));

        Tally tally = rule.add(rule.add(Tally.NONE, SINCE, 2, now), SINCE, 5, now);

        assertThat(tally).isEqualTo(new Tally(2, 7));
        assertThat(tally.plus(new Tally(1, 1))).isEqualTo(new Tally(3, 8));
    }

    @Test
    void shouldRefuseATallyThatCannotBe() {
        assertThatThrownBy(() -> new Tally(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tally(0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Tally(-1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAThresholdThatIsNotPositive() {
        assertThatThrownBy(() -> new OrphanReadings(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OrphanReadings(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTallyEveryQuarterOfTheThresholdBetweenASecondAndAMinute() {
        assertThat(new OrphanReadings(Duration.ofHours(24)).checkEvery()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new OrphanReadings(Duration.ofMinutes(2)).checkEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(new OrphanReadings(Duration.ofSeconds(2)).checkEvery()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldDescribeTheTallyWithTheThresholdAndTheRuleToCheck() {
        assertThat(rule.describe(new Tally(3, 42)))
                .isEqualTo("42 readings of 3 patients have waited longer than PT1H for an anchor (infusion or"
                        + " randomization): are the patients' trial events keyed by the same id as their lab results?"
                        + " See --patient-id-rule");
        assertThat(rule.describe(Tally.NONE)).startsWith("No readings wait longer than PT1H");
    }

    @Test
    void shouldLogOnceTheTallySettledThenEveryTenMinutesWhileOrphansLastAndOnceWhenTheyAreGone() {
        OrphanReadings.LogSchedule schedule = rule.logSchedule(); // settles for a minute
        Tally first = new Tally(1, 2);
        Tally whole = new Tally(2, 5);

        assertThat(schedule.next(Tally.NONE, SINCE)).as("nothing to say").isEmpty();
        assertThat(schedule.next(first, SINCE.plusSeconds(60)))
                .as("the first task's tally")
                .isEmpty();
        assertThat(schedule.next(whole, SINCE.plusSeconds(90)))
                .as("the second's, unsettled")
                .isEmpty();
        assertThat(schedule.next(whole, SINCE.plusSeconds(120))).as("settled").contains(whole);
        assertThat(schedule.next(whole, SINCE.plusSeconds(180)))
                .as("within ten minutes")
                .isEmpty();
        assertThat(schedule.next(whole, SINCE.plusSeconds(120 + 600)))
                .as("ten minutes later")
                .contains(whole);
        assertThat(schedule.next(Tally.NONE, SINCE.plusSeconds(800))).as("gone").contains(Tally.NONE);
        assertThat(schedule.next(Tally.NONE, SINCE.plusSeconds(900)))
                .as("still none")
                .isEmpty();
        assertThat(schedule.next(first, SINCE.plusSeconds(910)))
                .as("back: settles again")
                .isEmpty();
        assertThat(schedule.next(Tally.NONE, SINCE.plusSeconds(920)))
                .as("gone before it was ever logged")
                .isEmpty();
    }
}
