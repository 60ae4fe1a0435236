package org.biomarkerstreams.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.BaselineRule;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.VisitWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Each bundled protocol loads and says what its paper did. */
class BundledProtocolsTest {

    static final List<String> NAMES = ProtocolFile.BUNDLED;

    private static ProtocolFile.Loaded load(String name) {
        return ProtocolFile.load(name, Map.of());
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void shouldLoadUnderItsOwnNameWhenBundled(String name) {
        ProtocolFile.Loaded loaded = load(name);

        assertThat(loaded.protocol().name()).isEqualTo(name);
        loaded.demo().ifPresent(demo -> assertThat(demo.patients()).isPositive());
    }

    @Test
    void shouldEqualTheBuiltInRulesWhenDefault() {
        ProtocolFile.Loaded loaded = load("default");

        assertThat(loaded.protocol()).isEqualTo(Protocol.defaults());
        assertThat(loaded.profile()).isEqualTo(SiteProfile.defaults());
        assertThat(loaded.demo()).isEmpty();
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void shouldNeverShowADayZeroWhenTheProtocolWritesAdy(String name) {
        ProtocolFile.Loaded loaded = load(name);

        if (loaded.dayConvention() == ProtocolFile.DayConvention.ADY) {
            assertThat(loaded.visitDays())
                    .allSatisfy(v ->
                            assertThat(List.of(v.target(), v.low(), v.high())).doesNotContain(0))
                    .allSatisfy(v -> assertThat(v.label()).doesNotContain("day 0", " 0)", " 0 "));
        }
    }

    @Test
    void shouldGiveSeed000AdyDaysFourteenDaysOfFollowUpAndStataQuartiles() {
        ProtocolFile.Loaded loaded = load("seed-000");

        // "beginning on the third day of stem cell infusion": the infusion day is day 1, so D3 is pdy 2.
        assertThat(loaded.dayConvention()).isEqualTo(ProtocolFile.DayConvention.ADY);
        assertThat(loaded.protocol().visits())
                .containsExactly(
                        new VisitWindow("D3", 2, 1, 3),
                        new VisitWindow("D7", 6, 5, 7),
                        new VisitWindow("D14", 13, 12, 14));
        assertThat(loaded.visitDays())
                .extracting(ProtocolFile.VisitDays::label)
                .containsExactly("BL (day -7 to 1)", "D3 (day 2 to 4)", "D7 (day 6 to 8)", "D14 (day 13 to 15)");
        assertThat(loaded.protocol().followUp()).isEqualTo(Duration.ofDays(14));
        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.TYPE_6);
        assertThat(loaded.heading()).contains("days in ADY", "follow-up 14 days", "quantile type 6");
        assertThat(loaded.armTitles()).containsExactly(entry("MSC", "hUC-MSC"), entry("CONTROL", "Control"));
    }

    @Test
    void shouldGiveSeed000TwelveMscAndTwentyNineControlsWithOneInfusion() {
        ProtocolFile.Demo demo = load("seed-000").demo().orElseThrow();

        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::arm).containsExactly("MSC", "CONTROL");
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::patients).containsExactly(12, 29);
        assertThat(demo.arms().get(0).regimens().get(0).infusionPdys()).containsExactly(0);
        assertThat(demo.arms().get(1).regimens().get(0).infusionPdys()).isEmpty();
        assertThat(demo.arms())
                .extracting(ProtocolFile.DemoArm::progressors, ProtocolFile.DemoArm::deaths)
                .containsExactly(tuple(0, 0), tuple(4, 3));
        // Draws on ADY -1, 2, 3, 5, 7, 10, 14: the baseline, then within the two weeks observed.
        assertThat(demo.drawDays()).containsExactly(-1, 1, 2, 4, 6, 9, 13);
    }

    @Test
    void shouldGiveSeed001ThirtyOnePatientsWithOneToThreeInfusionsAndItsRanges() {
        ProtocolFile.Loaded loaded = load("seed-001");

        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.patients()).isEqualTo(31);
        assertThat(demo.arms().get(0).regimens())
                .extracting(r -> r.infusionPdys().size())
                .containsExactly(1, 2, 3);
        assertThat(demo.arms().get(0).regimens())
                .extracting(ProtocolFile.Regimen::patients)
                .containsExactly(11, 9, 11);
        assertThat(demo.arms().get(0).deaths()).isEqualTo(4);
        assertThat(loaded.table().layout()).isEqualTo(ProtocolFile.Layout.BEFORE_AFTER);
        assertThat(loaded.profile().analyte("DDIMER").orElseThrow().interval(AssayType.DDU))
                .contains(ReferenceInterval.below(243));
        assertThat(loaded.profile().analyte("LYMPH").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.between(1.1, 3.2));
        assertThat(demo.ddimerAssay()).isEqualTo(AssayType.DDU);
        assertThat(loaded.dayConvention()).isEqualTo(ProtocolFile.DayConvention.PDY);
        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.TYPE_7);
    }

    @Test
    void shouldGiveSeed002AdyWindowsAsProtocolDaysAndFourInfusions() {
        ProtocolFile.Loaded loaded = load("seed-002");

        assertThat(loaded.dayConvention()).isEqualTo(ProtocolFile.DayConvention.ADY);
        assertThat(loaded.protocol().visits())
                .containsExactly(
                        new VisitWindow("D7", 6, 5, 7),
                        new VisitWindow("D14", 13, 12, 14),
                        new VisitWindow("D28", 27, 24, 30));
        assertThat(loaded.visitLabel(Protocol.BASELINE)).isEqualTo("BL (day -7 to 1)");
        assertThat(loaded.protocol().baselineRule()).isEqualTo(BaselineRule.CALENDAR_DAYS);
        assertThat(loaded.protocol().baselineWindow()).isEqualTo(Duration.ofDays(7));
        assertThat(loaded.protocol().followUp()).isEqualTo(Duration.ofDays(28));
        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.TYPE_2);
        assertThat(loaded.protocol().zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void shouldMakeSeed002sGroupsItsArmsWhenTheTableComparesThem() {
        ProtocolFile.Loaded loaded = load("seed-002");

        assertThat(loaded.arms()).containsExactly("Group A", "Group B");
        assertThat(loaded.armTitles())
                .containsExactly(entry("Group A", "Group A (severe)"), entry("Group B", "Group B (critical)"));
        assertThat(loaded.protocol().strata()).isEmpty();
        assertThat(loaded.table().layout()).isEqualTo(ProtocolFile.Layout.ARMS);
        assertThat(loaded.table().total()).isFalse();
        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms())
                .extracting(ProtocolFile.DemoArm::arm, ProtocolFile.DemoArm::patients, ProtocolFile.DemoArm::deaths)
                .containsExactly(tuple("Group A", 9, 0), tuple("Group B", 7, 2));
        assertThat(demo.arms().get(0).regimens().get(0).infusionPdys()).containsExactly(0, 2, 4, 6);
        assertThat(demo.arms().get(1).regimens())
                .extracting(ProtocolFile.Regimen::patients, ProtocolFile.Regimen::infusionPdys)
                .containsExactly(tuple(6, List.of(0, 2, 4, 6)), tuple(1, List.of(0, 2, 4)));
        // Group B's P/F 177.14 (92.50-316.00) lies below Group A's 285.50 (197.50-469.00).
        ProtocolFile.Range groupA = demo.arms().get(0).baselines().get("PFRATIO");
        ProtocolFile.Range groupB = demo.arms().get(1).baselines().get("PFRATIO");
        assertThat(groupB.low()).isLessThan(groupA.low());
        assertThat(groupB.high()).isLessThan(groupA.high());
    }

    @Test
    void shouldGiveSeed003ABlindedTwoToOneRandomizationWithThreeInfusions() {
        ProtocolFile.Loaded loaded = load("seed-003");

        assertThat(loaded.protocol().blinding().blinded()).isTrue();
        assertThat(loaded.protocol().blinding().label("UC-MSC")).matches("Arm [AB]");
        assertThat(loaded.protocol().blinding().label("PLACEBO")).matches("Arm [AB]");
        assertThat(loaded.armTitles()).isEmpty();
        assertThat(loaded.dayConvention()).isEqualTo(ProtocolFile.DayConvention.PDY);
        assertThat(loaded.visitLabel("D10")).isEqualTo("D10 (day 9 to 11)");
        assertThat(loaded.protocol().quantileType()).isEqualTo(QuantileType.TYPE_2);
        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::patients).containsExactly(65, 35);
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::deaths).containsOnly(0);
        assertThat(demo.arms())
                .allSatisfy(
                        arm -> assertThat(arm.regimens().get(0).infusionPdys()).containsExactly(0, 3, 6));
    }
}
