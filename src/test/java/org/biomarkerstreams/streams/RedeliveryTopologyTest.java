package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under at_least_once an exact duplicate re-emits what its original derived: after a crash the state
 * restored from the changelogs can be ahead of the outputs, and the records processed since the last
 * commit come again as duplicates. Under exactly_once_v2 (the harness default) a duplicate emits nothing.
 */
class RedeliveryTopologyTest {

    private final TopologyHarness harness =
            new TopologyHarness(TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                    .redeliverDuplicates(true)
                    .build());

    @AfterEach
    void close() {
        harness.close();
    }

    @Test
    void shouldReemitPointSummaryAndTimeToNormalizationWhenAReadingComesAgain() {
        RawReading baseline =
                aReading().id("b").value(80, "mg/L").at(DAY_MINUS_1).build();
        RawReading day3 = aReading().id("r").value(40, "mg/L").at(DAY_3).build();
        harness.send(infusionAt(INFUSION)).send(baseline).send(day3);
        TrajectoryPoint point = harness.point(Fixtures.PATIENT, "r");
        List<TrajectoryPoint> points = List.copyOf(harness.pointHistory);
        BiomarkerSummary summary = last(harness.summaryHistory);
        TimeToNormalization ttn = last(harness.ttnHistory);
        int summaries = harness.summaryHistory.size();
        int ttns = harness.ttnHistory.size();

        harness.send(day3);

        assertThat(harness.pointHistory).hasSize(points.size() + 1);
        assertThat(last(harness.pointHistory)).isEqualTo(point);
        assertThat(harness.summaryHistory).hasSize(summaries + 1);
        assertThat(last(harness.summaryHistory)).isEqualTo(summary);
        assertThat(harness.ttnHistory).hasSize(ttns + 1);
        assertThat(last(harness.ttnHistory)).isEqualTo(ttn);
        assertThat(harness.counter(PipelineCounters.DUPLICATES)).isEqualTo(1.0);
        assertThat(harness.counter(PipelineCounters.ACCEPTED)).isEqualTo(3.0);
    }

    @Test
    void shouldReemitEveryPointOfThePatientWhenAnEventComesAgain() {
        RawClinicalEvent infusion = infusionAt(INFUSION);
        harness.send(infusion)
                .send(aReading().id("b").value(80, "mg/L").at(DAY_MINUS_1).build())
                .send(aReading().id("r").value(40, "mg/L").at(DAY_3).build());
        int points = harness.pointHistory.size();

        harness.send(infusion);

        assertThat(harness.pointHistory.subList(points, harness.pointHistory.size()))
                .extracting(TrajectoryPoint::getReadingId)
                .containsExactly("b", "r");
        assertThat(harness.counter(PipelineCounters.DUPLICATES)).isEqualTo(1.0);
    }

    @Test
    void shouldReemitTheAlertsOfTheSeriesWithoutCountingThemTwiceWhenAReadingComesAgain() {
        RawReading low = aReading()
                .of("PFRATIO")
                .id("p2")
                .value(250, "mm[Hg]")
                .at(DAY_1.plus(Duration.ofHours(1)))
                .build();
        harness.send(infusionAt(INFUSION))
                .send(aReading()
                        .of("PFRATIO")
                        .id("p1")
                        .value(350, "mm[Hg]")
                        .at(DAY_1)
                        .build())
                .send(low);
        assertThat(harness.alertList).extracting(BiomarkerAlert::getAlertId).containsExactly("PFRATIO_LE_300:p2");

        harness.send(low);

        assertThat(harness.alertList).hasSize(2);
        assertThat(harness.alertList.get(1)).isEqualTo(harness.alertList.get(0));
        assertThat(harness.counter(PipelineCounters.ALERTS)).isEqualTo(1.0);
    }

    @Test
    void shouldEmitNothingForADuplicateUnderExactlyOnce() {
        try (TopologyHarness exactlyOnce = new TopologyHarness()) {
            RawReading day3 = aReading().id("r").value(40, "mg/L").at(DAY_3).build();
            exactlyOnce.send(infusionAt(INFUSION)).send(day3);
            int points = exactlyOnce.pointHistory.size();
            int summaries = exactlyOnce.summaryHistory.size();

            exactlyOnce.send(day3);

            assertThat(exactlyOnce.pointHistory).hasSize(points);
            assertThat(exactlyOnce.summaryHistory).hasSize(summaries);
        }
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }
}
