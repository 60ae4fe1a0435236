package org.biomarkerstreams.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * What a LOINC (or a site's local) code means in a site profile.
 *
 * @param loinc the code as it arrives in OBX-3 or the reading's {@code loinc} field
 * @param paramcd the analyte it maps to
 * @param assayType FEU or DDU for D-dimer codes, NONE otherwise; the code, not the unit text, is the authority
 */
public record LoincMapping(String loinc, String paramcd, AssayType assayType) {
    public LoincMapping {
        Objects.requireNonNull(loinc, "loinc");
        Objects.requireNonNull(paramcd, "paramcd");
        Objects.requireNonNull(assayType, "assayType");
        if (loinc.isBlank() || paramcd.isBlank()) {
            throw new IllegalArgumentException("loinc and paramcd must not be blank");
        }
        loinc = loinc.strip();
        paramcd = paramcd.strip().toUpperCase(Locale.ROOT);
    }
}
