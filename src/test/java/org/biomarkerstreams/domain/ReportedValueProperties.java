package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReportedValueProperties {

    /** The former implementation of {@link ReportedValue#parse}: its grammar as regular expressions. */
    private static final Pattern NUMBER = Pattern.compile(
            "^(<=|=<|>=|=>|<|>|=|\u2264|\u2265)?\\s*([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)$");

    private static final Pattern NOT_A_NUMBER = Pattern.compile(
            "^(<=|=<|>=|=>|<|>|=|\u2264|\u2265)?\\s*[+-]?(?:nan|inf|infinity|\u221e)$", Pattern.CASE_INSENSITIVE);

    @Property
    void shouldReadBackTheSameValueWhenPrinted(@ForAll double value, @ForAll Comparator comparator) {
        if (!Double.isFinite(value)) {
            return;
        }
        ReportedValue reported = new ReportedValue(value, comparator);

        assertThat(ReportedValue.parse(reported.toString())).isEqualTo(Result.ok(reported));
    }

    @Property
    void shouldNeverThrowWhenTextIsArbitrary(@ForAll String text) {
        Result<ReportedValue> result = ReportedValue.parse(text);

        assertThat(result.isOk() || result.rejection().code() != null).isTrue();
    }

    @Property(tries = 5000)
    void shouldReadWhatTheRegularExpressionsReadWhenTextIsNumberShaped(@ForAll("numberShaped") String text) {
        assertThat(ReportedValue.parse(text)).isEqualTo(formerParse(text));
    }

    @Property(tries = 2000)
    void shouldReadWhatTheRegularExpressionsReadWhenTextIsArbitrary(@ForAll String text) {
        assertThat(ReportedValue.parse(text)).isEqualTo(formerParse(text));
    }

    /** Comparators, blanks, signs, digits, points, exponents and words of NaN and infinity, in any order. */
    @Provide
    Arbitrary<String> numberShaped() {
        Arbitrary<String> piece = Arbitraries.of(
                "<",
                ">",
                "=",
                "<=",
                "=<",
                ">=",
                "=>",
                "\u2264",
                "\u2265",
                "\u2266",
                " ",
                "\t",
                "\n",
                "\u000B",
                "\u2003",
                "\u00a0",
                "+",
                "-",
                ".",
                "e",
                "E",
                "0",
                "7",
                "12",
                "999999",
                "1e400",
                "\u0663",
                "nan",
                "NaN",
                "inf",
                "INF",
                "Infinity",
                "infinitY",
                "\u221e",
                "\u0131nf",
                "mg",
                ",",
                "d",
                "f",
                "x");
        Arbitrary<String> shuffled = piece.list().ofMaxSize(6).map(l -> String.join("", l));
        Arbitrary<String> wellFormed = Combinators.combine(
                        Arbitraries.of("", "<", "<=", "=<", ">", ">=", "=>", "=", "\u2264", "\u2265"),
                        Arbitraries.of("", " ", "  ", "\t"),
                        Arbitraries.of("", "+", "-"),
                        Arbitraries.of("", "0", "12", "00123", "1e308"),
                        Arbitraries.of("", ".", ".5", ".25"),
                        Arbitraries.of("", "e3", "E-2", "e+10", "e", "e400"))
                .as((c, b, s, i, f, e) -> c + b + s + i + f + e);
        return Arbitraries.oneOf(shuffled, wellFormed, wellFormed.map(t -> " " + t + "\n"));
    }

    private static Result<ReportedValue> formerParse(String text) {
        if (text == null || text.isBlank()) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "value is missing");
        }
        String trimmed = text.strip();
        if (NOT_A_NUMBER.matcher(trimmed).matches()) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value '" + trimmed + "' is not a finite number");
        }
        Matcher m = NUMBER.matcher(trimmed);
        if (!m.matches()) {
            return Result.rejected(ErrorCode.NON_NUMERIC, "value '" + trimmed + "' is not a number");
        }
        double number = Double.parseDouble(m.group(2));
        if (!Double.isFinite(number)) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value '" + trimmed + "' is too large");
        }
        String symbol = m.group(1);
        Comparator comparator = symbol == null
                ? Comparator.EQ
                : switch (symbol) {
                    case "<" -> Comparator.LT;
                    case "<=", "=<", "\u2264" -> Comparator.LE;
                    case ">" -> Comparator.GT;
                    case ">=", "=>", "\u2265" -> Comparator.GE;
                    default -> Comparator.EQ;
                };
        return Result.ok(new ReportedValue(number, comparator));
    }
}
