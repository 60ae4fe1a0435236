package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisitValueTest {

    private static final List<String> VISITS = List.of("BASELINE", "D3", "D7", "D14");

    private static Map<String, Double> observed(Double... values) {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(VISITS.get(i), values[i]);
        }
        return m;
    }

    @Test
    void shouldKeepOnlyObservedValuesWhenLocfIsOff() {
        assertThat(VisitValue.series(VISITS, observed(5.0, null, 7.0), false, v -> true))
                .containsExactly(
                        Map.entry("BASELINE", new VisitValue(5.0, false)), Map.entry("D7", new VisitValue(7.0, false)));
    }

    @Test
    void shouldCarryPreviousVisitForwardAndFlagItWhenLocfIsOn() {
        assertThat(VisitValue.series(VISITS, observed(5.0, null, 7.0), true, v -> true))
                .containsExactly(
                        Map.entry("BASELINE", new VisitValue(5.0, false)),
                        Map.entry("D3", new VisitValue(5.0, true)),
                        Map.entry("D7", new VisitValue(7.0, false)),
                        Map.entry("D14", new VisitValue(7.0, true)));
    }

    @Test
    void shouldNotImputeBaselineOrBeforeFirstValueWhenLocfIsOn() {
        assertThat(VisitValue.series(VISITS, observed(null, null, 3.0), true, v -> true))
                .containsOnlyKeys("D7", "D14");
    }

    @Test
    void shouldNotCarryIntoAVisitThePatientWasNotObservedPastWhenLocfIsOn() {
        assertThat(VisitValue.series(VISITS, observed(5.0, null, null), true, "D3"::equals))
                .containsOnlyKeys("BASELINE", "D3");
    }

    @Test
    void shouldCloseOnlyTheWindowsEndingBeforeTheLastReading() {
        java.util.function.Predicate<String> closed = VisitValue.closedBefore(Protocol.defaults(), 9);
        assertThat(closed).accepts("D3", "D7").rejects("D14", "D28", "BASELINE", "NOPE");
        assertThat(VisitValue.closedBefore(Protocol.defaults(), 8)).rejects("D7");
    }

    @Test
    void shouldCountMissingAndImputedWhenBuildingACell() {
        VisitCell cell = VisitCell.of(java.util.Arrays.asList(
                new VisitValue(1, false), null, new VisitValue(3, true), new VisitValue(2, false)));
        assertThat(cell.n()).isEqualTo(3);
        assertThat(cell.nMissing()).isEqualTo(1);
        assertThat(cell.nImputed()).isEqualTo(1);
        assertThat(cell.statistics().median()).isEqualTo(2.0);
    }
}
