package org.biomarkerstreams.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.BaselineRule;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.VisitWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolFileTest {

    private static final String MINIMAL = "name: trial\n";

    private static ProtocolFile.Loaded parse(String yaml) {
        return ProtocolFile.parse(yaml, "trial.yaml", Map.of());
    }

    @Test
    void shouldTakeDefaultsForEverythingButTheNameWhenOnlyTheNameIsGiven() {
        ProtocolFile.Loaded loaded = parse(MINIMAL);

        Protocol defaults = Protocol.defaults();
        assertThat(loaded.protocol().name()).isEqualTo("trial");
        assertThat(loaded.protocol().zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(loaded.protocol().visits()).isEqualTo(defaults.visits());
        assertThat(loaded.protocol().followUp()).isEqualTo(defaults.followUp());
        assertThat(loaded.protocol().blinding().blinded()).isFalse();
        assertThat(loaded.profile()).isEqualTo(SiteProfile.defaults());
        assertThat(loaded.table().layout()).isEqualTo(ProtocolFile.Layout.ARMS);
        assertThat(loaded.demo()).isEmpty();
    }

    @Test
    void shouldReadEveryRuleWhenAllAreGiven() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: full
                title: A trial
                timeZone: Asia/Shanghai
                dayConvention: PDY
                visits:
                  - {name: D10, target: 10, low: 9, high: 11}
                baselineWindowDays: 3
                followUpDays: 14
                confirmations: 48h
                closeGraceDays: 2
                strata: [severity]
                arms: [A, B]
                locf: true
                """);

        Protocol p = loaded.protocol();
        assertThat(p.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(p.visits()).containsExactly(new VisitWindow("D10", 10, 9, 11));
        assertThat(p.baselineWindow()).isEqualTo(Duration.ofDays(3));
        assertThat(p.followUp()).isEqualTo(Duration.ofDays(14));
        assertThat(p.confirmation()).isEqualTo(new Confirmation.NormalFor(Duration.ofHours(48)));
        assertThat(p.closeGrace()).isEqualTo(Duration.ofDays(2));
        assertThat(p.strata()).containsExactly("severity");
        assertThat(p.locf()).isTrue();
        assertThat(loaded.arms()).containsExactly("A", "B");
        assertThat(loaded.title()).isEqualTo("A trial");
    }

    @ParameterizedTest
    @CsvSource({"7, 6, 8, 6, 5, 7", "1, -1, 2, 0, -1, 1", "28, 25, 31, 27, 24, 30", "-1, -7, -1, -1, -7, -1"})
    void shouldConvertAdyVisitWindowsToProtocolDaysWhenTheFileUsesAdy(
            int target, int low, int high, int pdyTarget, int pdyLow, int pdyHigh) {
        ProtocolFile.Loaded loaded = parse("name: t\ndayConvention: ADY\nvisits:\n  - {name: V, target: " + target
                + ", low: " + low + ", high: " + high + "}\n");

        assertThat(loaded.protocol().visits()).containsExactly(new VisitWindow("V", pdyTarget, pdyLow, pdyHigh));
    }

    @Test
    void shouldConvertDemoInfusionDaysToProtocolDaysWhenTheFileUsesAdy() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: t
                dayConvention: ADY
                arms: [MSC]
                demo:
                  arms:
                    - {arm: MSC, patients: 4, infusionDays: [1, 3, 5, 7]}
                  drawDays: [-1, 7, 14]
                """);

        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms().get(0).regimens().get(0).infusionPdys()).containsExactly(0, 2, 4, 6);
        assertThat(demo.drawDays()).containsExactly(-1, 6, 13);
    }

    @Test
    void shouldApplyReferenceIntervalOverridesPerAnalyteAndAssayType() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: t
                referenceIntervals:
                  CRP: "<8"
                  DDIMER: {DDU: "<230"}
                """);

        assertThat(loaded.profile().analyte("CRP").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.below(8));
        assertThat(loaded.profile().analyte("DDIMER").orElseThrow().interval(AssayType.DDU))
                .contains(ReferenceInterval.below(230));
        assertThat(loaded.profile().analyte("DDIMER").orElseThrow().interval(AssayType.FEU))
                .contains(ReferenceInterval.below(500));
    }

    @Test
    void shouldTakeTheBlindingKeyFromTheEnvironmentOverTheFile() {
        String yaml = "name: t\narms: [MSC, PLACEBO]\nblinded: true\nblindingKey: file-key\n";

        ProtocolFile.Loaded fromFile = ProtocolFile.parse(yaml, "t.yaml", Map.of());
        ProtocolFile.Loaded fromEnv =
                ProtocolFile.parse(yaml, "t.yaml", Map.of(ProtocolFile.BLINDING_KEY_ENV, "env-key"));

        assertThat(fromFile.protocol().blinding().key()).isEqualTo("file-key");
        assertThat(fromEnv.protocol().blinding().key()).isEqualTo("env-key");
        assertThat(fromEnv.protocol().blinding().label("MSC")).startsWith("Arm ");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
    void shouldTakeTheQuantileTypeWhenItIsOneToNine(int type) {
        ProtocolFile.Loaded loaded = parse("name: t\nquantileType: " + type + "\n");

        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.of(type));
        assertThat(loaded.protocol().quantileType().number()).isEqualTo(type);
    }

    @Test
    void shouldUseRsTypeSevenAndCalendarDaysWhenTheFileNamesNeither() {
        ProtocolFile.Loaded loaded = parse(MINIMAL);

        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.TYPE_7);
        assertThat(loaded.protocol().baselineRule()).isEqualTo(BaselineRule.CALENDAR_DAYS);
    }

    @ParameterizedTest
    @CsvSource({"calendar-days, CALENDAR_DAYS", "Calendar-Days, CALENDAR_DAYS", "hours, HOURS", "' HOURS ', HOURS"})
    void shouldTakeTheBaselineRuleWhenItIsCalendarDaysOrHours(String written, BaselineRule rule) {
        ProtocolFile.Loaded loaded = parse("name: t\nbaselineRule: " + written + "\n");

        assertThat(loaded.protocol().baselineRule()).isEqualTo(rule);
    }

    static final List<String[]> CONVENTION_MISTAKES = List.of(
            new String[] {"name: t\nquantileType: 0\n", "quantileType: expected 1-9", "got 0 (line 2, column 1)"},
            new String[] {"name: t\nquantileType: 10\n", "quantileType: expected 1-9", "got 10 (line 2, column 1)"},
            new String[] {
                "name: t\ntitle: x\nquantileType: six\n",
                "quantileType: expected a whole number, got 'six'",
                "(line 3, column 1)"
            },
            new String[] {"name: t\nquantileType: 6.5\n", "quantileType: expected a whole number", "(line 2, column 1)"
            },
            new String[] {
                "name: t\nbaselineRule: weeks\n",
                "baselineRule: expected calendar-days (study days in the site zone) or hours",
                "got 'weeks' (line 2, column 1)"
            });

    @ParameterizedTest
    @FieldSource("CONVENTION_MISTAKES")
    void shouldNameTheKeyAndLineWhenAStatisticsConventionIsWrong(String yaml, String message, String end) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial.yaml: ")
                .hasMessageContaining(message)
                .hasMessageEndingWith(end);
    }

    @Test
    void shouldLabelVisitsInTheFilesConventionWhenItIsAdy() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: t
                dayConvention: ADY
                visits:
                  - {name: D7, target: 7, low: 6, high: 8}
                  - {name: D28, target: 28, low: 25, high: 31}
                baselineWindowDays: 3
                """);

        // The windows are kept in pdy (ADY 7 = pdy 6) and shown again as the file wrote them.
        assertThat(loaded.visitDays())
                .containsExactly(
                        new ProtocolFile.VisitDays(Protocol.BASELINE, "BL (day -3 to 1)", 1, -3, 1),
                        new ProtocolFile.VisitDays("D7", "D7 (day 6 to 8)", 7, 6, 8),
                        new ProtocolFile.VisitDays("D28", "D28 (day 25 to 31)", 28, 25, 31));
        assertThat(loaded.day(0)).isEqualTo(1);
        assertThat(loaded.day(-1)).isEqualTo(-1);
        assertThat(loaded.day(6)).isEqualTo(7);
        assertThat(loaded.visitLabel("UNKNOWN")).isEqualTo("UNKNOWN");
        assertThat(loaded.heading())
                .isEqualTo("t [protocol t, days in ADY (infusion day = day 1, no day 0), follow-up"
                        + " 28 days, quantile type 7]");
        assertThat(loaded.heading(loaded.protocol().withFollowUp(Duration.ofDays(14))))
                .contains("follow-up 14 days");
    }

    @Test
    void shouldLabelTheBaselineUpToDayZeroWhenTheFileUsesPdy() {
        ProtocolFile.Loaded loaded = parse("name: t\nvisits:\n  - {name: D3, target: 3, low: 2, high: 4}\n");

        assertThat(loaded.visitDays())
                .extracting(ProtocolFile.VisitDays::label)
                .containsExactly("BL (day -7 to 0)", "D3 (day 2 to 4)");
        assertThat(loaded.day(0)).isZero();
    }

    @Test
    void shouldTitleEachArmByTheTableOrElseByItsLabel() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: t
                arms: [A, B]
                table: {layout: arms, titles: {A: Group A (severe)}}
                """);

        assertThat(loaded.armTitles()).containsExactly(entry("A", "Group A (severe)"), entry("B", "B"));
        assertThat(loaded.armTitle("C")).isEqualTo("C");
    }

    @Test
    void shouldGiveAnArmItsOwnBaselineRangesWhenTheDemoArmHasThem() {
        ProtocolFile.Loaded loaded = parse(
                """
                name: t
                arms: [A, B]
                demo:
                  arms:
                    - {arm: A, patients: 3, baselines: {pfratio: [90, 200]}}
                    - {arm: B, patients: 2}
                """);

        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms().get(0).baselines()).containsExactly(entry("PFRATIO", new ProtocolFile.Range(90, 200)));
        assertThat(demo.arms().get(1).baselines()).isEmpty();
    }

    static final List<String[]> MISTAKES = List.of(
            new String[] {"title: no name\n", "trial.yaml: name: is required"},
            new String[] {"name: t\ntimeZone: Mars/Olympus\n", "timeZone: 'Mars/Olympus' is not a time zone"},
            new String[] {"name: t\ndayConvention: XDY\n", "dayConvention: 'XDY' is neither"},
            new String[] {
                "name: t\ndayConvention: ADY\nvisits:\n  - {name: V, target: 0, low: -1, high: 1}\n",
                "visits[0].target: ADY has no day 0"
            },
            new String[] {
                "name: t\nvisits:\n  - {name: V, target: 9, low: 10, high: 11}\n",
                "visits[0]: need low <= target <= high"
            },
            new String[] {"name: t\nvisits:\n  - {name: V, target: 3, low: 2}\n", "visits[0].high: is required"},
            new String[] {
                "name: t\nvisits:\n  - {name: V, target: 3.5, low: 2, high: 4}\n",
                "visits[0].target: expected a whole day number"
            },
            new String[] {"name: t\nfollowUpDays: 0\n", "followUpDays: expected a whole number of days >= 1"},
            new String[] {"name: t\nconfirmations: twice\n", "confirmations: expected a count"},
            new String[] {"name: t\nfolowUpDays: 14\n", "folowUpDays: unknown field"},
            new String[] {"name: t\nreferenceIntervals: {XYZ: \"<1\"}\n", "referenceIntervals.XYZ: unknown analyte"},
            new String[] {"name: t\nreferenceIntervals: {CRP: \"ten\"}\n", "referenceIntervals.CRP: 'ten' is not"},
            new String[] {
                "name: t\nreferenceIntervals: {DDIMER: \"<243\"}\n",
                "referenceIntervals.DDIMER: DDIMER needs an interval per assay type"
            },
            new String[] {
                "name: t\nreferenceIntervals: {DDIMER: {XYZ: \"<243\"}}\n",
                "referenceIntervals.DDIMER.XYZ: assay type must be FEU or DDU"
            },
            new String[] {"name: t\narms: [A, B]\nblinded: true\n", "blindingKey: a blinded protocol needs a key"},
            new String[] {"name: t\nblinded: yes please\n", "blinded: expected true or false"},
            new String[] {
                "name: t\nstrata: [severity]\ntable: {layout: strata, stratum: age}\n",
                "table.stratum: a strata layout names one of"
            },
            new String[] {"name: t\ntable: {layout: pie}\n", "table.layout: 'pie' is not one of"},
            new String[] {
                "name: t\narms: [A]\ndemo:\n  arms:\n    - {arm: B, patients: 3}\n",
                "demo.arms[0].arm: 'B' is not one of the protocol's arms"
            },
            new String[] {
                "name: t\ndemo:\n  arms:\n    - {arm: A, patients: 3, infusionDays: [2]}\n",
                "demo.arms[0].infusionDays: the first infusion is the anchor: day 0 in PDY"
            },
            new String[] {
                "name: t\ndemo:\n  arms:\n    - {arm: A, patients: 3, progressors: 1, deaths: 2}\n",
                "demo.arms[0].deaths: deaths are progressors who die"
            },
            new String[] {
                "name: t\nstrata: [s]\ndemo:\n  arms:\n    - {arm: A, patients: 3}\n  strata:\n"
                        + "    s: [{value: x, patients: 2}]\n",
                "demo.strata.s: patients add up to 2, but the demo arms have 3"
            },
            new String[] {
                "name: t\ndemo:\n  arms:\n    - {arm: A, patients: 3, baselines: {WBC: [1, 2]}}\n",
                "demo.arms[0].baselines.WBC: the demo generates CRP, IL6, LYMPH, DDIMER and PFRATIO"
            },
            new String[] {"name: t\nname: u\n", "not valid YAML"});

    @ParameterizedTest
    @FieldSource("MISTAKES")
    void shouldNameTheFieldWhenTheFileHasAMistake(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial.yaml: ")
                .hasMessageContaining(message);
    }

    static final List<String[]> LOCATED_MISTAKES = List.of(
            new String[] {"name: t\nfolowUpDays: 14\n", "folowUpDays: unknown field", "(line 2, column 1)"},
            new String[] {
                "name: t\nvisits:\n  - {name: V, target: 3.5, low: 2, high: 4}\n",
                "visits[0].target: expected a whole day number, got '3.5'",
                "(line 3, column 15)"
            },
            new String[] {
                "name: t\ndayConvention: ADY\ndemo:\n  arms:\n    - {arm: A, patients: 3, infusionDays: [0, 2]}\n",
                "demo.arms[0].infusionDays[0]: ADY has no day 0",
                "(line 5, column 44)"
            },
            new String[] {
                "name: t\narms: [A]\ndemo:\n  arms:\n    - arm: A\n      patients: 3\n    - arm: B\n      patients: 2\n",
                "demo.arms[1].arm: 'B' is not one of the protocol's arms",
                "(line 7, column 7)"
            },
            new String[] {"name: t\nname: u\n", "not valid YAML: Duplicate field 'name'", "(line 2, column 5)"});

    @ParameterizedTest
    @FieldSource("LOCATED_MISTAKES")
    void shouldNameTheLineAndColumnWhenTheFileHasAMistake(String yaml, String message, String where) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trial.yaml: ")
                .hasMessageContaining(message)
                .hasMessageEndingWith(where);
    }

    @Test
    void shouldNameTheLineWhereTheRecordStartsWhenItsConstructorRejectsIt() {
        // Jackson reports the end of a block mapping, the line of the next field; the message names the record's own.
        String yaml =
                """
                name: t
                visits:
                  - name: V
                    target: 9
                    low: 10
                    high: 11
                locf: true
                """;

        assertThatThrownBy(() -> parse(yaml))
                .hasMessage("trial.yaml: visits[0]: need low <= target <= high, got low 10, target 9, high 11"
                        + " (line 3, column 5)");
    }

    @Test
    void shouldNameTheArmFieldAndItsLineWhenAnArmConstructorRejectsTheDeaths() {
        String yaml =
                """
                name: t
                demo:
                  arms:
                    - arm: A
                      patients: 3
                      progressors: 1
                      deaths: 2
                """;

        assertThatThrownBy(() -> parse(yaml))
                .hasMessage("trial.yaml: demo.arms[0].deaths: deaths are progressors who die: at most 1"
                        + " (line 7, column 7)");
    }

    @Test
    void shouldNameTheFieldAndLineWhenTextStandsForAWholeNumber() {
        assertThatThrownBy(() -> parse("name: t\nfollowUpDays: two\n"))
                .hasMessage("trial.yaml: followUpDays: expected a whole number, got 'two' (line 2, column 1)");
    }

    @Test
    void shouldNameTheNestedFieldAndLineWhenTextStandsForACount() {
        String yaml = "name: t\ndemo:\n  arms:\n    - {arm: A, patients: 3, progressors: \"one\"}\n";

        assertThatThrownBy(() -> parse(yaml))
                .hasMessage(
                        "trial.yaml: demo.arms[0].progressors: expected a whole number, got 'one' (line 4, column 29)");
    }

    @Test
    void shouldNameNoLineWhenARequiredTopLevelFieldIsNotWritten() {
        assertThatThrownBy(() -> parse("title: no name\n")).hasMessage("trial.yaml: name: is required");
    }

    @Test
    void shouldNameTheArgumentWhenItIsNeitherABundledProtocolNorAFile() {
        assertThatThrownBy(() -> ProtocolFile.load("seed-999", Map.of()))
                .hasMessageContaining("protocol seed-999: neither a bundled protocol");
    }
}
