package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReportedValueTest {

    @ParameterizedTest(name = "''{0}'' -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "12.5|12.5|EQ",
                "' 12.5 '|12.5|EQ",
                "<0.5|0.5|LT",
                "< 0.5|0.5|LT",
                "<=3|3|LE",
                "=<3|3|LE",
                "≤3|3|LE",
                ">1000|1000|GT",
                ">= 7|7|GE",
                "=>7|7|GE",
                "≥7|7|GE",
                "=4|4|EQ",
                "1.2e3|1200|EQ",
                "1.2E-3|0.0012|EQ",
                "+3|3|EQ",
                "-1|-1|EQ",
                "< -1|-1|LT",
                ".5|0.5|EQ",
                "5.|5|EQ",
                "0|0|EQ"
            })
    void shouldParseNumberAndComparatorWhenTextIsANumber(String text, double value, Comparator comparator) {
        assertThat(ReportedValue.parse(text)).isEqualTo(Result.ok(new ReportedValue(value, comparator)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t"})
    void shouldRejectAsMissingWhenTextIsNullOrBlank(String text) {
        Result<ReportedValue> result = ReportedValue.parse(text);

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(result.rejection().message()).isEqualTo("value is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "12 mg", "12,5", "<", "<>3", "1..2", "1e", "3-4", "positive", "0x10", "1 000"})
    void shouldRejectAsNonNumericWhenTextIsNotANumber(String text) {
        Result<ReportedValue> result = ReportedValue.parse(text);

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.NON_NUMERIC);
        assertThat(result.rejection().message())
                .contains("'" + text.strip() + "'")
                .contains("not a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "nan", "Infinity", "-Infinity", "inf", ">Infinity", "1e400", "-1e400"})
    void shouldRejectAsImplausibleWhenTextIsNotFinite(String text) {
        assertThat(ReportedValue.parse(text).rejection().code()).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void shouldRejectAsImplausibleWhenDoubleIsNotFinite(double value) {
        assertThat(ReportedValue.of(value).rejection().code()).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -2.5, 1e300, 12.5})
    void shouldBeExactWhenMadeOfFiniteDouble(double value) {
        assertThat(ReportedValue.of(value)).isEqualTo(Result.ok(new ReportedValue(value, Comparator.EQ)));
    }

    @ParameterizedTest
    @CsvSource({"<0.5,<0.5", "12.5,12.5", ">=7,>=7.0"})
    void shouldPrintAsLabWouldWhenFormatted(String text, String printed) {
        assertThat(ReportedValue.parse(text).value().toString()).isEqualTo(printed);
    }
}
