package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QuantileTypeTest {

    /** One line of quantile-types-r.csv: R's {@code quantile(sample, p, type = type)}. */
    private record Reference(String sample, int type, double p, double quantile) {}

    @Test
    void shouldEqualRToTheLastBitWhenComputingEveryTypeOfTheReferenceSamples() throws IOException {
        // src/test/resources/statistics/quantile-types.R, run with R 4.2.2: 7 samples x 9 types x 13 probabilities.
        Map<String, double[]> samples = new HashMap<>();
        List<Reference> references = readReferences(samples);
        assertThat(references).hasSize(7 * 9 * 13);
        List<String> mismatches = new ArrayList<>();
        for (Reference r : references) {
            double[] sorted = samples.get(r.sample()).clone();
            Arrays.sort(sorted);
            double ours = QuantileType.of(r.type()).quantile(sorted, r.p());
            if (Double.compare(ours, r.quantile()) != 0) {
                mismatches.add(r + " but got " + ours);
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void shouldGiveTheQuartilesEachPackagePrintsWhenSampleIsSmall() {
        // x = 2, 4, 7, 9 (n = 4), first quartile p = 0.25, by hand:
        //   type 7 (R):  h = 1 + (n - 1)p = 1.75       -> x1 + 0.75 (x2 - x1) = 2 + 1.5  = 3.5
        //   type 6 (Stata, SPSS, Minitab): (n + 1)p = 1.25 -> x1 + 0.25 (x2 - x1) = 2 + 0.5 = 2.5
        //   type 2 (SAS default): np = 1, a whole number   -> (x1 + x2) / 2          = 3
        //   type 1: np = 1 whole                            -> x1                     = 2
        //   type 3: np - 1/2 = 0.5, nearest order statistic -> x1 (round 0.5+0.5=1)   = 2
        //   type 4: np = 1, no fraction                     -> x1                     = 2
        //   type 5: np + 1/2 = 1.5                          -> x1 + 0.5 (x2 - x1)     = 3
        //   type 8: 1/3 + p(n + 1/3) = 1/3 + 13/12 = 17/12  -> 2 + (5/12) 2           = 17/6
        //   type 9: 3/8 + p(n + 1/4) = 3/8 + 17/16 = 23/16  -> 2 + (7/16) 2           = 23/8
        double[] x = {2, 4, 7, 9};

        assertThat(QuantileType.TYPE_7.quantile(x, 0.25)).isEqualTo(3.5);
        assertThat(QuantileType.TYPE_6.quantile(x, 0.25)).isEqualTo(2.5);
        assertThat(QuantileType.TYPE_2.quantile(x, 0.25)).isEqualTo(3.0);
        assertThat(QuantileType.TYPE_1.quantile(x, 0.25)).isEqualTo(2.0);
        assertThat(QuantileType.TYPE_3.quantile(x, 0.25)).isEqualTo(2.0);
        assertThat(QuantileType.TYPE_4.quantile(x, 0.25)).isEqualTo(2.0);
        assertThat(QuantileType.TYPE_5.quantile(x, 0.25)).isEqualTo(3.0);
        assertThat(QuantileType.TYPE_8.quantile(x, 0.25)).isCloseTo(17.0 / 6, within(1e-15));
        assertThat(QuantileType.TYPE_9.quantile(x, 0.25)).isCloseTo(23.0 / 8, within(1e-15));
    }

    @Test
    void shouldTreatNpAsWholeWhenItIsWholeButComputesJustBesideIt() {
        // n = 25, p = 7/25: np = 7 exactly, but 25 * 0.28 computes as 7.000000000000001. By the definitions:
        //   type 1 = x(7) = 7 (smallest x with F(x) = k/25 >= 7/25), type 2 = (x(7) + x(8))/2 = 7.5,
        //   type 3: np - 1/2 = 6.5 -> x(7) = 7 (not a tie: j = 6, and x(j+1) is taken).
        // R 4.2 (no fuzz for types 1-3) prints 8, 8, 7.
        double[] x = IntStream.rangeClosed(1, 25).asDoubleStream().toArray();
        assertThat(25 * (7.0 / 25)).isGreaterThan(7.0);
        assertThat(QuantileType.TYPE_1.quantile(x, 7.0 / 25)).isEqualTo(7.0);
        assertThat(QuantileType.TYPE_2.quantile(x, 7.0 / 25)).isEqualTo(7.5);
        assertThat(QuantileType.TYPE_3.quantile(x, 7.0 / 25)).isEqualTo(7.0);

        // n = 22, p = 15/22: np = 15, computed as 14.999999999999998: type 1 = x(15) = 15, type 2 =
        // (x(15) + x(16))/2 = 15.5 (R 4.2: 15, 15).
        double[] y = IntStream.rangeClosed(1, 22).asDoubleStream().toArray();
        assertThat(22 * (15.0 / 22)).isLessThan(15.0);
        assertThat(QuantileType.TYPE_1.quantile(y, 15.0 / 22)).isEqualTo(15.0);
        assertThat(QuantileType.TYPE_2.quantile(y, 15.0 / 22)).isEqualTo(15.5);
    }

    @Test
    void shouldRoundHalfToEvenWhenTypeThreeFallsBetweenTwoOrderStatistics() {
        // type 3, n = 4: p = 0.375 -> np = 1.5, nearest even order statistic x(2); p = 0.625 -> np = 2.5 -> x(2).
        double[] x = {10, 20, 30, 40};

        assertThat(QuantileType.TYPE_3.quantile(x, 0.375)).isEqualTo(20.0);
        assertThat(QuantileType.TYPE_3.quantile(x, 0.625)).isEqualTo(20.0);
        assertThat(QuantileType.TYPE_3.quantile(x, 0.875)).isEqualTo(40.0);
    }

    @Test
    void shouldUseTheProtocolsTypeWhenSampleAndOrderStatisticsAreAsked() {
        // The same x = 2, 4, 7, 9 as above: type 6 quartiles 2.5, 5.5, 8.5 by (n + 1)p = 1.25, 2.5, 3.75.
        SampleStatistics sample = SampleStatistics.of(List.of(9.0, 2.0, 7.0, 4.0), QuantileType.TYPE_6);
        OrderStatistics order = new OrderStatistics(QuantileType.TYPE_6);
        for (double v : new double[] {9, 2, 7, 4}) {
            order.add(v);
        }

        for (Quantiles q : List.<Quantiles>of(sample, order)) {
            assertThat(q.quantileType()).isEqualTo(QuantileType.TYPE_6);
            assertThat(q.q1()).isEqualTo(2.5);
            assertThat(q.median()).isEqualTo(5.5);
            assertThat(q.q3()).isEqualTo(8.5);
        }
        assertThat(SampleStatistics.of(List.of(9.0, 2.0, 7.0, 4.0)).quantileType())
                .isEqualTo(QuantileType.TYPE_7);
        assertThat(new OrderStatistics().quantileType()).isEqualTo(QuantileType.TYPE_7);
    }

    @Test
    void shouldRefuseAnEmptySampleOrAProbabilityOutsideZeroToOneWhenAsked() {
        for (QuantileType type : QuantileType.values()) {
            assertThatThrownBy(() -> type.quantile(new double[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> type.quantile(new double[] {1}, 1.5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> type.quantile(new double[] {1}, Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldNumberTheTypesAsRWhenConvertingBothWays() {
        for (int number = 1; number <= 9; number++) {
            assertThat(QuantileType.of(number).number()).isEqualTo(number);
        }
        assertThatThrownBy(() -> QuantileType.of(0)).hasMessageContaining("1-9");
        assertThatThrownBy(() -> QuantileType.of(10)).hasMessageContaining("1-9");
    }

    private static List<Reference> readReferences(Map<String, double[]> samples) throws IOException {
        List<Reference> out = new ArrayList<>();
        try (InputStream in = QuantileTypeTest.class.getResourceAsStream("/statistics/quantile-types-r.csv")) {
            assertThat(in).as("quantile-types-r.csv on the test class path").isNotNull();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (String line : lines) {
                String[] f = line.split(",");
                if (line.startsWith("#sample,")) {
                    samples.put(
                            f[1],
                            Arrays.stream(f[2].split(" "))
                                    .mapToDouble(Double::parseDouble)
                                    .toArray());
                } else if (!line.startsWith("sample,") && !line.isBlank()) {
                    out.add(new Reference(
                            f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])));
                }
            }
        }
        return out;
    }
}
