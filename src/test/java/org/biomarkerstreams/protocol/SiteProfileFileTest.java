package org.biomarkerstreams.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.PlausibilityBounds;
import org.biomarkerstreams.domain.RangeIndicator;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SiteProfileFileTest {

    /** A site with one analyte of its own, a local code and a unit spelling; line numbers below count from 1. */
    private static final String SITE =
            """
            analytes:
              - paramcd: FERRITIN
                name: Ferritin
                unit: ng/mL
                referenceInterval: "<300"
                plausible: {min: 1, max: 100000, lowerLimit: detection-limit}
            codes:
              - {code: LAB-FER, analyte: FERRITIN}
            unitSpellings:
              Mikrogramm/l: ug/L
            """;

    private static SiteProfile site() {
        return SiteProfileFile.parse(SITE, "site.yaml");
    }

    private static String mistake(String yaml) {
        try {
            SiteProfileFile.parse(yaml, "site.yaml");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a mistake in\n" + yaml);
    }

    @Test
    void shouldEqualTheJavaDefaultsWhenBundled() {
        SiteProfile bundled = SiteProfileFile.bundled();

        assertThat(bundled).isEqualTo(SiteProfile.defaults());
        assertThat(bundled.analytes())
                .containsExactlyElementsOf(SiteProfile.defaults().analytes());
        assertThat(bundled.loincMappings())
                .containsExactlyElementsOf(SiteProfile.defaults().loincMappings());
        assertThat(bundled.unitSpellings()).isEmpty();
    }

    @Test
    void shouldReadEveryFieldWhenTheFileDefinesAnAnalyteOfItsOwn() {
        AnalyteDefinition ferritin = site().analyte("FERRITIN").orElseThrow();

        assertThat(ferritin.name()).isEqualTo("Ferritin");
        assertThat(ferritin.canonicalUnit()).isEqualTo("ng/mL");
        assertThat(ferritin.interval(AssayType.NONE)).contains(ReferenceInterval.below(300));
        assertThat(ferritin.bounds()).isEqualTo(PlausibilityBounds.detectable(1, 100_000));
        assertThat(site().byLoinc("LAB-FER").orElseThrow().paramcd()).isEqualTo("FERRITIN");
        assertThat(site().unitSpellings()).isEqualTo(Map.of("Mikrogramm/l", "ug/L"));
    }

    @Test
    void shouldNormalizeByLocalCodeAndSiteSpellingWhenTheProfileComesFromAFile() {
        ReadingNormalizer normalizer =
                new ReadingNormalizer(site(), new UnitConverter().withSpellings(site().unitSpellings()));

        NormalizedValue value =
                normalizer.normalize("LAB-FER", null, "450", "Mikrogramm/l").value();

        assertThat(value.analyte().paramcd()).isEqualTo("FERRITIN");
        assertThat(value.value()).isEqualTo(450.0);
        assertThat(value.rangeIndicator()).contains(RangeIndicator.HIGH);
        // 0.45 ng/mL is below the file's detection limit 1; as µg/mL or mg/L it would be 450.
        assertThat(normalizer.normalize("LAB-FER", null, "0.45", "ng/mL").rejection())
                .isEqualTo(new Rejection(
                        ErrorCode.IMPLAUSIBLE_VALUE,
                        "FERRITIN: 0.45 ng/mL is below any Ferritin assay's detection limit (1 ng/mL); was it µg/mL or"
                                + " mg/L?"));
    }

    @Test
    void shouldApplyTheProtocolsIntervalsOnTopWhenTheProtocolNamesAnAnalyteOfTheSite() {
        String protocol =
                """
                name: ferritin-study
                referenceIntervals:
                  FERRITIN: "<400"
                """;

        SiteProfile profile =
                ProtocolFile.parse(protocol, "p.yaml", Map.of(), site()).profile();

        assertThat(profile.analyte("FERRITIN").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.below(400));
    }

    @Test
    void shouldNameTheLineWhenAProtocolSetsAnIntervalOfAnAnalyteTheSiteLacks() {
        String protocol =
                """
                name: ferritin-study
                referenceIntervals:
                  CRP: "<5"
                  FERRITIN: "<400"
                """;

        assertThatThrownBy(() -> ProtocolFile.parse(protocol, "p.yaml", Map.of(), SiteProfile.defaults()))
                .hasMessageStartingWith("p.yaml: referenceIntervals.FERRITIN: unknown analyte (known: CRP, IL6,")
                .hasMessageEndingWith("(line 4, column 3)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            value = {
                // misspelt key
                "    name: Ferritin|    nmae: Ferritin|site.yaml: analytes[0].nmae: unknown field (expected one of"
                        + " [name, paramcd, plausible, referenceInterval, role, unit]) (line 3, column 5)",
                "    unit: ng/mL|    unit: furlongs|site.yaml: analytes[0].unit: 'furlongs' is not a unit (UCUM or a"
                        + " spelling like mg/dL, x10^9/L) (line 4, column 5)",
                "    unit: ng/mL|    unit: ng/mL FEU|site.yaml: analytes[0].unit: a canonical unit carries no assay"
                        + " type ('ng/mL FEU'); give D-dimer intervals per assay type (line 4, column 5)",
                "    referenceInterval: \"<300\"|    referenceInterval: about 300|site.yaml:"
                        + " analytes[0].referenceInterval: 'about 300' is not readable; expected an interval like"
                        + " \"<10\", \">300\" or \"1.1-3.2\" (line 5, column 5)",
                "    referenceInterval: \"<300\"|    referenceInterval: {FEU: \"<300\", XYZ: \"<1\"}|site.yaml:"
                        + " analytes[0].referenceInterval.XYZ: assay type must be FEU or DDU (line 5, column 38)",
                "min: 1, max: 100000|min: 10, max: 1|site.yaml: analytes[0].plausible.min: is above max 1.0 (line 6,"
                        + " column 17)",
                "min: 1, max: 100000|min: 0, max: 100000|site.yaml: analytes[0].plausible.min: a detection limit is"
                        + " above 0, got 0.0 (line 6, column 17)",
                "min: 1, max: 100000|min: one, max: 100000|site.yaml: analytes[0].plausible.min: expected a number,"
                        + " got 'one' (line 6, column 17)",
                "lowerLimit: detection-limit|lowerLimit: LoD|site.yaml: analytes[0].plausible.lowerLimit: expected"
                        + " physiological or detection-limit (below every assay's), got 'LoD' (line 6, column 38)",
                "analyte: FERRITIN}|analyte: FERITIN}|site.yaml: codes[0].analyte: 'FERITIN' is not one of the"
                        + " analytes [FERRITIN] (line 8, column 21)",
                "analyte: FERRITIN}|analyte: FERRITIN, assay: FEU}|site.yaml: codes[0].assay: FERRITIN has no"
                        + " intervals per assay type; only such an analyte (D-dimer) has FEU or DDU codes (line 8,"
                        + " column 40)",
                "code: LAB-FER|code: 4711|site.yaml: codes[0].code: write the code 4711 in quotes (\"4711\"): YAML"
                        + " reads it as a number (line 8, column 6)",
                "Mikrogramm/l: ug/L|Mikrogramm/l: furlongs|site.yaml: unitSpellings.Mikrogramm/l: 'furlongs' is not a"
                        + " unit (UCUM or a spelling like mg/dL, x10^9/L) (line 10, column 3)",
                "~    name: Ferritin~|~    name: Ferritin\\n    name: Ferritine~|site.yaml: not valid YAML: Duplicate field"
                        + " 'name' (line 4, column 9)",
                "~    name: Ferritin\\n~|~~|site.yaml: analytes[0].name: is required (line 2, column 5)"
            })
    void shouldNameTheFieldAndLineWhenTheFileHasAMistake(String written, String wrong, String message) {
        String yaml = SITE.replace(written.replace("\\n", "\n"), wrong.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(SITE);

        assertThat(mistake(yaml)).isEqualTo(message);
    }

    @Test
    void shouldNameTheRepeatedAnalyteWhenTheFileListsOneTwice() {
        String yaml = SITE.replace(
                "codes:",
                """
                  - paramcd: ferritin
                    name: Ferritin again
                    unit: ug/L
                    plausible: {min: 0, max: 1}
                codes:""");

        assertThat(mistake(yaml))
                .isEqualTo("site.yaml: analytes[1].paramcd: 'FERRITIN' is listed twice (line 7, column 5)");
    }

    @Test
    void shouldAskForAnAssayTypeWhenADdimerCodeHasNone() {
        String yaml =
                """
                analytes:
                  - paramcd: DDIMER
                    name: D-dimer
                    unit: ng/mL
                    referenceInterval: {FEU: "<500"}
                    plausible: {min: 10, max: 1000000, lowerLimit: detection-limit}
                codes:
                  - {code: 48065-7, analyte: DDIMER}
                """;

        assertThat(mistake(yaml))
                .isEqualTo("site.yaml: codes[0].assay: DDIMER has intervals per assay type, so each of its codes says"
                        + " FEU or DDU (line 8, column 5)");
    }

    @Test
    void shouldSayWhatTheTopLevelHoldsWhenTheFileIsAList() {
        assertThat(mistake("- CRP\n"))
                .isEqualTo("site.yaml: expected a mapping of site profile fields (analytes, codes, unitSpellings,"
                        + " labs) at"
                        + " the top level");
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead(@TempDir Path dir) {
        assertThatThrownBy(() -> SiteProfileFile.load(dir.resolve("missing.yaml")))
                .hasMessageContaining("missing.yaml: not a readable file");
    }

    @Test
    void shouldReadTheSameProfileWhenLoadedFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("site.yaml"), SITE, StandardCharsets.UTF_8);

        assertThat(SiteProfileFile.load(file)).isEqualTo(site());
    }

    /** Two labs with their own intervals; line numbers below count from 1. */
    private static final String LABS =
            """
            analytes:
              - paramcd: CRP
                name: C-reactive protein
                unit: mg/L
                referenceInterval: "<10"
                plausible: {min: 0.01, max: 1000}
              - paramcd: DDIMER
                name: D-dimer
                unit: ng/mL
                referenceInterval: {FEU: "<500", DDU: "<243"}
                plausible: {min: 10, max: 1000000}
            labs:
              - source: hl7:CENTRAL-LAB
                referenceIntervals: {CRP: "<5", DDIMER: {FEU: "<550"}}
              - source: hl7:WARD-POC
                referenceIntervals:
                  CRP: "0-8"
            """;

    @Test
    void shouldGiveEachLabItsOwnIntervalWhenTheFileListsLabs() {
        SiteProfile profile = SiteProfileFile.parse(LABS, "site.yaml");
        AnalyteDefinition crp = profile.analyte("CRP").orElseThrow();
        AnalyteDefinition ddimer = profile.analyte("DDIMER").orElseThrow();

        assertThat(crp.interval(AssayType.NONE, "hl7:CENTRAL-LAB")).contains(ReferenceInterval.below(5));
        assertThat(crp.interval(AssayType.NONE, "hl7:WARD-POC")).contains(ReferenceInterval.between(0, 8));
        // Another lab, a file (source ndjson) or no source: the analyte's own interval.
        assertThat(crp.interval(AssayType.NONE, "hl7:OTHER")).contains(ReferenceInterval.below(10));
        assertThat(crp.interval(AssayType.NONE, "ndjson")).contains(ReferenceInterval.below(10));
        assertThat(crp.interval(AssayType.NONE, null)).contains(ReferenceInterval.below(10));
        // The lab gives only FEU: its DDU results keep the analyte's DDU interval.
        assertThat(ddimer.interval(AssayType.FEU, "hl7:CENTRAL-LAB")).contains(ReferenceInterval.below(550));
        assertThat(ddimer.interval(AssayType.DDU, "hl7:CENTRAL-LAB")).contains(ReferenceInterval.below(243));
    }

    @Test
    void shouldKeepTheLabsIntervalWhenAProtocolOverridesTheAnalytes() {
        String protocol =
                """
                name: crp-study
                referenceIntervals:
                  CRP: "<8"
                """;

        AnalyteDefinition crp = ProtocolFile.parse(protocol, "p.yaml", Map.of(), SiteProfileFile.parse(LABS, "s.yaml"))
                .profile()
                .analyte("CRP")
                .orElseThrow();

        assertThat(crp.interval(AssayType.NONE, "hl7:OTHER")).contains(ReferenceInterval.below(8));
        assertThat(crp.interval(AssayType.NONE, "hl7:CENTRAL-LAB")).contains(ReferenceInterval.below(5));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '~',
            value = {
                // an analyte the file does not define
                "CRP: \"0-8\"|FERRITIN: \"0-8\"|site.yaml: labs[1].referenceIntervals.FERRITIN: 'FERRITIN' is not one"
                        + " of the analytes [CRP, DDIMER] (line 17, column 7)",
                // low above high
                "CRP: \"0-8\"|CRP: \"8-0\"|site.yaml: labs[1].referenceIntervals.CRP: '8-0' is empty (low above high);"
                        + " expected an interval like \"<10\", \">300\" or \"1.1-3.2\" (line 17, column 7)",
                // the same lab twice, in another case
                "hl7:WARD-POC|HL7:central-lab|site.yaml: labs[1].source: 'HL7:central-lab' is listed twice (also"
                        + " labs[0]): give each lab one entry (line 15, column 5)",
                // D-dimer without its assay type
                "DDIMER: {FEU: \"<550\"}|DDIMER: \"<550\"|site.yaml: labs[0].referenceIntervals.DDIMER: DDIMER has"
                        + " intervals per assay type, so this lab's are too, e.g. {FEU: \"<550\"}: FEU and DDU are never"
                        + " converted into each other (line 14, column 37)",
                // an assay type for an analyte without
                "CRP: \"0-8\"|CRP: {FEU: \"<8\"}|site.yaml: labs[1].referenceIntervals.CRP: CRP has one interval, not"
                        + " one per assay type: write it like \"<5\" (line 17, column 7)",
                // a facility without the hl7: of the readings' source
                "source: hl7:WARD-POC|source: WARD-POC|site.yaml: labs[1].source: 'WARD-POC' is not a reading source:"
                        + " HL7 results from sending facility WARD-POC have the source hl7:WARD-POC; file readings"
                        + " (NDJSON, CSV) have ndjson (line 15, column 5)",
                "  - source: hl7:WARD-POC|  - sourse: hl7:WARD-POC|site.yaml: labs[1].sourse: unknown field (expected"
                        + " one of [referenceIntervals, source]) (line 15, column 5)",
                "~    referenceIntervals:\\n      CRP: \"0-8\"\\n~|~~|site.yaml: labs[1].referenceIntervals: is"
                        + " required: this lab's intervals by analyte, e.g. {CRP: \"<5\"} (line 15, column 5)"
            })
    void shouldNameTheLabAndLineWhenItsIntervalsAreWrong(String written, String wrong, String message) {
        String yaml = LABS.replace(written.replace("\\n", "\n"), wrong.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(LABS);

        assertThat(mistake(yaml)).isEqualTo(message);
    }
}
