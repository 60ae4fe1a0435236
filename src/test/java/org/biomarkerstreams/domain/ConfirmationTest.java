package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfirmationTest {

    @Test
    void shouldParseOneReadingWhenGivenOne() {
        assertThat(Confirmation.parse("1")).isEqualTo(new Confirmation.Consecutive(1));
    }

    @Test
    void shouldParseTwoConsecutiveReadingsWhenGivenTwo() {
        assertThat(Confirmation.parse("2")).isEqualTo(Confirmation.consecutive(2));
    }

    @Test
    void shouldParseASpanWhenGivenHours() {
        assertThat(Confirmation.parse("48h")).isEqualTo(new Confirmation.NormalFor(Duration.ofHours(48)));
    }

    @Test
    void shouldParseASpanWhenPaddedAndUpperCase() {
        assertThat(Confirmation.parse(" 48H ")).isEqualTo(new Confirmation.NormalFor(Duration.ofHours(48)));
    }

    @Test
    void shouldParseACountWhenPadded() {
        assertThat(Confirmation.parse(" 3 ")).isEqualTo(new Confirmation.Consecutive(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "0h", "-24h", "", " ", "h", "two", "1.5", "48m", "48hh", "h48"})
    void shouldThrowWhenTextIsNotACountOrHours(String text) {
        assertThatThrownBy(() -> Confirmation.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectACountWhenBelowOne() {
        assertThatThrownBy(() -> Confirmation.consecutive(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 1");
    }

    @Test
    void shouldRejectASpanWhenZeroOrNegative() {
        assertThatThrownBy(() -> new Confirmation.NormalFor(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Confirmation.NormalFor(Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
