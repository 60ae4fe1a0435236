package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The median and its confidence interval against R's {@code survival}, including flat stretches at S = 0.5. */
class KaplanMeierMedianTest {

    @Test
    void shouldEqualRsPrintedMedianAndLogLogIntervalWhenTheCurveSitsOnOneHalf() throws IOException {
        // src/test/resources/statistics/km-median.R, R 4.2.2 / survival 3.5-3, print(survfit(conf.type="log-log")).
        List<String> rows = rows();
        assertThat(rows).hasSize(5);
        for (String row : rows) {
            String[] f = row.split(",");
            String[] times = f[1].split(" ");
            String[] events = f[2].split(" ");
            List<KaplanMeier.Observation> observations = new ArrayList<>();
            for (int i = 0; i < times.length; i++) {
                observations.add(new KaplanMeier.Observation(Double.parseDouble(times[i]), events[i].equals("1")));
            }

            KaplanMeier km = KaplanMeier.estimate(observations);
            KaplanMeier.MedianInterval ci = km.medianConfidenceInterval(0.95);

            assertThat(km.median()).as(f[0] + " median").isEqualTo(r(f[3]));
            assertThat(ci.lower()).as(f[0] + " lower").isEqualTo(r(f[4]));
            assertThat(ci.upper()).as(f[0] + " upper").isEqualTo(r(f[5]));
        }
    }

    @Test
    void shouldTakeTheMidpointOfTheFlatStretchWhenHalfTheSubjectsHaveHadTheEvent() {
        // Days 1..10, one event each: S = 1 - k/10, so S(5) = 0.5 until the drop on day 6. R: (5 + 6)/2 = 5.5.
        List<KaplanMeier.Observation> observations = new ArrayList<>();
        for (int day = 1; day <= 10; day++) {
            observations.add(new KaplanMeier.Observation(day, true));
        }

        assertThat(KaplanMeier.estimate(observations).median()).hasValue(5.5);
    }

    @Test
    void shouldTakeTheFirstTimeWhenTheCurveStaysOnOneHalfToItsEnd() {
        // 2, 3 events, 5 censored, 6 event, 8 and 9 censored: S = 5/6 * 4/5 * 2/3 = 0.5 from day 6, never lower.
        KaplanMeier km = KaplanMeier.estimate(List.of(
                new KaplanMeier.Observation(2, true),
                new KaplanMeier.Observation(3, true),
                new KaplanMeier.Observation(5, false),
                new KaplanMeier.Observation(6, true),
                new KaplanMeier.Observation(8, false),
                new KaplanMeier.Observation(9, false)));

        assertThat(km.median()).hasValue(6.0);
    }

    private static OptionalDouble r(String value) {
        return value.equals("NA") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(value));
    }

    private static List<String> rows() throws IOException {
        try (InputStream in = KaplanMeierMedianTest.class.getResourceAsStream("/statistics/km-median-r.csv")) {
            assertThat(in).as("km-median-r.csv on the test class path").isNotNull();
            List<String> rows =
                    new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
            rows.remove(0);
            rows.removeIf(String::isBlank);
            return rows;
        }
    }
}
