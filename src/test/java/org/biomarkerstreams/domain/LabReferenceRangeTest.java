package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LabReferenceRangeTest {

    private static final UnitConverter UNITS = new UnitConverter();
    private static final SiteProfile PROFILE = SiteProfile.defaults();

    private static AnalyteDefinition analyte(String paramcd) {
        return PROFILE.analyte(paramcd).orElseThrow();
    }

    @Test
    void shouldConvertTheRangeToTheCanonicalUnitWhenReportedInAnother() {
        ReferenceInterval range = LabReferenceRange.inCanonicalUnit("0-1.0", "mg/dL", analyte("CRP"), UNITS)
                .orElseThrow();

        assertThat(range.low()).isEqualTo(0.0);
        assertThat(range.high()).isEqualTo(10.0, within(1e-9));
        assertThat(range.classify(9.9)).isEqualTo(RangeIndicator.NORMAL);
    }

    @Test
    void shouldKeepOpenBoundsAndInclusivenessWhenRangeIsOneSided() {
        ReferenceInterval range = LabReferenceRange.inCanonicalUnit("<1100", "cells/uL", analyte("LYMPH"), UNITS)
                .orElseThrow();

        assertThat(range.low()).isNull();
        assertThat(range.high()).isEqualTo(1.1, within(1e-12));
        assertThat(range.highInclusive()).isFalse();
    }

    @Test
    void shouldGiveNothingWhenTheRangeCannotBeUsed() {
        assertThat(LabReferenceRange.inCanonicalUnit(null, "mg/L", analyte("CRP"), UNITS))
                .isEmpty();
        assertThat(LabReferenceRange.inCanonicalUnit("normal", "mg/L", analyte("CRP"), UNITS))
                .isEmpty();
        assertThat(LabReferenceRange.inCanonicalUnit("0-10", "furlongs", analyte("CRP"), UNITS))
                .isEmpty();
        assertThat(LabReferenceRange.inCanonicalUnit("0-10", "mmHg", analyte("CRP"), UNITS))
                .isEmpty();
    }
}
