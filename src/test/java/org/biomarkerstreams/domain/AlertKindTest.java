package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertKindTest {

    @Test
    void shouldCrossEveryThresholdPassedWhenRatioDropsFromAbove() {
        assertThat(AlertKind.crossings("PFRATIO", 350.0, 150.0))
                .containsExactly(AlertKind.PFRATIO_LE_300, AlertKind.PFRATIO_LE_200);
    }

    @Test
    void shouldCountTheThresholdItselfAsCrossedForTheRatioButNotForLymphocytes() {
        assertThat(AlertKind.crossings("PFRATIO", 301.0, 300.0)).containsExactly(AlertKind.PFRATIO_LE_300);
        assertThat(AlertKind.crossings("LYMPH", 0.6, 0.5)).isEmpty();
        assertThat(AlertKind.crossings("LYMPH", 0.6, 0.49)).containsExactly(AlertKind.LYMPH_LT_0_5);
    }

    @Test
    void shouldNotCrossWhenPreviousValueWasAlreadyBeyond() {
        assertThat(AlertKind.crossings("PFRATIO", 280.0, 250.0)).isEmpty();
    }

    @Test
    void shouldCrossWhenThereIsNoPreviousValue() {
        assertThat(AlertKind.crossings("PFRATIO", null, 99.0)).hasSize(3);
        assertThat(AlertKind.crossings("CRP", null, 1000.0)).isEmpty();
    }

    @Test
    void shouldPairReadingsWithinThirtyMinutesInclusive() {
        Instant t = Instant.parse("2020-01-01T00:00:00Z");
        assertThat(OxygenationIndex.paired(t, t.plus(Duration.ofMinutes(30)))).isTrue();
        assertThat(OxygenationIndex.paired(t, t.minus(Duration.ofMinutes(31)))).isFalse();
        assertThat(OxygenationIndex.ratio(80, 0.4)).isEqualTo(200.0);
        assertThatThrownBy(() -> OxygenationIndex.ratio(80, 40)).isInstanceOf(IllegalArgumentException.class);
    }
}
