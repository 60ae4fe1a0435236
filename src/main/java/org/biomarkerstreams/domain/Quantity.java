package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * A value with its unit; what crosses package boundaries instead of a bare {@code double}.
 *
 * @param value the finite number
 * @param unit a UCUM code, e.g. {@code mg/L}, {@code 10*9/L}, {@code mm[Hg]}, {@code 1}
 */
public record Quantity(double value, String unit) {
    public Quantity {
        Objects.requireNonNull(unit, "unit");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("quantity value must be finite: " + value);
        }
    }

    @Override
    public String toString() {
        return value + " " + unit;
    }
}
