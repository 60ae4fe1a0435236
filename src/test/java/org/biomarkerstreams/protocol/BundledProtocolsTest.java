package org.biomarkerstreams.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Protocol;
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

    @Test
    void shouldGiveSeed000TwelveMscAndTwentyNineControlsWithOneInfusion() {
        ProtocolFile.Loaded loaded = load("seed-000");

        assertThat(loaded.protocol().visits()).extracting(VisitWindow::name).containsExactly("D3", "D7", "D14");
        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::arm).containsExactly("MSC", "CONTROL");
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::patients).containsExactly(12, 29);
        assertThat(demo.arms().get(0).regimens().get(0).infusionPdys()).containsExactly(0);
        assertThat(demo.arms().get(1).regimens().get(0).infusionPdys()).isEmpty();
        assertThat(demo.arms().get(1).deaths()).isEqualTo(3);
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
        assertThat(loaded.table().layout()).isEqualTo(ProtocolFile.Layout.BEFORE_AFTER);
        assertThat(loaded.profile().analyte("DDIMER").orElseThrow().interval(AssayType.DDU))
                .contains(ReferenceInterval.below(243));
        assertThat(loaded.profile().analyte("LYMPH").orElseThrow().interval(AssayType.NONE))
                .contains(ReferenceInterval.between(1.1, 3.2));
        assertThat(demo.ddimerAssay()).isEqualTo(AssayType.DDU);
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
        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.patients()).isEqualTo(16);
        assertThat(demo.arms().get(0).regimens().get(0).infusionPdys()).containsExactly(0, 2, 4, 6);
        assertThat(demo.strata().get("severity"))
                .extracting(ProtocolFile.StratumValue::value, ProtocolFile.StratumValue::patients)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("severe", 9),
                        org.assertj.core.groups.Tuple.tuple("critical", 7));
        assertThat(loaded.table().layout()).isEqualTo(ProtocolFile.Layout.STRATA);
        assertThat(loaded.protocol().zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @Test
    void shouldGiveSeed003ABlindedTwoToOneRandomizationWithThreeInfusions() {
        ProtocolFile.Loaded loaded = load("seed-003");

        assertThat(loaded.protocol().blinding().blinded()).isTrue();
        assertThat(loaded.protocol().blinding().label("UC-MSC")).matches("Arm [AB]");
        assertThat(loaded.protocol().blinding().label("PLACEBO")).matches("Arm [AB]");
        ProtocolFile.Demo demo = loaded.demo().orElseThrow();
        assertThat(demo.arms()).extracting(ProtocolFile.DemoArm::patients).containsExactly(65, 35);
        assertThat(demo.arms())
                .allSatisfy(
                        arm -> assertThat(arm.regimens().get(0).infusionPdys()).containsExactly(0, 3, 6));
    }
}
