package org.biomarkerstreams.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.RangeIndicator;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.SampleStatistics;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.UnitConverter;

/**
 * A small batch reading of a synthetic cohort, independent of the topology: per arm, the protocol day of each
 * at-risk patient's first normal post-anchor reading (infinite when none), and its median.
 */
final class FirstNormalDays {

    static final ReadingNormalizer NORMALIZER = new ReadingNormalizer(SiteProfile.defaults(), new UnitConverter());

    private FirstNormalDays() {}

    /** Median over patients abnormal at baseline; a patient never seen normal counts as +infinity. */
    static double median(SyntheticCohort cohort, String arm, String analyte) {
        List<Double> days = days(cohort, arm, analyte);
        return days.isEmpty() ? Double.NaN : medianWithInfinity(days);
    }

    static List<Double> days(SyntheticCohort cohort, String arm, String analyte) {
        Map<String, Instant> anchors = new HashMap<>();
        Map<String, String> arms = new HashMap<>();
        for (RawClinicalEvent event : cohort.events()) {
            if (event.type() == EventType.RANDOMIZED) {
                arms.put(event.patientId(), event.arm());
                anchors.putIfAbsent(event.patientId(), event.at());
            }
            if (event.type() == EventType.INFUSION) {
                anchors.put(event.patientId(), event.at());
            }
        }
        Map<String, List<RawReading>> byPatient = new HashMap<>();
        for (RawReading reading : cohort.readings()) {
            if (reading.analyte().equals(analyte)) {
                byPatient
                        .computeIfAbsent(reading.patientId(), p -> new ArrayList<>())
                        .add(reading);
            }
        }
        List<Double> days = new ArrayList<>();
        byPatient.forEach((patient, readings) -> {
            if (!arm.equals(arms.get(patient))) {
                return;
            }
            Instant anchor = anchors.get(patient);
            readings.sort(Comparator.comparing(RawReading::observedAt));
            RawReading first = readings.get(0);
            if (first.observedAt().isAfter(anchor) || isNormal(first)) {
                return; // no baseline or not at risk
            }
            double day = Double.POSITIVE_INFINITY;
            for (RawReading reading : readings) {
                if (reading.observedAt().isAfter(anchor) && isNormal(reading)) {
                    day = StudyDay.pdy(
                            anchor, reading.observedAt(), cohort.spec().zone());
                    break;
                }
            }
            days.add(day);
        });
        return days;
    }

    static NormalizedValue normalize(RawReading reading) {
        return NORMALIZER
                .normalize(reading.loinc(), reading.analyte(), reading.value(), reading.unit())
                .value();
    }

    static boolean isNormal(RawReading reading) {
        return normalize(reading).rangeIndicator().orElseThrow() == RangeIndicator.NORMAL;
    }

    private static double medianWithInfinity(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        double lower = sorted.get((n - 1) / 2);
        double upper = sorted.get(n / 2);
        if (Double.isInfinite(lower) || Double.isInfinite(upper)) {
            return Double.POSITIVE_INFINITY;
        }
        double[] finite = sorted.stream().mapToDouble(Double::doubleValue).toArray();
        return SampleStatistics.quantile(finite, 0.5);
    }
}
