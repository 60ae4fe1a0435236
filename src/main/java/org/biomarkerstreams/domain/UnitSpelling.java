package org.biomarkerstreams.domain;

import java.util.Objects;

/**
 * A unit as sent, normalized: the UCUM code and, separately, the D-dimer assay annotation it carried ({@code
 * "ng/mL FEU"} is {@code ng/mL} + FEU). The annotation is kept apart because UCUM treats {@code {FEU}} as factor
 * 1, which would let FEU and DDU results convert into each other silently.
 *
 * @param ucum the UCUM code, {@code "1"} for a dimensionless number
 * @param annotatedAssay FEU or DDU if the unit text named one, NONE otherwise
 */
public record UnitSpelling(String ucum, AssayType annotatedAssay) {
    public UnitSpelling {
        Objects.requireNonNull(ucum, "ucum");
        Objects.requireNonNull(annotatedAssay, "annotatedAssay");
    }
}
