package org.biomarkerstreams.domain;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference interval in an analyte's canonical unit; a bound may be open ({@code null}) on one side. The
 * inclusive flag of an absent bound is meaningless and always stored as {@code false}, so equal intervals are
 * equal records.
 *
 * @param low lower bound, or {@code null} for none
 * @param lowInclusive whether a value equal to {@code low} is normal
 * @param high upper bound, or {@code null} for none
 * @param highInclusive whether a value equal to {@code high} is normal
 */
public record ReferenceInterval(Double low, boolean lowInclusive, Double high, boolean highInclusive) {

    private static final String NUM = "([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)";
    private static final Pattern RANGE =
            Pattern.compile("^" + NUM + "\\s*(?:-|\u2013|\u2014|\\.\\.|to)\\s*" + NUM + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BRACKETS =
            Pattern.compile("^([\\[(])\\s*" + NUM + "\\s*[;,]\\s*" + NUM + "\\s*([\\])])$");
    private static final Pattern ONE_SIDED = Pattern.compile("^(<=|=<|>=|=>|<|>|\u2264|\u2265)\\s*" + NUM + "$");

    public ReferenceInterval {
        if (low == null && high == null) {
            throw new IllegalArgumentException("a reference interval needs at least one bound");
        }
        if ((low != null && !Double.isFinite(low)) || (high != null && !Double.isFinite(high))) {
            throw new IllegalArgumentException("reference interval bounds must be finite: " + low + ", " + high);
        }
        if (low != null && high != null) {
            if (low > high) {
                throw new IllegalArgumentException("reference interval low " + low + " is above high " + high);
            }
            if (low.equals(high) && !(lowInclusive && highInclusive)) {
                throw new IllegalArgumentException("reference interval [" + low + "] is empty");
            }
        }
        lowInclusive = low != null && lowInclusive;
        highInclusive = high != null && highInclusive;
    }

    /** Normal iff {@code value < high}, e.g. CRP {@code < 10} mg/L. */
    public static ReferenceInterval below(double high) {
        return new ReferenceInterval(null, false, high, false);
    }

    /** Normal iff {@code value > low}, e.g. PaO2/FiO2 {@code > 300} mmHg. */
    public static ReferenceInterval above(double low) {
        return new ReferenceInterval(low, false, null, false);
    }

    /** Normal iff {@code low <= value <= high}, e.g. lymphocytes 1.1–3.2 ×10^9/L. */
    public static ReferenceInterval between(double low, double high) {
        return new ReferenceInterval(low, true, high, true);
    }

    public RangeIndicator classify(double value) {
        if (low != null && (value < low || (value == low && !lowInclusive))) {
            return RangeIndicator.LOW;
        }
        if (high != null && (value > high || (value == high && !highInclusive))) {
            return RangeIndicator.HIGH;
        }
        return RangeIndicator.NORMAL;
    }

    public boolean isNormal(double value) {
        return classify(value) == RangeIndicator.NORMAL;
    }

    /**
     * Reads a lab's own range text (HL7 OBX-7): {@code "0-10"} and {@code "1.1 - 3.2"} (both ends inclusive, as
     * labs print them), {@code "<243"}, {@code "<=10"}, {@code ">300"}, {@code ">=7"}, {@code "≤"}, {@code "≥"},
     * and interval notation {@code "[1.1;3.2]"}, {@code "(1.1;3.2]"} (comma also accepted as separator). Null or
     * blank is {@link ErrorCode#MISSING_FIELD}; anything else unreadable, or a range whose low is above its high,
     * is {@link ErrorCode#NON_NUMERIC}.
     */
    public static Result<ReferenceInterval> parse(String text) {
        if (text == null || text.isBlank()) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "reference range is missing");
        }
        String trimmed = text.strip();
        Matcher range = RANGE.matcher(trimmed);
        if (range.matches()) {
            return build(trimmed, number(range.group(1)), true, number(range.group(2)), true);
        }
        Matcher brackets = BRACKETS.matcher(trimmed);
        if (brackets.matches()) {
            return build(
                    trimmed,
                    number(brackets.group(2)),
                    brackets.group(1).equals("["),
                    number(brackets.group(3)),
                    brackets.group(4).equals("]"));
        }
        Matcher oneSided = ONE_SIDED.matcher(trimmed);
        if (oneSided.matches()) {
            Double bound = number(oneSided.group(2));
            return switch (oneSided.group(1)) {
                case "<" -> build(trimmed, null, false, bound, false);
                case "<=", "=<", "\u2264" -> build(trimmed, null, false, bound, true);
                case ">" -> build(trimmed, bound, false, null, false);
                default -> build(trimmed, bound, true, null, false);
            };
        }
        return Result.rejected(ErrorCode.NON_NUMERIC, "reference range '" + trimmed + "' is not readable");
    }

    /** The interval as a lab would print it; {@link #parse} reads it back to an equal interval. */
    public String text() {
        if (low == null) {
            return (highInclusive ? "<=" : "<") + format(high);
        }
        if (high == null) {
            return (lowInclusive ? ">=" : ">") + format(low);
        }
        if (lowInclusive && highInclusive) {
            return format(low) + "-" + format(high);
        }
        return (lowInclusive ? "[" : "(") + format(low) + ";" + format(high) + (highInclusive ? "]" : ")");
    }

    private static Result<ReferenceInterval> build(
            String text, Double low, boolean lowInclusive, Double high, boolean highInclusive) {
        if ((low != null && !Double.isFinite(low)) || (high != null && !Double.isFinite(high))) {
            return Result.rejected(ErrorCode.NON_NUMERIC, "reference range '" + text + "' has a bound too large");
        }
        if (low != null && high != null && (low > high || (low.equals(high) && !(lowInclusive && highInclusive)))) {
            return Result.rejected(ErrorCode.NON_NUMERIC, "reference range '" + text + "' is empty (low above high)");
        }
        return Result.ok(new ReferenceInterval(low, lowInclusive, high, highInclusive));
    }

    private static Double number(String text) {
        return Double.parseDouble(text);
    }

    private static String format(double value) {
        // Shortest text that reads back to the same double; drop a trailing ".0" as labs do.
        String text = Double.toString(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
