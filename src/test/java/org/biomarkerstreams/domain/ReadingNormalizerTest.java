package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReadingNormalizerTest {

    private static final String CRP_LOINC = "1988-5";
    private static final String IL6_LOINC = "26881-3";
    private static final String DDIMER_FEU_LOINC = "48065-7";
    private static final String DDIMER_DDU_LOINC = "48066-5";
    private static final UnitConverter CONVERTER = new UnitConverter();
    private static final ReadingNormalizer NORMALIZER = new ReadingNormalizer(SiteProfile.defaults(), CONVERTER);

    @Test
    void shouldNormalizeToCanonicalValueWhenReadingIsValid() {
        NormalizedValue value =
                NORMALIZER.normalize(CRP_LOINC, null, "12", "mg/L").value();

        assertThat(value.analyte().paramcd()).isEqualTo("CRP");
        assertThat(value.canonical()).isEqualTo(new Quantity(12, "mg/L"));
        assertThat(value.comparator()).isEqualTo(Comparator.EQ);
        assertThat(value.assayType()).isEqualTo(AssayType.NONE);
        assertThat(value.interval()).contains(ReferenceInterval.below(10));
        assertThat(value.rangeIndicator()).contains(RangeIndicator.HIGH);
    }

    @Test
    void shouldConvertToCanonicalUnitWhenSentInAnotherUnit() {
        NormalizedValue value =
                NORMALIZER.normalize(CRP_LOINC, null, "0.8", "mg/dL").value();

        assertThat(value.value()).isCloseTo(8.0, within(1e-12));
        assertThat(value.rangeIndicator()).contains(RangeIndicator.NORMAL);
    }

    @Test
    void shouldKeepComparatorWhenValueIsBelowDetectionLimit() {
        NormalizedValue value =
                NORMALIZER.normalize(CRP_LOINC, null, "<0.5", "mg/L").value();

        assertThat(value.comparator()).isEqualTo(Comparator.LT);
        assertThat(value.value()).isEqualTo(0.5);
    }

    @Test
    void shouldUseLoincWhenBothCodesAreSent() {
        NormalizedValue value =
                NORMALIZER.normalize(IL6_LOINC, "CRP", "12", "pg/mL").value();

        assertThat(value.analyte().paramcd()).isEqualTo("IL6");
    }

    @Test
    void shouldResolveAnalyteByParamcdWhenLoincIsAbsent() {
        assertThat(NORMALIZER
                        .normalize(null, "lymph", "1.2", "10^9/L")
                        .value()
                        .analyte()
                        .paramcd())
                .isEqualTo("LYMPH");
        assertThat(NORMALIZER
                        .normalize(" ", "LYMPH", "1200", "cells/µL")
                        .value()
                        .value())
                .isEqualTo(1.2);
    }

    @Test
    void shouldRejectAsMissingWhenBothCodesAreAbsent() {
        Rejection rejection = NORMALIZER.normalize(null, " ", "12", "mg/L").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejection.message()).contains("LOINC").contains("analyte code");
    }

    @Test
    void shouldRejectAsUnknownAnalyteWhenLoincIsNotInProfileEvenIfParamcdIs() {
        Rejection rejection =
                NORMALIZER.normalize("9999-9", "CRP", "12", "mg/L").rejection();

        assertThat(rejection)
                .isEqualTo(new Rejection(ErrorCode.UNKNOWN_ANALYTE, "LOINC code '9999-9' is not in the site profile"));
    }

    @Test
    void shouldRejectAsUnknownAnalyteWhenParamcdIsNotInProfile() {
        Rejection rejection =
                NORMALIZER.normalize(null, "FERRITIN", "12", "ng/mL").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.UNKNOWN_ANALYTE);
        assertThat(rejection.message()).contains("'FERRITIN'");
    }

    @Test
    void shouldCheckAnalyteBeforeValueWhenBothAreBad() {
        assertThat(NORMALIZER
                        .normalize("9999-9", null, "abc", "furlongs")
                        .rejection()
                        .code())
                .isEqualTo(ErrorCode.UNKNOWN_ANALYTE);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(
            value = {"'',MISSING_FIELD", "abc,NON_NUMERIC", "12 mg,NON_NUMERIC", "NaN,IMPLAUSIBLE_VALUE"},
            emptyValue = "")
    void shouldRejectWithValueCodeWhenValueIsBadEvenIfUnitIsToo(String text, ErrorCode code) {
        Rejection rejection =
                NORMALIZER.normalize(CRP_LOINC, null, text, "furlongs").rejection();

        assertThat(rejection.code()).isEqualTo(code);
        assertThat(rejection.message()).startsWith("CRP: ");
    }

    @Test
    void shouldRejectAsMissingWhenValueIsNull() {
        assertThat(NORMALIZER.normalize(CRP_LOINC, null, null, "mg/L").rejection())
                .isEqualTo(new Rejection(ErrorCode.MISSING_FIELD, "CRP: value is missing"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void shouldRejectAsMissingWhenUnitIsBlankAndAnalyteHasAUnit(String unit) {
        Rejection rejection = NORMALIZER.normalize(CRP_LOINC, null, "12", unit).rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejection.message()).contains("unit is missing").contains("mg/L");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "1", "fraction"})
    void shouldAcceptFractionWhenFio2HasNoUnit(String unit) {
        NormalizedValue value =
                NORMALIZER.normalize("3150-0", null, "0.4", unit).value();

        assertThat(value.canonical()).isEqualTo(new Quantity(0.4, "1"));
        assertThat(value.interval()).isEmpty();
        assertThat(value.rangeIndicator()).isEmpty();
    }

    @Test
    void shouldConvertPercentToFractionWhenFio2IsInPercent() {
        assertThat(NORMALIZER.normalize("3150-0", null, "21", "%").value().value())
                .isEqualTo(0.21);
    }

    @Test
    void shouldRejectAsImplausibleWhenFio2PercentIsSentWithoutUnit() {
        Rejection rejection = NORMALIZER.normalize("3150-0", null, "21", null).rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(rejection.message())
                .contains("FIO2")
                .contains("21 (no unit)")
                .endsWith("was it %?");
    }

    @Test
    void shouldRejectAsUnknownUnitNamingItWhenUnitIsNotAUnit() {
        Rejection rejection =
                NORMALIZER.normalize(CRP_LOINC, null, "12", "mg/foo").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.UNKNOWN_UNIT);
        assertThat(rejection.message()).contains("'mg/foo'").startsWith("CRP: ");
    }

    @Test
    void shouldRejectAsIncompatibleWhenLymphocytesAreSentAsMass() {
        Rejection rejection = NORMALIZER.normalize("731-0", null, "1.2", "mg/L").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejection.message()).contains("LYMPH").contains("'mg/L'").contains("10*9/L");
    }

    @Test
    void shouldCheckUnitBeforeBoundsWhenBothAreBad() {
        assertThat(NORMALIZER
                        .normalize("731-0", null, "1e9", "mg/L")
                        .rejection()
                        .code())
                .isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
    }

    @Test
    void shouldTakeAssayTypeFromLoincWhenUnitHasNoAnnotation() {
        NormalizedValue feu =
                NORMALIZER.normalize(DDIMER_FEU_LOINC, null, "0.3", "µg/mL").value();
        NormalizedValue ddu =
                NORMALIZER.normalize(DDIMER_DDU_LOINC, null, "0.3", "µg/mL").value();

        assertThat(feu.assayType()).isEqualTo(AssayType.FEU);
        assertThat(ddu.assayType()).isEqualTo(AssayType.DDU);
        // The same 300 ng/mL is normal as FEU (< 500) and high as DDU (< 243): never converted, each by its own.
        assertThat(feu.value()).isEqualTo(300.0);
        assertThat(ddu.value()).isEqualTo(300.0);
        assertThat(feu.rangeIndicator()).contains(RangeIndicator.NORMAL);
        assertThat(ddu.rangeIndicator()).contains(RangeIndicator.HIGH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ng/mL FEU", "ng/mL{FEU}", "ng/mL (feu)"})
    void shouldAcceptAnnotationWhenItAgreesWithLoinc(String unit) {
        assertThat(NORMALIZER
                        .normalize(DDIMER_FEU_LOINC, null, "400", unit)
                        .value()
                        .assayType())
                .isEqualTo(AssayType.FEU);
    }

    @Test
    void shouldRejectAsIncompatibleWhenDduUnitMeetsFeuLoinc() {
        Rejection rejection =
                NORMALIZER.normalize(DDIMER_FEU_LOINC, null, "400", "ng/mL DDU").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejection.message()).contains("DDU").contains("FEU").contains(DDIMER_FEU_LOINC);
    }

    @Test
    void shouldRejectAsIncompatibleWhenFeuUnitMeetsDduLoinc() {
        Rejection rejection = NORMALIZER
                .normalize(DDIMER_DDU_LOINC, null, "400", "ng/mL{FEU}")
                .rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejection.message()).contains("says FEU").contains("DDU assay");
    }

    @Test
    void shouldTakeAssayTypeFromUnitWhenDdimerIsNamedByParamcd() {
        assertThat(NORMALIZER.normalize(null, "DDIMER", "0.4", "µg/mL DDU").value())
                .satisfies(v -> assertThat(v.assayType()).isEqualTo(AssayType.DDU))
                .satisfies(v -> assertThat(v.value()).isEqualTo(400.0));
        assertThat(NORMALIZER
                        .normalize(null, "DDIMER", "400", "ng/mL FEU")
                        .value()
                        .assayType())
                .isEqualTo(AssayType.FEU);
    }

    @Test
    void shouldRejectAsIncompatibleWhenDdimerAssayTypeIsUnknown() {
        Rejection rejection =
                NORMALIZER.normalize(null, "DDIMER", "400", "ng/mL").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejection.message()).contains("assay type is unknown");
    }

    @Test
    void shouldRejectAsIncompatibleWhenNonDdimerCarriesAssayAnnotation() {
        Rejection rejection =
                NORMALIZER.normalize(CRP_LOINC, null, "12", "mg/L FEU").rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
        assertThat(rejection.message()).contains("only D-dimer");
    }

    @Test
    void shouldCheckUnitBeforeAssayGuardWhenBothAreBad() {
        assertThat(NORMALIZER
                        .normalize(null, "DDIMER", "400", "furlongs FEU")
                        .rejection()
                        .code())
                .isEqualTo(ErrorCode.UNKNOWN_UNIT);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        "1988-5,1001,mg/L",
        "1988-5,-1,mg/L",
        "1988-5,150,mg/dL",
        "731-0,600,10*9/L",
        "26881-3,100001,pg/mL",
        "48065-7,1000001,ng/mL",
        "50984-4,5,mmHg",
        "50984-4,801,mmHg",
        "2703-7,900,mmHg",
        "3150-0,0.2,1",
        "3150-0,101,%"
    })
    void shouldRejectAsImplausibleWhenCanonicalValueIsOutsideBounds(String loinc, String value, String unit) {
        Rejection rejection = NORMALIZER.normalize(loinc, null, value, unit).rejection();

        assertThat(rejection.code()).isEqualTo(ErrorCode.IMPLAUSIBLE_VALUE);
        assertThat(rejection.message()).contains(value + " " + unit);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"1988-5,1000,mg/L", "1988-5,0.01,mg/L", "2703-7,10,mm[Hg]", "3150-0,100,%", "3150-0,0.21,1"})
    void shouldAcceptValueWhenOnPlausibilityBound(String loinc, String value, String unit) {
        assertThat(NORMALIZER.normalize(loinc, null, value, unit).isOk()).isTrue();
    }

    @Test
    void shouldConvertKilopascalToMmHgWhenPaO2IsInKpa() {
        NormalizedValue value =
                NORMALIZER.normalize("2703-7", null, "10.6", "kPa").value();

        assertThat(value.canonical().unit()).isEqualTo("mm[Hg]");
        assertThat(value.value()).isCloseTo(79.507, within(1e-3));
        assertThat(value.rangeIndicator()).contains(RangeIndicator.LOW);
    }

    @Test
    void shouldClassifyAgainstOverriddenIntervalWhenProfileIsOverridden() {
        ReadingNormalizer strict = new ReadingNormalizer(
                SiteProfile.defaults().withInterval("CRP", AssayType.NONE, ReferenceInterval.below(5)), CONVERTER);

        assertThat(strict.normalize(CRP_LOINC, null, "8", "mg/L").value().rangeIndicator())
                .contains(RangeIndicator.HIGH);
        assertThat(NORMALIZER.normalize(CRP_LOINC, null, "8", "mg/L").value().rangeIndicator())
                .contains(RangeIndicator.NORMAL);
    }

    @Test
    void shouldResolveLocalCodeWhenProfileMapsIt() {
        ReadingNormalizer site = new ReadingNormalizer(
                SiteProfile.defaults().withLoinc(new LoincMapping("DD-LOCAL", "DDIMER", AssayType.DDU)), CONVERTER);

        NormalizedValue value = site.normalize("DD-LOCAL", null, "250", "ng/mL").value();

        assertThat(value.assayType()).isEqualTo(AssayType.DDU);
        assertThat(value.rangeIndicator()).contains(RangeIndicator.HIGH);
    }
}
