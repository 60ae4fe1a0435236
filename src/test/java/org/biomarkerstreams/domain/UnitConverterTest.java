package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitConverterTest {

    private static final UnitConverter CONVERTER = new UnitConverter();

    @ParameterizedTest(name = "{0} {1} -> {3} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // CRP
                "12|mg/L|mg/L|12",
                "1.2|mg/dL|mg/L|12",
                "1.2|MG/DL|mg/L|12",
                "12|mg/l|mg/L|12",
                // D-dimer
                "250|ng/mL|ng/mL|250",
                "250|µg/L|ng/mL|250",
                "250|μg/L|ng/mL|250",
                "250|ug/L|ng/mL|250",
                "250|mcg/L|ng/mL|250",
                "0.5|mg/L|ng/mL|500",
                "0.5|µg/mL|ng/mL|500",
                "0.5|ug/mL|ng/mL|500",
                "0.5|mg/L FEU|ng/mL|500",
                "0.5|µg/mL DDU|ng/mL|500",
                "0.5|ug/mL{FEU}|ng/mL|500",
                // lymphocytes
                "1.2|10^9/L|10*9/L|1.2",
                "1.2|10*9/L|10*9/L|1.2",
                "1.2|x10^9/L|10*9/L|1.2",
                "1.2|×10^9/L|10*9/L|1.2",
                "1.2|10E9/L|10*9/L|1.2",
                "1.2|10⁹/L|10*9/L|1.2",
                "1.2|G/L|10*9/L|1.2",
                "1.2|10*3/uL|10*9/L|1.2",
                "1.2|10^3/µL|10*9/L|1.2",
                "1.2|10^3/uL|10*9/L|1.2",
                "1.2|K/uL|10*9/L|1.2",
                "1.2|K/µL|10*9/L|1.2",
                "1200|/µL|10*9/L|1.2",
                "1200|/uL|10*9/L|1.2",
                "1200|cells/µL|10*9/L|1.2",
                "1200|cells/uL|10*9/L|1.2",
                "1200|{cells}/uL|10*9/L|1.2",
                "1200|/mm3|10*9/L|1.2",
                "1200|/mm³|10*9/L|1.2",
                "1200|cells/mm3|10*9/L|1.2",
                // PaO2, P/F
                "80|mmHg|mm[Hg]|80",
                "80|mm Hg|mm[Hg]|80",
                "80|mm[Hg]|mm[Hg]|80",
                "80|Torr|mm[Hg]|80",
                // FiO2
                "21|%|1|0.21",
                "100|%|1|1",
                "0.21|1|1|0.21",
                "0.21|fraction|1|0.21",
                "0.21|''|1|0.21",
                // IL-6
                "35|pg/mL|pg/mL|35",
                "35|ng/L|pg/mL|35",
                "35|PG/ML|pg/mL|35",
            })
    void shouldConvertToCanonicalUnitWhenUnitIsASeenSpelling(double value, String from, String to, double expected) {
        assertThat(CONVERTER.convert(value, from, to).value()).isCloseTo(expected, within(1e-12 * expected));
    }

    @Test
    void shouldGiveExactResultsWhenFactorIsADecimalFraction() {
        assertThat(CONVERTER.convert(21, "%", "1").value()).isEqualTo(0.21);
        assertThat(CONVERTER.convert(1200, "/uL", "10*9/L").value()).isEqualTo(1.2);
    }

    @Test
    void shouldConvertKilopascalWhenPaO2IsInKpa() {
        // UCUM defines mm[Hg] as 133.322 Pa, so 1 kPa = 7.500638 mmHg (often rounded to 7.50062).
        assertThat(CONVERTER.convert(1, "kPa", "mm[Hg]").value()).isCloseTo(7.50062, within(2e-5));
        assertThat(CONVERTER.convert(10.6, "kPa", "mmHg").value()).isCloseTo(79.507, within(1e-3));
        assertThat(CONVERTER.convert(80, "mmHg", "kPa").value()).isCloseTo(10.666, within(1e-3));
    }

    @Test
    void shouldConvertFromUnitlessWhenFio2HasNoUnit() {
        assertThat(CONVERTER.convert(0.4, null, "1").value()).isEqualTo(0.4);
    }

    @Test
    void shouldUseExactLibraryFactorsWhenConvertingCellCounts() {
        assertThat(CONVERTER.factor("10*3/uL", "10*9/L").value()).isEqualTo(1.0);
        assertThat(CONVERTER.factor("/uL", "10*9/L").value()).isEqualTo(1e-3);
        assertThat(CONVERTER.factor("mg/dL", "mg/L").value()).isEqualTo(10.0);
    }

    @Test
    void shouldReturnSameFactorWhenAskedTwice() {
        double first = CONVERTER.factor("kPa", "mm[Hg]").value();

        assertThat(CONVERTER.factor("kPa", "mm[Hg]").value()).isEqualTo(first);
        assertThat(CONVERTER.factor("kPa", "mmHg").value()).isEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "mg/foo", "cells/bucket", "12", "0.5", "FEU", "mg per L", "ng/mL FE U", "mmol/L/"})
    void shouldRejectAsUnknownNamingTheUnitWhenNotAUnit(String unit) {
        Result<Double> result = CONVERTER.convert(1, unit, "mg/L");

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.UNKNOWN_UNIT);
        assertThat(result.rejection().message()).contains("'" + unit + "'");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"mg/L,10*9/L", "mmHg,mg/L", "%,mm[Hg]", "10*9/L,ng/mL", "kPa,1", "mg/L,pg"})
    void shouldRejectAsIncompatibleWhenDimensionsDiffer(String from, String to) {
        Result<Double> result = CONVERTER.convert(1, from, to);

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(result.rejection().message()).contains("'" + from + "'").contains("'" + to + "'");
    }

    @Test
    void shouldRejectAsIncompatibleWhenConversionIsNotLinear() {
        Result<Double> result = CONVERTER.convert(37, "Cel", "K");

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"ng/mL FEU,ng/mL DDU", "ng/mL{DDU},ng/mL{FEU}", "ug/mL (FEU),ng/mL DDU"})
    void shouldNeverConvertBetweenFeuAndDduWhenBothAreAnnotated(String from, String to) {
        Result<Double> result = CONVERTER.convert(500, from, to);

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(result.rejection().message()).contains("FEU").contains("DDU");
    }

    @Test
    void shouldRejectAsImplausibleWhenValueOrResultIsNotFinite() {
        assertThat(CONVERTER.convert(Double.NaN, "mg/L", "mg/L").rejection().code())
                .isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(CONVERTER.convert(1e308, "kg/L", "ng/L").rejection().code()).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
    }

    @ParameterizedTest(name = "''{0}'' -> {1} {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10^9/L|10*9/L|NONE",
                "x10^9/L|10*9/L|NONE",
                "10^3/uL|10*3/uL|NONE",
                "K/uL|10*3/uL|NONE",
                "cells/µL|/uL|NONE",
                "/µL|/uL|NONE",
                "µg/L|ug/L|NONE",
                "mmHg|mm[Hg]|NONE",
                "%|%|NONE",
                "ng/mL{FEU}|ng/mL|FEU",
                "ng/mL FEU|ng/mL|FEU",
                "ng/mL feu|ng/mL|FEU",
                "ng/mL (DDU)|ng/mL|DDU",
                "µg/mL DDU|ug/mL|DDU",
                "FEU ng/mL|ng/mL|FEU",
                "mg/L {FEU}|mg/L|FEU",
                "' mg/L '|mg/L|NONE",
                "mm[Hg]|mm[Hg]|NONE",
                "kPa|kPa|NONE",
            })
    void shouldNormalizeToUcumAndSplitAssayWhenSpellingIsKnown(String unit, String ucum, AssayType assay) {
        assertThat(CONVERTER.normalize(unit)).isEqualTo(Result.ok(new UnitSpelling(ucum, assay)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void shouldNormalizeToDimensionlessWhenUnitIsBlank(String unit) {
        assertThat(CONVERTER.normalize(unit)).isEqualTo(Result.ok(new UnitSpelling("1", AssayType.NONE)));
    }

    @Test
    void shouldRejectAsIncompatibleWhenUnitNamesBothAssayTypes() {
        Result<UnitSpelling> result = CONVERTER.normalize("ng/mL {FEU} DDU");

        assertThat(result.rejection().code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
    }

    @Test
    void shouldReadKAsThousandsNotKelvinWhenCountingCells() {
        assertThat(CONVERTER.convert(5, "K/uL", "10*9/L").value()).isEqualTo(5.0);
    }

    @Test
    void shouldReadASitesOwnSpellingWhenTheConverterHasIt() {
        UnitConverter site = CONVERTER.withSpellings(Map.of("Mikrogramm/l", "ug/L", "mcg FEU/ml", "ug/mL FEU"));

        // 450 µg/L = 450 ng/mL; 0.5 µg/mL = 500 ng/mL, and the FEU annotation of the spelling's unit is kept.
        assertThat(site.convert(450, " Mikrogramm/l ", "ng/mL").value()).isEqualTo(450.0);
        assertThat(site.convert(0.5, "mcg FEU/ml", "ng/mL").value()).isEqualTo(500.0);
        assertThat(site.normalize("mcg FEU/ml").value()).isEqualTo(new UnitSpelling("ug/mL", AssayType.FEU));
        assertThat(CONVERTER.normalize("Mikrogramm/l").rejection().code()).isEqualTo(ErrorCode.UNKNOWN_UNIT);
    }
}
