package org.biomarkerstreams.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records a protocol file is bound to check their own fields, naming the field relative to the record. */
class ProtocolRecordsTest {

    private static final Day DAY_1 = new Day(1);

    @Test
    void shouldNameTheDeathsWhenAnArmHasMoreDeathsThanProgressors() {
        assertThatThrownBy(() -> new ArmEntry("A", null, null, null, 3, null, null, 1, 2, null))
                .isInstanceOfSatisfying(FieldError.class, e -> {
                    assertThat(e.path()).isEqualTo("deaths");
                    assertThat(e.reason()).isEqualTo("deaths are progressors who die: at most 1");
                });
    }

    @Test
    void shouldNameTheAnalyteWhenAnArmHasABaselineRangeTheDemoDoesNotGenerate() {
        assertThatThrownBy(() -> new ArmEntry(
                        "A", null, null, null, 3, null, null, 0, 0, Map.of("WBC", new ProtocolFile.Range(4, 9))))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.path()).isEqualTo("baselines.WBC"));
    }

    @Test
    void shouldNameThePatientsWhenARegimenHasNone() {
        assertThatThrownBy(() -> new RegimenEntry(0, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("patients: expected a whole number >= 1");
    }

    @Test
    void shouldNameTheNameWhenAVisitIsTheImplicitBaseline() {
        assertThatThrownBy(() -> new VisitEntry("baseline", DAY_1, DAY_1, DAY_1))
                .hasMessageStartingWith("name: BASELINE is implicit");
    }

    @Test
    void shouldNameTheStratumWhenATableThatIsNotByStrataHasOne() {
        assertThatThrownBy(
                        () -> new ProtocolFile.Table(ProtocolFile.Layout.ARMS, "severity", List.of(), false, Map.of()))
                .hasMessage("stratum: only a strata layout has a stratum");
    }

    @Test
    void shouldRejectARangeWhoseLowIsAboveItsHigh() {
        assertThatThrownBy(() -> new ProtocolFile.Range(2, 1)).hasMessage("expected [low, high] with 0 < low <= high");
    }

    @Test
    void shouldKeyStratumBaselinesByAnalyteCodeWhenWrittenInAnotherCase() {
        ProtocolFile.StratumValue value =
                new ProtocolFile.StratumValue(" severe ", 3, Map.of("pfratio", new ProtocolFile.Range(90, 200)));

        assertThat(value.value()).isEqualTo("severe");
        assertThat(value.baselines()).containsOnlyKeys("PFRATIO");
    }

    @Test
    void shouldCompleteTheFieldPathWhenAMistakeIsRethrownWithinAnEnclosingField() {
        assertThatThrownBy(() -> FieldError.within("demo.arms[0]", () -> new RegimenEntry(0, List.of())))
                .isInstanceOfSatisfying(
                        FieldError.class, e -> assertThat(e.path()).isEqualTo("demo.arms[0].patients"));
    }

    @Test
    void shouldLocateAFieldByItsKeyAndAListItemByItself() {
        FieldLocations locations = FieldLocations.of("name: t\nvisits:\n  - name: V\n    target: 3\narms: [A, B]\n");

        assertThat(locations.at("visits[0].target")).contains(new FieldLocations.Spot(4, 5, "3"));
        assertThat(locations.at("arms[1]")).contains(new FieldLocations.Spot(5, 11, "B"));
        assertThat(locations.nearest("visits[0].high"))
                .map(FieldLocations.Spot::line)
                .contains(3);
        assertThat(locations.nearest("blindingKey")).isEmpty();
    }
}
