package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SiteProfileTest {

    private static final SiteProfile DEFAULTS = SiteProfile.defaults();

    @Test
    void shouldListAnalytesInStableOrderWhenDefault() {
        assertThat(DEFAULTS.analytes())
                .extracting(AnalyteDefinition::paramcd)
                .containsExactly("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO", "PCT", "WBC", "PAO2", "FIO2");
        assertThat(DEFAULTS.primaryAnalytes())
                .extracting(AnalyteDefinition::paramcd)
                .containsExactly("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO", "PCT", "WBC");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
        "CRP,mg/L,PRIMARY",
        "IL6,pg/mL,PRIMARY",
        "LYMPH,10*9/L,PRIMARY",
        "DDIMER,ng/mL,PRIMARY",
        "PFRATIO,mm[Hg],PRIMARY",
        "PCT,ng/mL,PRIMARY",
        "WBC,10*9/L,PRIMARY",
        "PAO2,mm[Hg],COMPONENT",
        "FIO2,1,COMPONENT"
    })
    void shouldUseDesignTableUnitsAndRolesWhenDefault(String paramcd, String unit, AnalyteRole role) {
        AnalyteDefinition analyte = DEFAULTS.analyte(paramcd).orElseThrow();

        assertThat(analyte.canonicalUnit()).isEqualTo(unit);
        assertThat(analyte.role()).isEqualTo(role);
    }

    @Test
    void shouldUseDesignTableIntervalsWhenDefault() {
        assertThat(interval("CRP", AssayType.NONE)).isEqualTo(ReferenceInterval.below(10));
        assertThat(interval("IL6", AssayType.NONE)).isEqualTo(ReferenceInterval.below(7));
        assertThat(interval("LYMPH", AssayType.NONE)).isEqualTo(ReferenceInterval.between(1.1, 3.2));
        assertThat(interval("DDIMER", AssayType.DDU)).isEqualTo(ReferenceInterval.below(243));
        assertThat(interval("DDIMER", AssayType.FEU)).isEqualTo(ReferenceInterval.below(500));
        assertThat(interval("PFRATIO", AssayType.NONE)).isEqualTo(ReferenceInterval.above(300));
        assertThat(interval("PAO2", AssayType.NONE)).isEqualTo(ReferenceInterval.between(80, 100));
        assertThat(interval("PCT", AssayType.NONE)).isEqualTo(ReferenceInterval.below(0.05));
        assertThat(interval("WBC", AssayType.NONE)).isEqualTo(ReferenceInterval.between(3.5, 9.5));
        assertThat(DEFAULTS.analyte("FIO2").orElseThrow().intervals()).isEmpty();
    }

    @Test
    void shouldHaveNoAssayFreeIntervalWhenAnalyteIsDdimer() {
        AnalyteDefinition ddimer = DEFAULTS.analyte("DDIMER").orElseThrow();

        assertThat(ddimer.requiresAssayType()).isTrue();
        assertThat(ddimer.interval(AssayType.NONE)).isEmpty();
        assertThat(DEFAULTS.analyte("CRP").orElseThrow().interval(AssayType.FEU))
                .isEmpty();
    }

    @Test
    void shouldUseDocumentedPlausibilityBoundsWhenDefault() {
        assertThat(DEFAULTS.analyte("CRP").orElseThrow().bounds()).isEqualTo(PlausibilityBounds.detectable(0.01, 1000));
        assertThat(DEFAULTS.analyte("IL6").orElseThrow().bounds())
                .isEqualTo(PlausibilityBounds.detectable(0.01, 100_000));
        assertThat(DEFAULTS.analyte("LYMPH").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(0, 500));
        assertThat(DEFAULTS.analyte("DDIMER").orElseThrow().bounds())
                .isEqualTo(PlausibilityBounds.detectable(10, 1_000_000));
        assertThat(DEFAULTS.analyte("PCT").orElseThrow().bounds())
                .isEqualTo(PlausibilityBounds.detectable(0.005, 1000));
        assertThat(DEFAULTS.analyte("WBC").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(0, 1000));
        assertThat(DEFAULTS.analyte("PFRATIO").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(10, 800));
        assertThat(DEFAULTS.analyte("PAO2").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(10, 800));
        assertThat(DEFAULTS.analyte("FIO2").orElseThrow().bounds()).isEqualTo(new PlausibilityBounds(0.21, 1.0));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "1988-5,CRP,NONE",
        "30522-7,CRP,NONE",
        "71426-1,CRP,NONE",
        "26881-3,IL6,NONE",
        "731-0,LYMPH,NONE",
        "26474-7,LYMPH,NONE",
        "732-8,LYMPH,NONE",
        "30364-4,LYMPH,NONE",
        "48065-7,DDIMER,FEU",
        "48067-3,DDIMER,FEU",
        "71427-9,DDIMER,FEU",
        "48066-5,DDIMER,DDU",
        "48058-2,DDIMER,DDU",
        "91556-1,DDIMER,DDU",
        "50984-4,PFRATIO,NONE",
        "2703-7,PAO2,NONE",
        "3150-0,FIO2,NONE",
        "33959-8,PCT,NONE",
        "6690-2,WBC,NONE",
        "26464-8,WBC,NONE"
    })
    void shouldMapDesignTableLoincsWhenDefault(String loinc, String paramcd, AssayType assay) {
        assertThat(DEFAULTS.byLoinc(loinc)).contains(new LoincMapping(loinc, paramcd, assay));
    }

    @Test
    void shouldFindAnalyteIgnoringCaseAndBlanksWhenLookingUpByCode() {
        assertThat(DEFAULTS.analyte("crp")).isEqualTo(DEFAULTS.analyte("CRP"));
        assertThat(DEFAULTS.analyte(" DDimer ")).isEqualTo(DEFAULTS.analyte("DDIMER"));
        assertThat(DEFAULTS.analyte("XYZ")).isEmpty();
        assertThat(DEFAULTS.analyte(null)).isEmpty();
        assertThat(DEFAULTS.byLoinc(" 1988-5 ")).isPresent();
        assertThat(DEFAULTS.byLoinc("0000-0")).isEmpty();
        assertThat(DEFAULTS.byLoinc(null)).isEmpty();
    }

    @Test
    void shouldOverrideOnlyThatIntervalWhenProtocolSetsOne() {
        SiteProfile strict = DEFAULTS.withInterval("crp", AssayType.NONE, ReferenceInterval.below(5));

        assertThat(strict.analyte("CRP").orElseThrow().interval(AssayType.NONE)).contains(ReferenceInterval.below(5));
        assertThat(DEFAULTS.analyte("CRP").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.below(10));
        assertThat(strict.analytes()).extracting(AnalyteDefinition::paramcd).startsWith("CRP", "IL6", "LYMPH");
        assertThat(strict.analyte("IL6")).isEqualTo(DEFAULTS.analyte("IL6"));
    }

    @Test
    void shouldOverrideOneAssayTypeWhenDdimerIntervalChanges() {
        SiteProfile site = DEFAULTS.withInterval("DDIMER", AssayType.FEU, ReferenceInterval.below(550));

        assertThat(site.analyte("DDIMER").orElseThrow().interval(AssayType.FEU)).contains(ReferenceInterval.below(550));
        assertThat(site.analyte("DDIMER").orElseThrow().interval(AssayType.DDU)).contains(ReferenceInterval.below(243));
    }

    @Test
    void shouldRefuseOverrideWhenAnalyteOrAssayTypeDoesNotFit() {
        assertThatThrownBy(() -> DEFAULTS.withInterval("XYZ", AssayType.NONE, ReferenceInterval.below(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("XYZ");
        assertThatThrownBy(() -> DEFAULTS.withInterval("DDIMER", AssayType.NONE, ReferenceInterval.below(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEFAULTS.withInterval("CRP", AssayType.FEU, ReferenceInterval.below(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMapLocalCodeWhenAdded() {
        SiteProfile site = DEFAULTS.withLoinc(new LoincMapping("LOCAL-DD", "ddimer", AssayType.DDU));

        assertThat(site.byLoinc("LOCAL-DD")).contains(new LoincMapping("LOCAL-DD", "DDIMER", AssayType.DDU));
        assertThat(DEFAULTS.byLoinc("LOCAL-DD")).isEmpty();
    }

    @Test
    void shouldReplaceMappingWhenSameCodeIsAddedAgain() {
        SiteProfile site = DEFAULTS.withLoinc(new LoincMapping("1988-5", "IL6", AssayType.NONE));

        assertThat(site.byLoinc("1988-5").orElseThrow().paramcd()).isEqualTo("IL6");
    }

    @Test
    void shouldRefuseMappingWhenAnalyteUnknownOrAssayTypeMissing() {
        assertThatThrownBy(() -> DEFAULTS.withLoinc(new LoincMapping("X", "NOPE", AssayType.NONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOPE");
        assertThatThrownBy(() -> DEFAULTS.withLoinc(new LoincMapping("X", "DDIMER", AssayType.NONE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FEU or DDU");
        assertThatThrownBy(() -> DEFAULTS.withLoinc(new LoincMapping("X", "CRP", AssayType.FEU)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAppendNewAnalyteWhenAdded() {
        AnalyteDefinition ferritin = new AnalyteDefinition(
                "ferritin",
                "Ferritin",
                "ng/mL",
                AnalyteRole.PRIMARY,
                Map.of(AssayType.NONE, ReferenceInterval.between(30, 400)),
                new PlausibilityBounds(0, 100_000));

        SiteProfile site =
                DEFAULTS.withAnalyte(ferritin).withLoinc(new LoincMapping("2276-4", "FERRITIN", AssayType.NONE));

        assertThat(site.analytes()).extracting(AnalyteDefinition::paramcd).endsWith("FIO2", "FERRITIN");
        assertThat(site.primaryAnalytes())
                .extracting(AnalyteDefinition::paramcd)
                .endsWith("WBC", "FERRITIN");
        assertThat(site.byLoinc("2276-4").orElseThrow().paramcd()).isEqualTo("FERRITIN");
    }

    @Test
    void shouldRefuseDuplicatesWhenBuiltFromLists() {
        AnalyteDefinition crp = DEFAULTS.analyte("CRP").orElseThrow();

        assertThatThrownBy(() -> SiteProfile.of(List.of(crp, crp), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        LoincMapping mapping = new LoincMapping("1988-5", "CRP", AssayType.NONE);
        assertThatThrownBy(() -> SiteProfile.of(List.of(crp), List.of(mapping, mapping)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseMixingAssayFreeAndAssayTypedIntervalsWhenDefiningAnalyte() {
        assertThatThrownBy(() -> new AnalyteDefinition(
                        "X",
                        "X",
                        "ng/mL",
                        AnalyteRole.PRIMARY,
                        Map.of(AssayType.NONE, ReferenceInterval.below(1), AssayType.FEU, ReferenceInterval.below(2)),
                        new PlausibilityBounds(0, 10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldBeEqualWhenBuiltTheSameWay() {
        assertThat(DEFAULTS.withInterval("CRP", AssayType.NONE, ReferenceInterval.below(5)))
                .isEqualTo(DEFAULTS.withInterval("CRP", AssayType.NONE, ReferenceInterval.below(5)))
                .isNotEqualTo(DEFAULTS);
    }

    private static ReferenceInterval interval(String paramcd, AssayType assay) {
        return DEFAULTS.analyte(paramcd).orElseThrow().interval(assay).orElseThrow();
    }

    @Test
    void shouldClassifyByTheLabsIntervalWhenTheReadingComesFromThatLab() {
        SiteProfile profile = DEFAULTS.withLabInterval(
                        "hl7:CENTRAL-LAB", "CRP", AssayType.NONE, ReferenceInterval.below(5))
                .withLabInterval("hl7:WARD-POC", "CRP", AssayType.NONE, ReferenceInterval.below(15));
        AnalyteDefinition crp = profile.analyte("CRP").orElseThrow();

        // CRP 8 mg/L: HIGH against lab A's < 5, NORMAL against lab B's < 15 and the default < 10.
        assertThat(crp.interval(AssayType.NONE, "hl7:CENTRAL-LAB").orElseThrow().classify(8))
                .isEqualTo(RangeIndicator.HIGH);
        assertThat(crp.interval(AssayType.NONE, "hl7:WARD-POC").orElseThrow().classify(8))
                .isEqualTo(RangeIndicator.NORMAL);
        assertThat(crp.interval(AssayType.NONE, " hl7:central-lab ")).contains(ReferenceInterval.below(5));
        assertThat(crp.interval(AssayType.NONE, "hl7:ELSEWHERE")).contains(ReferenceInterval.below(10));
        assertThat(crp.interval(AssayType.NONE, null)).contains(ReferenceInterval.below(10));
        assertThat(profile.analyte("IL6").orElseThrow().interval(AssayType.NONE, "hl7:CENTRAL-LAB"))
                .contains(ReferenceInterval.below(7));
    }

    @Test
    void shouldKeepTheLabsIntervalWhenAProtocolOverridesTheDefault() {
        SiteProfile profile = DEFAULTS.withLabInterval("hl7:A", "DDIMER", AssayType.FEU, ReferenceInterval.below(550))
                .withInterval("DDIMER", AssayType.FEU, ReferenceInterval.below(450));
        AnalyteDefinition ddimer = profile.analyte("DDIMER").orElseThrow();

        assertThat(ddimer.interval(AssayType.FEU, "hl7:A")).contains(ReferenceInterval.below(550));
        assertThat(ddimer.interval(AssayType.FEU, "hl7:B")).contains(ReferenceInterval.below(450));
        // The lab has no DDU interval: its DDU results keep the profile's.
        assertThat(ddimer.interval(AssayType.DDU, "hl7:A")).contains(ReferenceInterval.below(243));
    }

    @Test
    void shouldRefuseALabIntervalWhenAnalyteOrAssayTypeDoesNotFit() {
        ReferenceInterval interval = ReferenceInterval.below(5);

        assertThatThrownBy(() -> DEFAULTS.withLabInterval("hl7:A", "FERRITIN", AssayType.NONE, interval))
                .hasMessageContaining("unknown analyte FERRITIN");
        assertThatThrownBy(() -> DEFAULTS.withLabInterval("hl7:A", "DDIMER", AssayType.NONE, interval))
                .hasMessageContaining("FEU or DDU");
        assertThatThrownBy(() -> DEFAULTS.withLabInterval("hl7:A", "CRP", AssayType.FEU, interval))
                .hasMessageContaining("NONE");
        assertThatThrownBy(() -> DEFAULTS.withLabInterval(" ", "CRP", AssayType.NONE, interval))
                .hasMessageContaining("needs the lab's source");
    }

    @Test
    void shouldDifferWhenOnlyALabIntervalDiffers() {
        assertThat(DEFAULTS.withLabInterval("hl7:A", "CRP", AssayType.NONE, ReferenceInterval.below(5)))
                .isNotEqualTo(DEFAULTS)
                .isEqualTo(DEFAULTS.withLabInterval("HL7:a", "CRP", AssayType.NONE, ReferenceInterval.below(5)));
    }
}
