package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_4;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;
import static org.biomarkerstreams.streams.Fixtures.randomizedTo;

import io.micrometer.core.instrument.Tag;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.biomarkerstreams.domain.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline's meters as the topology records them, read back from a Prometheus registry. */
class PipelineMetersTest {

    /** A wall clock the test sets. */
    private static final class SetClock extends Clock {
        private volatile Instant now;

        SetClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static final Instant NOW = TopologyHarness.WALL_CLOCK;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SetClock wallClock = new SetClock(NOW);
    private final TopologyHarness harness = new TopologyHarness(
            TopologyConfig.defaults(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC)), registry, wallClock);
    private final String readingsTopic = harness.config.topics().readings();

    @AfterEach
    void close() {
        harness.close();
        registry.close();
    }

    @Test
    void shouldCountReadingAndRecordLatencyFromReceivedAtWhenReadingIsProcessed() {
        harness.send(aReading()
                .value(12, "mg/L")
                .at(DAY_3)
                .receivedAt(NOW.minus(Duration.ofSeconds(3)))
                .build());

        assertThat(registry.get(PipelineCounters.IN)
                        .tag("topic", readingsTopic)
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(PipelineCounters.ACCEPTED)
                        .tag("topic", readingsTopic)
                        .counter()
                        .count())
                .isEqualTo(1.0);
        var latency = registry.get(PipelineCounters.LATENCY).timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0, within(1e-9));
        assertThat(registry.scrape())
                .contains("biomarker_records_in_total{topic=\"" + readingsTopic + "\"} 1.0")
                .contains("biomarker_end_to_end_latency_seconds_bucket{le=\"2.5\"} 0")
                .contains("biomarker_end_to_end_latency_seconds_bucket{le=\"5.0\"} 1")
                .contains("biomarker_end_to_end_latency_seconds_count 1")
                .contains("biomarker_end_to_end_latency_seconds_sum 3.0");
    }

    @Test
    void shouldNotRecordLatencyWhenInputHasNoReceivedAt() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().value(12, "mg/L").at(DAY_3).build());

        assertThat(harness.summary(Fixtures.PATIENT, "CRP")).isNotNull();
        assertThat(registry.get(PipelineCounters.LATENCY).timer().count())
                .as("event time is the data's age, not the pipeline's latency")
                .isZero();
    }

    @Test
    void shouldReportSecondsSinceNewestRecordTimestampAsFreshnessOfEachInputTopic() {
        harness.send(aReading().value(12, "mg/L").at(DAY_3).build());
        harness.send(aReading().value(14, "mg/L").at(DAY_MINUS_1).build());
        wallClock.set(DAY_3.plus(Duration.ofSeconds(90)));

        assertThat(registry.get(PipelineCounters.FRESHNESS)
                        .tag("topic", readingsTopic)
                        .gauge()
                        .value())
                .isEqualTo(90.0, within(1e-9));
        assertThat(registry.get(PipelineCounters.FRESHNESS)
                        .tag("topic", harness.config.topics().events())
                        .gauge()
                        .value())
                .as("no event seen yet")
                .isNaN();
        assertThat(registry.scrape())
                .contains("biomarker_input_freshness_seconds{topic=\"" + readingsTopic + "\"} 90.0");
    }

    @Test
    void shouldCountAlertByKindWhenRatioCrossesThreshold() {
        harness.send(aReading().of("PFRATIO").value(350, "mm[Hg]").at(DAY_3).build());
        harness.send(aReading().of("PFRATIO").value(250, "mm[Hg]").at(DAY_4).build());

        assertThat(harness.alertList).hasSize(1);
        assertThat(registry.scrape())
                .contains("biomarker_alerts_total{kind=\"PFRATIO_LE_300\"} 1.0")
                .contains("biomarker_alerts_total{kind=\"PFRATIO_LE_200\"} 0.0");
    }

    @Test
    void shouldCountNormalizationOnceWhenEventRecordIsEmittedAgain() {
        harness.send(infusionAt(INFUSION));
        harness.send(aReading().value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().value(8, "mg/L").at(DAY_3).build());
        assertThat(harness.ttn(Fixtures.PATIENT, "CRP").getCnsr()).isZero();

        // The arm changes what the time-to-normalization record says, so it is emitted again.
        harness.send(randomizedTo("MSC"));

        assertThat(harness.ttn(Fixtures.PATIENT, "CRP").getArm()).isEqualTo("MSC");
        assertThat(registry.get(PipelineCounters.NORMALIZATION_EVENTS)
                        .tag("analyte", "CRP")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldNotLabelAnyMeterWithPatientIdWhenScraped() {
        String canary = "CANARY-PATIENT-7731";
        harness.send(Fixtures.anEvent(EventType.INFUSION)
                .patient(canary)
                .at(INFUSION)
                .build());
        harness.send(
                aReading().patient(canary).value(40, "mg/L").at(DAY_MINUS_1).build());
        harness.send(aReading().patient(canary).value(8, "mg/L").at(DAY_3).build());
        harness.send(aReading()
                .patient(canary)
                .of("PFRATIO")
                .value(90, "mm[Hg]")
                .at(DAY_3)
                .build());
        harness.send(aReading().patient(canary).value(8, "furlongs").at(DAY_4).build());

        assertThat(harness.alertList).isNotEmpty();
        assertThat(harness.deadLetterList).isNotEmpty();
        assertThat(registry.scrape()).doesNotContain(canary).doesNotContain("CANARY");
        assertThat(registry.getMeters().stream()
                        .filter(m -> m.getId().getName().startsWith("biomarker."))
                        .flatMap(m -> m.getId().getTags().stream())
                        .map(Tag::getKey)
                        .distinct())
                .isSubsetOf("topic", "code", "kind", "analyte");
    }
}
