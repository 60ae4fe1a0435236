package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.DateShift;
import org.junit.jupiter.api.Test;

class DateShiftedRecordsTest {

    private static final DateShift SHIFT =
            DateShift.withKey("a-date-shift-key-of-at-least-32-bytes".getBytes(StandardCharsets.US_ASCII), 180);
    private static final Instant INFUSION = Instant.parse("2020-02-14T09:30:00Z");
    private static final Instant DAY_3 = Instant.parse("2020-02-17T06:00:00Z");

    private static TrajectoryPoint point(String patient) {
        return TrajectoryPoint.newBuilder()
                .setPatientId(patient)
                .setAnalyte("CRP")
                .setReadingId("r1")
                .setRevision(0)
                .setObservedAt(DAY_3)
                .setReceivedAt(DAY_3.plusSeconds(60))
                .setValue(12.5)
                .setUnit("mg/L")
                .setAdy(4)
                .setPdy(3)
                .setHoursSinceAnchor(68.5)
                .build();
    }

    @Test
    void shouldShiftEveryTimeOfThePointAndKeepStudyDaysAndHours() {
        TrajectoryPoint original = point("psn-abc");
        Duration by = Duration.ofDays(SHIFT.days("psn-abc"));

        TrajectoryPoint shifted = DateShiftedRecords.shift(original, SHIFT);

        assertThat(shifted.getObservedAt()).isEqualTo(DAY_3.plus(by));
        assertThat(shifted.getReceivedAt()).isEqualTo(DAY_3.plusSeconds(60).plus(by));
        assertThat(shifted.getAdy()).isEqualTo(4);
        assertThat(shifted.getPdy()).isEqualTo(3);
        assertThat(shifted.getHoursSinceAnchor()).isEqualTo(68.5);
        assertThat(shifted.getPatientId()).isEqualTo("psn-abc");
        assertThat(original.getObservedAt()).as("the original is left alone").isEqualTo(DAY_3);
    }

    @Test
    void shouldShiftAllRecordsOfAPatientAlikeSoThatIntervalsStay() {
        BiomarkerSummary summary = BiomarkerSummary.newBuilder()
                .setPatientId("psn-abc")
                .setAnalyte("CRP")
                .setUnit("mg/L")
                .setAnchorAt(INFUSION)
                .setLatestAt(DAY_3)
                .setVisits(Map.of("D3", 5.0))
                .build();

        BiomarkerSummary shifted = DateShiftedRecords.shift(summary, SHIFT);
        TrajectoryPoint point = DateShiftedRecords.shift(point("psn-abc"), SHIFT);

        assertThat(Duration.between(shifted.getAnchorAt(), point.getObservedAt()))
                .isEqualTo(Duration.between(INFUSION, DAY_3));
        assertThat(shifted.getLatestAt()).isEqualTo(point.getObservedAt());
        assertThat(shifted.getBaselineAt()).isNull();
        assertThat(shifted.getVisits()).containsEntry("D3", 5.0);
    }

    @Test
    void shouldLeaveRecordsWithoutAPatientAndEverythingWithoutAShiftUnchanged() {
        CohortVisitSummary cohort = CohortVisitSummary.newBuilder()
                .setProtocol("p")
                .setArm("MSC")
                .setAnalyte("CRP")
                .setUnit("mg/L")
                .setVisit("D3")
                .setN(3)
                .setNMissing(0)
                .setUpdatedAt(INFUSION)
                .build();
        TrajectoryPoint point = point("P1");

        assertThat(DateShiftedRecords.shift(cohort, SHIFT)).isSameAs(cohort);
        assertThat(DateShiftedRecords.shift(point, DateShift.none())).isSameAs(point);
    }
}
