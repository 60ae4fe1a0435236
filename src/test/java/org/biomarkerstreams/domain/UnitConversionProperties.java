package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;

class UnitConversionProperties {

    private static final UnitConverter CONVERTER = new UnitConverter();

    /** Spellings of the same dimension, as feeds send them. */
    private static final List<List<String>> COMMENSURABLE = List.of(
            List.of("mg/L", "mg/dL", "ng/mL", "ug/L", "µg/L", "µg/mL", "ug/mL", "ng/L", "pg/mL", "g/L", "MG/DL"),
            List.of("10*9/L", "10^9/L", "x10^9/L", "10*3/uL", "10^3/µL", "K/uL", "/uL", "cells/µL", "/mm3", "G/L"),
            List.of("mmHg", "mm[Hg]", "kPa", "Torr"),
            List.of("%", "1", "", "fraction"));

    @Provide
    Arbitrary<Tuple.Tuple2<String, String>> unitPairs() {
        return Arbitraries.of(COMMENSURABLE)
                .flatMap(group -> Combinators.combine(Arbitraries.of(group), Arbitraries.of(group))
                        .as(Tuple::of));
    }

    @Property(tries = 300)
    void shouldComeBackWithinRelativeTolerance1e9WhenConvertedThereAndBack(
            @ForAll("unitPairs") Tuple.Tuple2<String, String> units,
            @ForAll @DoubleRange(min = 1e-6, max = 1e6) @Scale(9) double value) {
        double there = CONVERTER.convert(value, units.get1(), units.get2()).value();
        double back = CONVERTER.convert(there, units.get2(), units.get1()).value();

        assertThat(back).isCloseTo(value, within(1e-9 * value));
    }

    @Property(tries = 300)
    void shouldScaleLinearlyWhenConverting(
            @ForAll("unitPairs") Tuple.Tuple2<String, String> units,
            @ForAll @DoubleRange(min = -1e6, max = 1e6) double value) {
        double factor = CONVERTER.factor(units.get1(), units.get2()).value();

        assertThat(CONVERTER.convert(value, units.get1(), units.get2()).value())
                .isCloseTo(value * factor, within(1e-12 * Math.abs(value * factor) + Double.MIN_VALUE));
    }

    @Property(tries = 300)
    void shouldNeverConvertAcrossDimensionsWhenUnitsAreFromDifferentGroups(
            @ForAll("crossPairs") Tuple.Tuple2<String, String> units) {
        assertThat(CONVERTER.convert(1, units.get1(), units.get2()).rejection().code())
                .isEqualTo(ErrorCode.INCOMPATIBLE_UNIT);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, String>> crossPairs() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(1, 3))
                .flatAs((from, offset) -> Combinators.combine(
                                Arbitraries.of(COMMENSURABLE.get(from)),
                                Arbitraries.of(COMMENSURABLE.get((from + offset) % 4)))
                        .as(Tuple::of));
    }
}
