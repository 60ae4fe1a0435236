package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.RangeIndicator;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.domain.StudyDay;
import org.junit.jupiter.api.Test;

class SyntheticCohortTest {

    private static final SyntheticCohort SEED_000 = SyntheticCohort.generate(CohortSpec.seed000(42));

    @Test
    void shouldGiveTheSameCohortWhenTheSeedIsTheSame() {
        SyntheticCohort again = SyntheticCohort.generate(CohortSpec.seed000(42));

        assertThat(again.events()).isEqualTo(SEED_000.events());
        assertThat(again.readings()).isEqualTo(SEED_000.readings());
    }

    @Test
    void shouldGiveOtherValuesWhenTheSeedDiffers() {
        SyntheticCohort other = SyntheticCohort.generate(CohortSpec.seed000(43));

        assertThat(other.readings()).isNotEqualTo(SEED_000.readings());
    }

    @Test
    void shouldRandomizeTwelveToMscAndTwentyNineToControlWhenSeed000() {
        Map<String, Long> arms = SEED_000.events().stream()
                .filter(e -> e.type() == EventType.RANDOMIZED)
                .collect(Collectors.groupingBy(RawClinicalEvent::arm, Collectors.counting()));

        assertThat(arms).containsExactlyInAnyOrderEntriesOf(Map.of("MSC", 12L, "CONTROL", 29L));
        assertThat(patients()).hasSize(41).contains("SYN-0001", "SYN-0041");
    }

    @Test
    void shouldGiveEachPatientEnrollmentWithArmAndSeverityWhenGenerating() {
        List<RawClinicalEvent> enrolled = ofType(EventType.ENROLLED);

        assertThat(enrolled).hasSize(41).allSatisfy(e -> {
            assertThat(e.arm()).isIn("MSC", "CONTROL");
            assertThat(e.strata()).containsOnlyKeys("severity");
            assertThat(e.strata().get("severity")).isIn("severe", "critical");
        });
        assertThat(enrolled).extracting(e -> e.strata().get("severity")).contains("severe");
    }

    @Test
    void shouldInfuseOnlyMscPatientsAtTenLocalTimeWhenGenerating() {
        Set<String> msc = armOf("MSC");
        List<RawClinicalEvent> infusions = ofType(EventType.INFUSION);

        assertThat(infusions).extracting(RawClinicalEvent::patientId).containsExactlyInAnyOrderElementsOf(msc);
        assertThat(infusions).allSatisfy(e -> {
            assertThat(e.dose()).isEqualTo("2x10^6 cells/kg");
            assertThat(e.product()).isEqualTo("UC-MSC");
            assertThat(e.at().atZone(ZoneId.of("UTC")).toLocalTime()).isEqualTo(LocalTime.of(10, 0));
        });
    }

    @Test
    void shouldRandomizeMscTheDayBeforeInfusionWhenGenerating() {
        Map<String, Instant> infusion = new HashMap<>();
        ofType(EventType.INFUSION).forEach(e -> infusion.put(e.patientId(), e.at()));

        assertThat(ofType(EventType.RANDOMIZED))
                .filteredOn(e -> e.arm().equals("MSC"))
                .allSatisfy(e -> assertThat(StudyDay.pdy(infusion.get(e.patientId()), e.at(), ZoneId.of("UTC")))
                        .isEqualTo(-1));
    }

    @Test
    void shouldKillThreeControlsAndNoMscPatientWhenSeed000() {
        Set<String> control = armOf("CONTROL");

        assertThat(ofType(EventType.DIED)).hasSize(3).allSatisfy(e -> assertThat(control)
                .contains(e.patientId()));
    }

    @Test
    void shouldDischargeMostSurvivorsBetweenDayTenAndThirtyWhenGenerating() {
        Map<String, Instant> anchors = anchors(SEED_000);
        List<RawClinicalEvent> discharged = ofType(EventType.DISCHARGED);

        assertThat(discharged.size()).isGreaterThanOrEqualTo(38 * 2 / 3);
        assertThat(discharged)
                .allSatisfy(e -> assertThat(StudyDay.pdy(anchors.get(e.patientId()), e.at(), ZoneId.of("UTC")))
                        .isBetween(10, 30));
    }

    @Test
    void shouldDrawOnlyOutpatientVisitsAfterDischargeAndNothingAfterDeath() {
        Map<String, RawClinicalEvent> leaves = new HashMap<>();
        SEED_000.events().stream()
                .filter(e -> e.type() == EventType.DISCHARGED || e.type() == EventType.DIED)
                .forEach(e -> leaves.put(e.patientId(), e));

        List<RawReading> afterLeaving = SEED_000.readings().stream()
                .filter(r -> leaves.containsKey(r.patientId()))
                .filter(r -> !r.observedAt().isBefore(leaves.get(r.patientId()).at()))
                .toList();
        assertThat(afterLeaving).isNotEmpty().allSatisfy(r -> {
            assertThat(leaves.get(r.patientId()).type()).isEqualTo(EventType.DISCHARGED);
            assertThat(r.readingId()).matches(".*-D(14|28)");
            assertThat(r.analyte()).isNotEqualTo("PFRATIO");
        });
    }

    @Test
    void shouldNormalizeEveryReadingWhenGivenToTheReadingNormalizer() {
        for (long seed = 1; seed <= 20; seed++) {
            for (RawReading reading :
                    SyntheticCohort.generate(CohortSpec.seed000(seed)).readings()) {
                Result<NormalizedValue> result = FirstNormalDays.NORMALIZER.normalize(
                        reading.loinc(), reading.analyte(), reading.value(), reading.unit());
                assertThat(result.isOk())
                        .as("%s %s %s: %s", reading.readingId(), reading.value(), reading.unit(), result)
                        .isTrue();
                assertThat(result.value().analyte().paramcd()).isEqualTo(reading.analyte());
            }
        }
    }

    @Test
    void shouldClassifyDdimerAsFeuWhenNormalized() {
        assertThat(SEED_000.readings())
                .filteredOn(r -> r.analyte().equals("DDIMER"))
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.loinc()).isEqualTo("48065-7");
                    assertThat(FirstNormalDays.normalize(r).assayType().name()).isEqualTo("FEU");
                });
    }

    @Test
    void shouldMixUnitSpellingsWhenWritingValues() {
        List<RawReading> readings =
                SyntheticCohort.generate(CohortSpec.scaled(400, 7)).readings();

        assertThat(share(readings, "CRP", "mg/dL")).isBetween(0.15, 0.25);
        assertThat(share(readings, "CRP", "mg/L")).isBetween(0.75, 0.85);
        assertThat(share(readings, "LYMPH", "cells/uL")).isBetween(0.15, 0.25);
        assertThat(share(readings, "LYMPH", "10^9/L")).isBetween(0.75, 0.85);
        assertThat(readings).filteredOn(r -> r.unit().equals("cells/uL")).allSatisfy(r -> assertThat(r.value())
                .matches("\\d+"));
        assertThat(readings).filteredOn(r -> r.unit().equals("10^9/L")).allSatisfy(r -> assertThat(r.value())
                .matches("\\d+\\.\\d\\d"));
    }

    @Test
    void shouldGiveStableIdsAndFinalStatusWhenWritingReadings() {
        assertThat(SEED_000.readings()).allSatisfy(r -> {
            assertThat(r.readingId()).matches("SYN-\\d{4}-(CRP|IL6|LYMPH|DDIMER|PFRATIO)-D-?\\d+");
            assertThat(r.readingId()).startsWith(r.patientId() + "-" + r.analyte() + "-D");
            assertThat(r.revision()).isZero();
            assertThat(r.status()).isEqualTo(ResultStatus.FINAL);
            assertThat(r.source()).isEqualTo("synthetic");
            assertThat(r.receivedAt()).isAfter(r.observedAt());
        });
        assertThat(SEED_000.readings())
                .extracting(RawReading::readingId)
                .doesNotHaveDuplicates()
                .contains("SYN-0001-CRP-D-1");
    }

    @Test
    void shouldDrawBetweenSixAndNineLocalOnProtocolDaysWhenZoneIsNotUtc() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        SyntheticCohort cohort =
                SyntheticCohort.generate(new CohortSpec(12, 29, 5, Instant.parse("2020-02-01T00:00:00Z"), shanghai));
        Map<String, Instant> anchors = anchors(cohort);

        assertThat(cohort.readings()).allSatisfy(r -> {
            LocalTime local = r.observedAt().atZone(shanghai).toLocalTime();
            assertThat(local).isBetween(LocalTime.of(6, 0), LocalTime.of(9, 0));
            int pdy = StudyDay.pdy(anchors.get(r.patientId()), r.observedAt(), shanghai);
            assertThat(r.readingId()).endsWith("-D" + pdy);
        });
        assertThat(cohort.events())
                .filteredOn(e -> e.type() == EventType.INFUSION)
                .allSatisfy(
                        e -> assertThat(e.at().atZone(shanghai).toLocalTime()).isEqualTo(LocalTime.of(10, 0)));
    }

    @Test
    void shouldStaggerEnrollmentOverThirtyDaysWhenGenerating() {
        Instant start = Instant.parse("2020-02-01T00:00:00Z");
        List<ZonedDateTime> enrolled = ofType(EventType.ENROLLED).stream()
                .map(e -> e.at().atZone(ZoneId.of("UTC")))
                .toList();

        assertThat(enrolled)
                .allSatisfy(at -> assertThat(at.toInstant()).isBetween(start, start.plusSeconds(31 * 86_400L)));
        assertThat(enrolled.stream().map(ZonedDateTime::toLocalDate).distinct().count())
                .isGreaterThanOrEqualTo(12);
        assertThat(enrolled).isSortedAccordingTo((a, b) -> a.toLocalDate().compareTo(b.toLocalDate()));
    }

    @Test
    void shouldStartNearlyEveryoneAbnormalWhenBaselineIsDrawn() {
        List<RawReading> baselines = SEED_000.readings().stream()
                .filter(r -> r.readingId().endsWith("-D-1"))
                .toList();
        long abnormal = baselines.stream()
                .filter(r -> FirstNormalDays.normalize(r).rangeIndicator().orElseThrow() != RangeIndicator.NORMAL)
                .count();

        assertThat(baselines.size()).isGreaterThanOrEqualTo(41 * 5 * 9 / 10);
        assertThat((double) abnormal / baselines.size()).isGreaterThan(0.9);
    }

    @Test
    void shouldMissSomeFollowUpDrawsWhenGenerating() {
        long followUps = SEED_000.readings().stream()
                .filter(r -> !r.readingId().endsWith("-D-1"))
                .count();

        assertThat(followUps).isPositive();
        // 41 patients x 5 analytes x 8 follow-up days at most; discharge, death and ~10% random misses cut it.
        assertThat(followUps).isLessThan(41 * 5 * 8 * 9 / 10);
    }

    @Test
    void shouldMergeEverythingInArrivalOrderWhenAsked() {
        List<Object> merged = SEED_000.inArrivalOrder();

        assertThat(merged)
                .hasSize(SEED_000.events().size() + SEED_000.readings().size());
        assertThat(merged).containsAll(SEED_000.events()).containsAll(SEED_000.readings());
        assertThat(merged).extracting(SyntheticCohortTest::arrival).isSorted();
    }

    @Test
    void shouldKeepTheTwelveToTwentyNineRatioWhenScaled() {
        assertThat(CohortSpec.scaled(41, 1))
                .extracting(CohortSpec::mscPatients, CohortSpec::controlPatients)
                .containsExactly(12, 29);
        assertThat(CohortSpec.scaled(1000, 1))
                .extracting(CohortSpec::mscPatients, CohortSpec::controlPatients)
                .containsExactly(293, 707);
        assertThat(CohortSpec.scaled(2, 1))
                .extracting(CohortSpec::mscPatients, CohortSpec::controlPatients)
                .containsExactly(1, 1);
        assertThat(SyntheticCohort.generate(CohortSpec.scaled(1000, 1)).events())
                .filteredOn(e -> e.type() == EventType.ENROLLED)
                .hasSize(1000);
    }

    @Test
    void shouldRejectNoPatientsWhenScaled() {
        assertThatThrownBy(() -> CohortSpec.scaled(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--patients");
    }

    private static Instant arrival(Object record) {
        return record instanceof RawReading r ? r.receivedAt() : ((RawClinicalEvent) record).at();
    }

    private static double share(List<RawReading> readings, String analyte, String unit) {
        List<RawReading> of =
                readings.stream().filter(r -> r.analyte().equals(analyte)).toList();
        return (double) of.stream().filter(r -> r.unit().equals(unit)).count() / of.size();
    }

    private static Map<String, Instant> anchors(SyntheticCohort cohort) {
        Map<String, Instant> anchors = new HashMap<>();
        cohort.events().stream()
                .filter(e ->
                        e.type() == EventType.RANDOMIZED && e.arm().equals("CONTROL") || e.type() == EventType.INFUSION)
                .forEach(e -> anchors.put(e.patientId(), e.at()));
        return anchors;
    }

    private static List<RawClinicalEvent> ofType(EventType type) {
        return SEED_000.events().stream().filter(e -> e.type() == type).toList();
    }

    private static Set<String> armOf(String arm) {
        return ofType(EventType.RANDOMIZED).stream()
                .filter(e -> e.arm().equals(arm))
                .map(RawClinicalEvent::patientId)
                .collect(Collectors.toSet());
    }

    private static Set<String> patients() {
        return SEED_000.events().stream().map(RawClinicalEvent::patientId).collect(Collectors.toSet());
    }
}
