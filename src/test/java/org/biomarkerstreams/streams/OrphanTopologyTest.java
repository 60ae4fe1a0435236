package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.anEvent;

import ch.qos.logback.classic.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.patient.OrphanWatch;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readings that wait for their patient's anchor: counted (gauges, no ids) and logged once they have waited longer
 * than {@code --orphan-after} by the wall clock, from the {@code unanchored-patients} store.
 */
class OrphanTopologyTest {

    private static final Duration AFTER = Duration.ofHours(1);
    /** The tally runs every quarter of the threshold, at most every minute. */
    private static final Duration CHECK = Duration.ofMinutes(1);

    private static final String ORPHAN = "P-ORPHAN-SECRET";
    private static final String ANCHORED = "P-ANCHORED";

    private final TopologyHarness t =
            new TopologyHarness(TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                    .orphanAfter(AFTER)
                    .build());

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void shouldCountReadingsOfAPatientWithoutAnAnchorOnlyOnceTheyHaveWaitedLongerThanTheThreshold() {
        t.send(aReading().patient(ORPHAN).at(DAY_1).build());
        t.send(aReading()
                .patient(ORPHAN)
                .of("LYMPH")
                .value(0.6, "10*9/L")
                .at(DAY_3)
                .build());
        t.send(anEvent(EventType.INFUSION).patient(ANCHORED).at(INFUSION).build());
        t.send(aReading().patient(ANCHORED).at(DAY_3).build());

        t.advanceWallClock(AFTER.minus(CHECK));
        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isZero();

        t.advanceWallClock(CHECK);
        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isEqualTo(1.0);
        assertThat(t.gauge(PipelineCounters.ORPHAN_READINGS)).isEqualTo(2.0);
        assertThat(t.storeKeys(PatientStores.UNANCHORED)).containsExactly(ORPHAN);
        assertThat(t.meters.getMeters())
                .allSatisfy(m -> assertThat(m.getId().toString()).doesNotContain(ORPHAN));
    }

    @Test
    void shouldWaitFromTheFirstReadingNotTheLatest() {
        t.send(aReading().patient(ORPHAN).at(DAY_1).build());
        t.advanceWallClock(Duration.ofMinutes(50));
        t.send(aReading().patient(ORPHAN).at(DAY_3).build());

        t.advanceWallClock(Duration.ofMinutes(10));

        assertThat(t.gauge(PipelineCounters.ORPHAN_READINGS)).isEqualTo(2.0);
    }

    @Test
    void shouldStopCountingAndForgetThePatientWhenItsAnchorArrives() {
        t.send(aReading().patient(ORPHAN).at(DAY_1).build());
        t.advanceWallClock(AFTER);
        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isEqualTo(1.0);

        t.send(anEvent(EventType.RANDOMIZED)
                .patient(ORPHAN)
                .at(INFUSION)
                .arm("CONTROL")
                .build());
        t.advanceWallClock(CHECK);

        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isZero();
        assertThat(t.gauge(PipelineCounters.ORPHAN_READINGS)).isZero();
        assertThat(t.storeKeys(PatientStores.UNANCHORED)).isEmpty();
    }

    @Test
    void shouldNeverCountAPatientWhoseAnchorCameFirst() {
        t.send(anEvent(EventType.INFUSION).patient(ANCHORED).at(INFUSION).build());
        t.send(aReading().patient(ANCHORED).at(DAY_3).build());

        t.advanceWallClock(AFTER.plus(CHECK));

        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isZero();
        assertThat(t.storeKeys(PatientStores.UNANCHORED)).isEmpty();
    }

    @Test
    void shouldWaitAgainFromNowWhenTheAnchorIsRetracted() {
        t.send(anEvent(EventType.INFUSION)
                .id("INF-1")
                .patient(ORPHAN)
                .at(INFUSION)
                .build());
        t.send(aReading().patient(ORPHAN).at(DAY_3).build());
        t.advanceWallClock(AFTER.multipliedBy(2));

        t.send(anEvent(EventType.INFUSION)
                .id("INF-1")
                .revision(1)
                .patient(ORPHAN)
                .at(INFUSION)
                .enteredInError()
                .build());
        t.advanceWallClock(AFTER.minus(CHECK));
        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isZero();
        t.advanceWallClock(CHECK);

        assertThat(t.gauge(PipelineCounters.ORPHAN_READINGS)).isEqualTo(1.0);
    }

    @Test
    void shouldNotCountAPatientWhoseReadingsWereAllRetracted() {
        t.send(aReading().id("R-GONE").patient(ORPHAN).at(DAY_1).build());
        t.send(aReading()
                .id("R-GONE")
                .revision(1)
                .patient(ORPHAN)
                .at(DAY_1)
                .status(ResultStatus.DELETED)
                .build());

        t.advanceWallClock(AFTER.plus(CHECK));

        assertThat(t.gauge(PipelineCounters.ORPHAN_PATIENTS)).isZero();
    }

    @Test
    void shouldLogTheTallyWithoutPatientIdsWhenOrphansAppearAndWhenTheyAreGone() {
        try (LogCapture logs = LogCapture.atLevel(Level.INFO)) {
            t.send(aReading().patient(ORPHAN).at(DAY_1).build());
            t.send(aReading().patient(ORPHAN).at(DAY_3).build());
            t.advanceWallClock(AFTER);
            t.advanceWallClock(CHECK.multipliedBy(3));
            t.send(anEvent(EventType.INFUSION).patient(ORPHAN).at(INFUSION).build());
            t.advanceWallClock(CHECK);

            assertThat(logs.linesContaining(OrphanWatch.class.getName()))
                    .satisfiesExactly(
                            appeared -> assertThat(appeared)
                                    .contains(" WARN ")
                                    .contains("2 readings of 1 patients have waited longer than PT1H")
                                    .contains("--patient-id-rule"),
                            gone -> assertThat(gone).contains(" INFO ").contains("No readings wait"));
            assertThat(logs.linesContaining(ORPHAN)).isEmpty();
        }
    }

    @Test
    void shouldRegisterTheGaugesAtZeroBeforeAnyRecord() {
        assertThat(t.meters.find(PipelineCounters.ORPHAN_PATIENTS).gauge()).isNotNull();
        assertThat(t.meters.find(PipelineCounters.ORPHAN_READINGS).gauge()).isNotNull();
        assertThat(t.gauge(PipelineCounters.ORPHAN_READINGS)).isZero();
    }
}
