package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plausibility bounds as a data manager meets them: which readings are rejected as {@code IMPLAUSIBLE_VALUE} and what
 * the message says about the unit the value was probably in. The expected messages are written out by hand from the
 * default bounds (docs/semantics.md, "Plausibility bounds") and the factors between the units.
 */
class UnitPlausibilityTest {

    private static final ReadingNormalizer NORMALIZER =
            new ReadingNormalizer(SiteProfile.defaults(), new UnitConverter());

    private static Rejection rejected(String paramcd, String value, String unit) {
        return NORMALIZER.normalize(null, paramcd, value, unit).rejection();
    }

    @Test
    void shouldNameMicrogramsWhenPaper000DdimerIsInMicrogramsPerLitre() {
        // Paper 000: "0.89 µg/L FEU" = 0.89 ng/mL, below the 10 ng/mL floor; ×1000 (µg/mL = mg/L) gives 890 ng/mL.
        Rejection rejection =
                NORMALIZER.normalize("48065-7", null, "0.89", "µg/L FEU").rejection();

        assertThat(rejection)
                .isEqualTo(new Rejection(
                        ErrorCode.IMPLAUSIBLE_VALUE,
                        "DDIMER: 0.89 µg/L FEU (0.89 ng/mL) is below any D-dimer assay's detection limit (10 ng/mL);"
                                + " was it µg/mL or mg/L?"));
    }

    @Test
    void shouldWordTheIssueExampleWhenDdimerIsSentInTheCanonicalUnit() {
        assertThat(rejected("DDIMER", "0.89", "ng/mL FEU").message())
                .isEqualTo("DDIMER: 0.89 ng/mL FEU is below any D-dimer assay's detection limit (10 ng/mL); was it"
                        + " µg/mL or mg/L?");
    }

    @Test
    void shouldAcceptTheSameDdimerWhenItIsInMicrogramsPerMillilitre() {
        NormalizedValue value =
                NORMALIZER.normalize("48065-7", null, "0.89", "µg/mL FEU").value();

        assertThat(value.value()).isEqualTo(890.0);
        assertThat(value.rangeIndicator()).contains(RangeIndicator.HIGH);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "DDIMER,<0.19,ng/mL FEU",
        "DDIMER,<=5,ng/mL DDU",
        "CRP,<0.005,mg/L",
        "IL6,<0.001,pg/mL",
        "PCT,<0.001,ng/mL"
    })
    void shouldAcceptCensoredValueWhenItIsBelowTheDetectionLimit(String paramcd, String value, String unit) {
        NormalizedValue accepted =
                NORMALIZER.normalize(null, paramcd, value, unit).value();

        assertThat(accepted.comparator()).isIn(Comparator.LT, Comparator.LE);
    }

    @Test
    void shouldRejectCensoredValueWhenItIsBelowAPhysiologicalLimit() {
        // "<0.2" FiO2 is as impossible as 0.2: no patient breathes less oxygen than room air's 0.21.
        assertThat(rejected("FIO2", "<0.2", "1").message())
                .isEqualTo("FIO2: <0.2 1 is below the lowest possible Inspired oxygen fraction (0.21); check the value"
                        + " and its unit");
    }

    @Test
    void shouldRejectGreaterThanValueWhenItIsAboveTheMaximum() {
        // ">200000 pg/mL" is above 100000 whatever it means; every listed mass unit is at least as large as pg/mL, so
        // none makes the value smaller and none is suggested.
        assertThat(rejected("IL6", ">200000", "pg/mL").message())
                .isEqualTo("IL6: >200000 pg/mL is above the highest plausible Interleukin-6 (100000 pg/mL); check the"
                        + " value and its unit");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // 0.005 mg/L < 0.01; as mg/dL (x10) it is 0.05 mg/L, as g/L (x1000) 5 mg/L.
                "CRP|0.005|mg/L|CRP: 0.005 mg/L is below any C-reactive protein assay's detection limit (0.01 mg/L);"
                        + " was it mg/dL or g/L?",
                // 1200 mg/L > 1000; as ng/mL or µg/L (/1000) it is 1.2 mg/L.
                "CRP|1200|mg/L|CRP: 1200 mg/L is above the highest plausible C-reactive protein (1000 mg/L); was it"
                        + " ng/mL or µg/L?",
                // 150 mg/dL = 1500 mg/L > 1000; as µg/mL or mg/L (/10, per litre for per decilitre) it is 150 mg/L.
                "CRP|150|mg/dL|CRP: 150 mg/dL (1500 mg/L) is above the highest plausible C-reactive protein (1000 mg/L);"
                        + " was it µg/mL or mg/L?",
                "CRP|-1|mg/L|CRP: -1 mg/L is negative; check the value and its unit",
                // 0.004 pg/mL < 0.01; as ng/mL or µg/L (x1000) it is 4 pg/mL.
                "IL6|0.004|pg/mL|IL6: 0.004 pg/mL is below any Interleukin-6 assay's detection limit (0.01 pg/mL); was it"
                        + " ng/mL or µg/L?",
                // 1200 x10^9/L > 500; as /µL (x10^6/L, /1000) it is 1.2 x10^9/L.
                "LYMPH|1200|10^9/L|LYMPH: 1200 10^9/L is above the highest plausible Lymphocytes, absolute (500 10*9/L);"
                        + " was it ×10^6/L or /µL?",
                // 2,000,000 ng/mL > 1,000,000; as pg/mL or ng/L (/1000) it is 2000 ng/mL.
                "DDIMER|2000000|ng/mL DDU|DDIMER: 2000000 ng/mL DDU is above the highest plausible D-dimer (1000000"
                        + " ng/mL); was it pg/mL or ng/L?",
                // 0.001 ng/mL < 0.005; as µg/mL or mg/L (x1000) it is 1 ng/mL.
                "PCT|0.001|ng/mL|PCT: 0.001 ng/mL is below any Procalcitonin assay's detection limit (0.005 ng/mL); was it"
                        + " µg/mL or mg/L?",
                // 9 mmHg < 10; as kPa (x7.50062) it is 67.5 mmHg.
                "PAO2|9|mmHg|PAO2: 9 mmHg is below the lowest possible Arterial partial pressure of oxygen (10 mm[Hg]);"
                        + " was it kPa?",
                // 5 mmHg < 10; as kPa it is 37.5 mmHg, a P/F ratio of a European blood gas report.
                "PFRATIO|5|mm[Hg]|PFRATIO: 5 mm[Hg] is below the lowest possible PaO2/FiO2 ratio (10 mm[Hg]); was it kPa?",
                // 40 without a unit is the fraction 40 > 1; as % (/100) it is 0.4.
                "FIO2|40||FIO2: 40 (no unit) is above the highest plausible Inspired oxygen fraction (1); was it %?",
                // 101 % = 1.01 > 1; nothing 100 or 1000 times smaller than % is listed.
                "FIO2|101|%|FIO2: 101 % (1.01) is above the highest plausible Inspired oxygen fraction (1); check the"
                        + " value and its unit"
            })
    void shouldNameTheLikelyUnitWhenValueIsImplausible(String paramcd, String value, String unit, String message) {
        assertThat(rejected(paramcd, value, unit)).isEqualTo(new Rejection(ErrorCode.IMPLAUSIBLE_VALUE, message));
    }

    @Test
    void shouldPlaceValuesRelativeToBoundsWithTheComparator() {
        PlausibilityBounds ddimer = PlausibilityBounds.detectable(10, 1000);
        PlausibilityBounds fio2 = new PlausibilityBounds(0.21, 1.0);

        assertThat(ddimer.position(9.99, Comparator.EQ)).isEqualTo(PlausibilityBounds.Position.BELOW);
        assertThat(ddimer.position(10, Comparator.EQ)).isEqualTo(PlausibilityBounds.Position.WITHIN);
        assertThat(ddimer.position(9.99, Comparator.LT)).isEqualTo(PlausibilityBounds.Position.WITHIN);
        assertThat(ddimer.position(9.99, Comparator.LE)).isEqualTo(PlausibilityBounds.Position.WITHIN);
        assertThat(ddimer.position(9.99, Comparator.GT)).isEqualTo(PlausibilityBounds.Position.BELOW);
        assertThat(ddimer.position(1000, Comparator.GE)).isEqualTo(PlausibilityBounds.Position.WITHIN);
        assertThat(ddimer.position(1000.01, Comparator.LT)).isEqualTo(PlausibilityBounds.Position.ABOVE);
        assertThat(fio2.position(0.2, Comparator.LT)).isEqualTo(PlausibilityBounds.Position.BELOW);
    }

    @Test
    void shouldRefuseDetectionLimitWhenItIsNotAboveZero() {
        assertThatThrownBy(() -> PlausibilityBounds.detectable(0, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detection limit");
        assertThat(new PlausibilityBounds(0, 10).lowerLimit()).isEqualTo(PlausibilityBounds.LowerLimit.PHYSIOLOGICAL);
    }
}
