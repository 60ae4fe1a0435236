package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceIntervalTest {

    @ParameterizedTest(name = "CRP {0} -> {1}")
    @CsvSource({"0,NORMAL", "9.999,NORMAL", "10,HIGH", "10.001,HIGH", "-1,NORMAL"})
    void shouldExcludeUpperBoundWhenBelow(double value, RangeIndicator expected) {
        assertThat(ReferenceInterval.below(10).classify(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "P/F {0} -> {1}")
    @CsvSource({"300,LOW", "299.9,LOW", "300.0001,NORMAL", "600,NORMAL"})
    void shouldExcludeLowerBoundWhenAbove(double value, RangeIndicator expected) {
        assertThat(ReferenceInterval.above(300).classify(value)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "LYMPH {0} -> {1}")
    @CsvSource({"1.09,LOW", "1.1,NORMAL", "2,NORMAL", "3.2,NORMAL", "3.21,HIGH"})
    void shouldIncludeBothBoundsWhenBetween(double value, RangeIndicator expected) {
        assertThat(ReferenceInterval.between(1.1, 3.2).classify(value)).isEqualTo(expected);
    }

    @Test
    void shouldHonourEachInclusiveFlagWhenMixed() {
        ReferenceInterval halfOpen = new ReferenceInterval(1.0, false, 2.0, true);

        assertThat(halfOpen.classify(1.0)).isEqualTo(RangeIndicator.LOW);
        assertThat(halfOpen.classify(1.5)).isEqualTo(RangeIndicator.NORMAL);
        assertThat(halfOpen.classify(2.0)).isEqualTo(RangeIndicator.NORMAL);
        assertThat(halfOpen.isNormal(2.0)).isTrue();
        assertThat(halfOpen.isNormal(2.0001)).isFalse();
    }

    @Test
    void shouldAllowSinglePointWhenBothEndsInclusive() {
        ReferenceInterval point = new ReferenceInterval(5.0, true, 5.0, true);

        assertThat(point.classify(5.0)).isEqualTo(RangeIndicator.NORMAL);
        assertThat(point.classify(4.9)).isEqualTo(RangeIndicator.LOW);
    }

    @Test
    void shouldDropInclusiveFlagWhenBoundIsAbsent() {
        assertThat(new ReferenceInterval(null, true, 10.0, false)).isEqualTo(ReferenceInterval.below(10));
    }

    @Test
    void shouldRefuseMalformedIntervalsWhenConstructed() {
        assertThatThrownBy(() -> new ReferenceInterval(null, false, null, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferenceInterval.between(3, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReferenceInterval(2.0, true, 2.0, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReferenceInterval.below(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(
            delimiter = '|',
            value = {
                "0-10|0|true|10|true",
                "1.1 - 3.2|1.1|true|3.2|true",
                "1.1–3.2|1.1|true|3.2|true",
                "1.1 to 3.2|1.1|true|3.2|true",
                "<243||false|243|false",
                "< 243||false|243|false",
                "<=10||false|10|true",
                "≤10||false|10|true",
                ">300|300|false||false",
                ">=7|7|true||false",
                "≥7|7|true||false",
                "[1.1;3.2]|1.1|true|3.2|true",
                "(1.1;3.2]|1.1|false|3.2|true",
                "[1.1, 3.2)|1.1|true|3.2|false",
                "-5-5|-5|true|5|true",
            })
    void shouldReadLabRangeTextWhenWellFormed(
            String text, Double low, boolean lowInclusive, Double high, boolean highInclusive) {
        assertThat(ReferenceInterval.parse(text))
                .isEqualTo(Result.ok(new ReferenceInterval(low, lowInclusive, high, highInclusive)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"normal", "10", "<", "1.1-", "3.2-1.1", "<10 mg/L", "[1;2", "1-2-3", "(2;2)"})
    void shouldRejectAsNonNumericWhenRangeIsUnreadable(String text) {
        Result<ReferenceInterval> result = ReferenceInterval.parse(text);

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.NON_NUMERIC);
        assertThat(result.rejection().message()).contains("'" + text + "'");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void shouldRejectAsMissingWhenRangeIsBlank(String text) {
        assertThat(ReferenceInterval.parse(text).rejection().code()).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void shouldPrintAsLabWouldWhenFormatted() {
        assertThat(ReferenceInterval.below(10).text()).isEqualTo("<10");
        assertThat(ReferenceInterval.above(300).text()).isEqualTo(">300");
        assertThat(ReferenceInterval.between(1.1, 3.2).text()).isEqualTo("1.1-3.2");
        assertThat(new ReferenceInterval(1.0, false, 2.5, true).text()).isEqualTo("(1;2.5]");
        assertThat(new ReferenceInterval(null, false, 10.0, true).text()).isEqualTo("<=10");
        assertThat(new ReferenceInterval(7.0, true, null, false).text()).isEqualTo(">=7");
    }

    @Test
    void shouldContainBothEndsWhenCheckingPlausibility() {
        PlausibilityBounds bounds = new PlausibilityBounds(0.21, 1.0);

        assertThat(bounds.contains(0.21)).isTrue();
        assertThat(bounds.contains(1.0)).isTrue();
        assertThat(bounds.contains(0.2)).isFalse();
        assertThat(bounds.contains(1.01)).isFalse();
        assertThat(bounds.contains(Double.NaN)).isFalse();
        assertThatThrownBy(() -> new PlausibilityBounds(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
