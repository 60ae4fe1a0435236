package org.biomarkerstreams.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * Draws one patient's course of a {@link SyntheticCohort} and writes its events and readings. The random numbers are
 * drawn in a fixed order (trajectories, leaving, enrollment, then draw by draw): a seed's cohort, and the demo's
 * table printed from it, stay the same only as long as that order does.
 */
final class PatientCourse {

    private static final double MISSING_FOLLOW_UP = 0.10;
    private static final double MISSING_BASELINE = 0.02;
    private static final double NORMAL_BASELINE = 0.04;
    private static final int LAST_DISCHARGE_DAY = 30;
    private static final int FIRST_DISCHARGE_DAY = 10;
    private static final double MILLIS_PER_DAY = 86_400_000.0;
    /** A P/F below this at baseline is labelled critical, in the spirit of the 6th-edition Chinese guideline. */
    private static final double CRITICAL_PF = 150;

    private static final LocalTime ANCHOR_TIME = LocalTime.of(10, 0);

    /** How the patient leaves the study before day 30, if they do. */
    private record Leaving(EventType type, Instant at) {}

    private final String patientId;
    private final String arm;
    private final ClinicalCourse course;
    private final LocalDate day0;
    private final ZoneId zone;
    private final SplittableRandom random;
    private final PatientShape shape;

    PatientCourse(
            String patientId,
            String arm,
            ClinicalCourse course,
            LocalDate day0,
            ZoneId zone,
            SplittableRandom random,
            PatientShape shape) {
        this.patientId = patientId;
        this.arm = arm;
        this.course = course;
        this.day0 = day0;
        this.zone = zone;
        this.random = random;
        this.shape = shape;
    }

    void emit(List<RawClinicalEvent> events, List<RawReading> readings) {
        List<Trajectory> trajectories = trajectories();
        Instant anchor = at(0, ANCHOR_TIME);
        Leaving leaving = leaving(trajectories);
        enroll(
                events,
                anchor,
                trajectories.get(SyntheticMarker.PFRATIO.ordinal()).baseline());
        for (int day : shape.drawDays()) {
            draw(day, anchor, leaving, trajectories, readings);
        }
        if (leaving != null) {
            events.add(event(leaving.type().name(), leaving.type(), leaving.at(), Map.of()));
        }
    }

    private List<Trajectory> trajectories() {
        boolean msc = shape.responds();
        double responsiveness = Math.exp(0.2 * random.nextGaussian());
        double peakDay = random.nextDouble(4, 8);
        List<Trajectory> trajectories = new ArrayList<>();
        for (SyntheticMarker marker : SyntheticMarker.values()) {
            double healthy = random.nextDouble(marker.healthyLow, marker.healthyHigh);
            ProtocolFile.Range range = shape.baselines().get(marker.name());
            double low = range == null ? marker.baselineLow : range.low();
            double high = range == null ? marker.baselineHigh : Math.nextUp(range.high());
            double baseline = random.nextDouble() < NORMAL_BASELINE
                    ? healthy + (marker.limit - healthy) * random.nextDouble(0.2, 0.7)
                    : random.nextDouble(low, high);
            // A trial whose baselines are already near normal (seed 003) must not drift away from them.
            healthy = marker.lowIsAbnormal() ? Math.max(healthy, baseline) : Math.min(healthy, baseline);
            double halfLife = msc ? marker.halfLifeMsc : marker.halfLifeControl;
            double k = course == ClinicalCourse.DIES ? 0 : Math.log(2) / halfLife * responsiveness;
            double lag = (msc ? marker.lagMsc : marker.lagControl) / responsiveness;
            double worst = course == ClinicalCourse.RESPONDS ? Double.NaN : marker.worst(baseline, random);
            trajectories.add(new Trajectory(marker, baseline, healthy, k, lag, worst, peakDay));
        }
        return trajectories;
    }

    /** Death between day 9 and 24, or discharge 1–5 days after the first draw back to normal; null for neither. */
    private Leaving leaving(List<Trajectory> trajectories) {
        if (course == ClinicalCourse.DIES) {
            return new Leaving(
                    EventType.DIED, at(random.nextInt(9, 25), LocalTime.of(random.nextInt(24), random.nextInt(60))));
        }
        double recovered = trajectories.stream()
                .filter(t -> t.marker() != SyntheticMarker.IL6 && t.marker() != SyntheticMarker.DDIMER)
                .mapToDouble(Trajectory::normalizesAfter)
                .max()
                .orElse(0);
        int drawDay = shape.drawDays().stream()
                .filter(d -> d > 0 && d >= recovered)
                .findFirst()
                .orElse(Integer.MAX_VALUE / 2);
        int day = Math.max(FIRST_DISCHARGE_DAY, drawDay) + random.nextInt(1, 6);
        if (day > LAST_DISCHARGE_DAY) {
            return null;
        }
        return new Leaving(EventType.DISCHARGED, at(day, LocalTime.of(random.nextInt(11, 16), random.nextInt(60))));
    }

    /** ENROLLED with the strata, RANDOMIZED, and the infusions; a control's randomization is its anchor. */
    private void enroll(List<RawClinicalEvent> events, Instant anchor, double baselinePf) {
        Map<String, String> strata = new TreeMap<>(shape.strata());
        if (shape.deriveSeverity()) {
            strata.put(SyntheticCohort.SEVERITY, baselinePf < CRITICAL_PF ? "critical" : "severe");
        }
        events.add(event("ENROLLED", EventType.ENROLLED, at(-2, afternoon()), strata));
        if (shape.infusionDays().isEmpty()) {
            events.add(event("RANDOMIZED", EventType.RANDOMIZED, anchor, Map.of()));
            return;
        }
        events.add(event("RANDOMIZED", EventType.RANDOMIZED, at(-1, afternoon()), Map.of()));
        for (int infusionDay : shape.infusionDays()) {
            events.add(new RawClinicalEvent(
                    patientId + "-INFUSION" + (infusionDay == 0 ? "" : "-D" + infusionDay),
                    0,
                    patientId,
                    EventType.INFUSION,
                    infusionDay == 0 ? anchor : at(infusionDay, ANCHOR_TIME),
                    null,
                    Map.of(),
                    shape.dose(),
                    shape.product(),
                    false,
                    SyntheticCohort.SOURCE));
        }
    }

    /** The readings of one scheduled draw: none after death, only outpatient visits after discharge. */
    private void draw(
            int day, Instant anchor, Leaving leaving, List<Trajectory> trajectories, List<RawReading> readings) {
        Instant drawn = at(day, LocalTime.of(6, 0).plusMinutes(random.nextInt(180)));
        boolean outpatient = false;
        if (leaving != null && !drawn.isBefore(leaving.at())) {
            if (leaving.type() != EventType.DISCHARGED
                    || !shape.outpatientDays().contains(day)) {
                return;
            }
            outpatient = true;
        }
        double t = Duration.between(anchor, drawn).toMillis() / MILLIS_PER_DAY;
        Instant received = drawn.plus(Duration.ofMinutes(random.nextInt(60, 181)));
        double missing = day < 0 ? MISSING_BASELINE : MISSING_FOLLOW_UP;
        for (Trajectory trajectory : trajectories) {
            if (random.nextDouble() < missing) {
                continue;
            }
            SyntheticMarker marker = trajectory.marker();
            if (outpatient && marker == SyntheticMarker.PFRATIO) {
                continue;
            }
            double value = trajectory.at(t) * Math.exp(marker.noise * random.nextGaussian());
            String[] spelled = marker.spell(value, random, shape.ddimerDdu());
            readings.add(new RawReading(
                    patientId + "-" + marker.name() + "-D" + day,
                    0,
                    patientId,
                    marker == SyntheticMarker.DDIMER && shape.ddimerDdu()
                            ? SyntheticCohort.DDIMER_DDU_LOINC
                            : marker.loinc,
                    marker.name(),
                    spelled[0],
                    spelled[1],
                    drawn,
                    ResultStatus.FINAL,
                    null,
                    null,
                    SyntheticCohort.SOURCE,
                    received));
        }
    }

    private RawClinicalEvent event(String suffix, EventType type, Instant at, Map<String, String> strata) {
        boolean carriesArm = type == EventType.ENROLLED || type == EventType.RANDOMIZED;
        return new RawClinicalEvent(
                patientId + "-" + suffix,
                0,
                patientId,
                type,
                at,
                carriesArm ? arm : null,
                strata,
                null,
                null,
                false,
                SyntheticCohort.SOURCE);
    }

    private LocalTime afternoon() {
        return LocalTime.of(random.nextInt(13, 18), random.nextInt(60));
    }

    private Instant at(int protocolDay, LocalTime time) {
        return day0.plusDays(protocolDay).atTime(time).atZone(zone).toInstant();
    }
}
