package org.biomarkerstreams.domain;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A result as the lab reported it: a number and a comparator ({@code "<0.5"} is 0.5, {@link Comparator#LT}).
 *
 * @param value the finite reported number
 * @param comparator how the true value relates to {@code value}
 */
public record ReportedValue(double value, Comparator comparator) {

    // Strict on purpose: "12 mg" or "12,5" must not be read as 12 (decimal commas are ambiguous with thousands).
    private static final Pattern NUMBER = Pattern.compile(
            "^(<=|=<|>=|=>|<|>|=|\u2264|\u2265)?\\s*([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)$");
    private static final Pattern NOT_A_NUMBER = Pattern.compile(
            "^(<=|=<|>=|=>|<|>|=|\u2264|\u2265)?\\s*[+-]?(?:nan|inf|infinity|\u221e)$", Pattern.CASE_INSENSITIVE);

    public ReportedValue {
        Objects.requireNonNull(comparator, "comparator");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("reported value must be finite: " + value);
        }
    }

    /**
     * Parses a value as sent: {@code "12.5"}, {@code " 12.5 "}, {@code "<0.5"}, {@code "< 0.5"}, {@code "<=3"},
     * {@code ">1000"}, {@code ">= 7"}, {@code "1.2e3"}, {@code "+3"}, {@code "-1"}; also {@code "≤"}, {@code "≥"},
     * {@code "=<"}, {@code "=>"}, {@code "="}. A null or blank text is {@link ErrorCode#MISSING_FIELD}, anything
     * else that is not a plain number is {@link ErrorCode#NON_NUMERIC}, and NaN, infinity or a number too large
     * for a double is {@link ErrorCode#IMPLAUSIBLE_VALUE}.
     */
    public static Result<ReportedValue> parse(String text) {
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
        return Result.ok(new ReportedValue(number, comparatorOf(m.group(1))));
    }

    /** An exact value ({@link Comparator#EQ}); NaN and infinities are {@link ErrorCode#IMPLAUSIBLE_VALUE}. */
    public static Result<ReportedValue> of(double value) {
        if (!Double.isFinite(value)) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value " + value + " is not a finite number");
        }
        return Result.ok(new ReportedValue(value, Comparator.EQ));
    }

    /** The value as a lab would write it, e.g. {@code "<0.5"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return comparator.prefix() + value;
    }

    private static Comparator comparatorOf(String symbol) {
        if (symbol == null) {
            return Comparator.EQ;
        }
        return switch (symbol) {
            case "<" -> Comparator.LT;
            case "<=", "=<", "\u2264" -> Comparator.LE;
            case ">" -> Comparator.GT;
            case ">=", "=>", "\u2265" -> Comparator.GE;
            case "=" -> Comparator.EQ;
            default -> throw new IllegalStateException("pattern admitted comparator " + symbol);
        };
    }
}
