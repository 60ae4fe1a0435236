package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * A result as the lab reported it: a number and a comparator ({@code "<0.5"} is 0.5, {@link Comparator#LT}).
 *
 * @param value the finite reported number
 * @param comparator how the true value relates to {@code value}
 */
public record ReportedValue(double value, Comparator comparator) {

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
     *
     * <p>Strict on purpose: "12 mg" or "12,5" must not be read as 12 (decimal commas are ambiguous with thousands).
     * The grammar is {@code (<=|=<|>=|=>|<|>|=|≤|≥)?\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} with ASCII
     * blanks and digits, read by hand: it runs for every reading, and as a regular expression it cost more than
     * the rest of the reading's validation.
     */
    public static Result<ReportedValue> parse(String text) {
        if (text == null || text.isBlank()) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "value is missing");
        }
        String trimmed = text.strip();
        String symbol = comparatorSymbol(trimmed);
        int start = symbol.length();
        while (start < trimmed.length() && isRegexSpace(trimmed.charAt(start))) {
            start++;
        }
        String number = trimmed.substring(start);
        if (isNotANumber(number)) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value '" + trimmed + "' is not a finite number");
        }
        if (!isDecimal(number)) {
            return Result.rejected(ErrorCode.NON_NUMERIC, "value '" + trimmed + "' is not a number");
        }
        double value = Double.parseDouble(number);
        if (!Double.isFinite(value)) {
            return Result.rejected(ErrorCode.IMPLAUSIBLE_VALUE, "value '" + trimmed + "' is too large");
        }
        return Result.ok(new ReportedValue(value, comparatorOf(symbol)));
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

    /** The comparators a value may start with, those that begin with another first. */
    private static final String[] COMPARATORS = {"<=", "=<", ">=", "=>", "<", ">", "=", "\u2264", "\u2265"};

    /** The comparator {@code text} starts with, longest first, or "" for none. */
    private static String comparatorSymbol(String text) {
        for (String symbol : COMPARATORS) {
            if (text.startsWith(symbol)) {
                return symbol;
            }
        }
        return "";
    }

    /** The blanks a regular expression's {@code \s} stands for: ASCII only. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** {@code [+-]?(nan|inf|infinity|∞)}, ignoring the case of ASCII letters only. */
    private static boolean isNotANumber(String text) {
        String word = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
        return word.equals("\u221e")
                || equalsIgnoringAsciiCase(word, "nan")
                || equalsIgnoringAsciiCase(word, "inf")
                || equalsIgnoringAsciiCase(word, "infinity");
    }

    private static boolean equalsIgnoringAsciiCase(String text, String lowerCase) {
        if (text.length() != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            if (lower != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?}, digits ASCII: what Double.parseDouble reads, no more. */
    private static boolean isDecimal(String text) {
        int i = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
        int integerDigits = digits(text, i);
        i += integerDigits;
        int fractionDigits = 0;
        if (i < text.length() && text.charAt(i) == '.') {
            i++;
            fractionDigits = digits(text, i);
            i += fractionDigits;
        }
        if (integerDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < text.length() && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = digits(text, i);
            if (exponentDigits == 0) {
                return false;
            }
            i += exponentDigits;
        }
        return i == text.length();
    }

    /** How many ASCII digits {@code text} has from {@code from} on. */
    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private static Comparator comparatorOf(String symbol) {
        return switch (symbol) {
            case "" -> Comparator.EQ;
            case "<" -> Comparator.LT;
            case "<=", "=<", "\u2264" -> Comparator.LE;
            case ">" -> Comparator.GT;
            case ">=", "=>", "\u2265" -> Comparator.GE;
            case "=" -> Comparator.EQ;
            default -> throw new IllegalStateException("no comparator " + symbol);
        };
    }
}
