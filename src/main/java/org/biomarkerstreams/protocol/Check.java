package org.biomarkerstreams.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Checks that several records of a protocol file make; each failure is a {@link FieldError} naming the field. */
final class Check {

    private Check() {}

    /** {@code text} stripped; a missing or blank one is a mistake. */
    static String required(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new FieldError(field, "is required");
        }
        return text.strip();
    }

    /** Distinct, non-blank names, stripped (arms, strata labels, columns); none when absent. */
    static List<String> names(List<String> names, String field) {
        if (names == null) {
            return List.of();
        }
        List<String> stripped = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || name.isBlank()) {
                throw new FieldError(FieldPath.index(field, i), "expected a non-blank name");
            }
            if (stripped.contains(name.strip())) {
                throw new FieldError(FieldPath.index(field, i), "'" + name + "' is listed twice");
            }
            stripped.add(name.strip());
        }
        return List.copyOf(stripped);
    }

    /** Fails unless {@code count} is at least {@code min}. */
    static void atLeast(int count, int min, String field) {
        if (count < min) {
            throw new FieldError(field, "expected a whole number >= " + min + ", got '" + count + "'");
        }
    }

    /** {@code days}, at least {@code min}, or the days of {@code fallback} when the file leaves them out. */
    static int days(Integer days, int min, Duration fallback, String field) {
        if (days == null) {
            return Math.toIntExact(fallback.toDays());
        }
        if (days < min) {
            throw new FieldError(field, "expected a whole number of days >= " + min + ", got '" + days + "'");
        }
        return days;
    }
}
