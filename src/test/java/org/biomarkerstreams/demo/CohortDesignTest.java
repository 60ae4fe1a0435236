package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.junit.jupiter.api.Test;

class CohortDesignTest {

    private static final CohortDesign DESIGN = new CohortDesign(
            List.of(
                    new ProtocolFile.DemoArm(
                            "UC-MSC",
                            true,
                            "UC-MSC",
                            "1x10^8 cells",
                            List.of(
                                    new ProtocolFile.Regimen(3, List.of(0)),
                                    new ProtocolFile.Regimen(2, List.of(0, 2, 4, 6))),
                            1,
                            1),
                    new ProtocolFile.DemoArm(
                            "PLACEBO",
                            false,
                            "placebo",
                            "100 mL",
                            List.of(new ProtocolFile.Regimen(4, List.of())),
                            0,
                            0)),
            Map.of(
                    "severity",
                    List.of(
                            new ProtocolFile.StratumValue("severe", 6, Map.of()),
                            new ProtocolFile.StratumValue(
                                    "critical", 3, Map.of("PFRATIO", new ProtocolFile.Range(90, 150))))),
            false,
            List.of(),
            List.of(14, 28),
            Map.of(),
            true,
            11,
            CohortSpec.SEED_000_START,
            ZoneId.of("Asia/Shanghai"));

    private final SyntheticCohort cohort = SyntheticCohort.generate(DESIGN);

    private Map<String, List<RawClinicalEvent>> byPatient() {
        return cohort.events().stream().collect(Collectors.groupingBy(RawClinicalEvent::patientId));
    }

    @Test
    void shouldGiveEachArmItsSizeAndEachRegimenItsInfusionsWhenDesigned() {
        Map<String, List<RawClinicalEvent>> events = byPatient();
        Map<String, Long> arms = events.values().stream()
                .map(list -> list.stream()
                        .filter(e -> e.arm() != null)
                        .findFirst()
                        .orElseThrow()
                        .arm())
                .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
        Map<Long, Long> infusionsPerPatient = events.values().stream()
                .map(list -> list.stream()
                        .filter(e -> e.type() == EventType.INFUSION)
                        .count())
                .collect(Collectors.groupingBy(n -> n, Collectors.counting()));

        assertThat(arms).containsExactlyInAnyOrderEntriesOf(Map.of("UC-MSC", 5L, "PLACEBO", 4L));
        assertThat(infusionsPerPatient).containsExactlyInAnyOrderEntriesOf(Map.of(0L, 4L, 1L, 3L, 4L, 2L));
    }

    @Test
    void shouldAnchorOnTheFirstInfusionAndSpaceTheRestByTheirDaysWhenRedosed() {
        for (List<RawClinicalEvent> events : byPatient().values()) {
            List<RawClinicalEvent> infusions =
                    events.stream().filter(e -> e.type() == EventType.INFUSION).toList();
            if (infusions.size() == 4) {
                assertThat(infusions.get(0).eventId()).endsWith("-INFUSION");
                assertThat(java.time.Duration.between(
                                infusions.get(0).at(), infusions.get(3).at()))
                        .isEqualTo(java.time.Duration.ofDays(6));
            }
        }
    }

    @Test
    void shouldPutTheAllocatedStrataOnTheEnrolledEventWhenStrataAreDesigned() {
        Map<String, Long> severity = cohort.events().stream()
                .filter(e -> e.type() == EventType.ENROLLED)
                .collect(Collectors.groupingBy(e -> e.strata().get("severity"), Collectors.counting()));
        long deaths =
                cohort.events().stream().filter(e -> e.type() == EventType.DIED).count();

        assertThat(severity).containsExactlyInAnyOrderEntriesOf(Map.of("severe", 6L, "critical", 3L));
        assertThat(deaths).isEqualTo(1);
    }

    @Test
    void shouldDrawEachArmsBaselinesFromItsOwnRangeWhenTheArmHasOne() {
        // Seed 002's shape: Group B's P/F baseline range lies below the generator's 120-290 mmHg.
        CohortDesign design = new CohortDesign(
                List.of(
                        new ProtocolFile.DemoArm(
                                "Group A",
                                true,
                                "UC-MSC",
                                "1x10^8 cells",
                                List.of(new ProtocolFile.Regimen(8, List.of(0, 2, 4, 6))),
                                0,
                                0),
                        new ProtocolFile.DemoArm(
                                "Group B",
                                true,
                                "UC-MSC",
                                "1x10^8 cells",
                                List.of(new ProtocolFile.Regimen(8, List.of(0, 2, 4, 6))),
                                0,
                                0,
                                Map.of("PFRATIO", new ProtocolFile.Range(60, 70)))),
                Map.of(),
                false,
                List.of(-1, 3, 7),
                List.of(),
                Map.of(),
                false,
                5,
                CohortSpec.SEED_000_START,
                ZoneId.of("Asia/Shanghai"));
        SyntheticCohort designed = SyntheticCohort.generate(design);
        Map<String, String> armOf = designed.events().stream()
                .filter(e -> e.type() == EventType.ENROLLED)
                .collect(Collectors.toMap(RawClinicalEvent::patientId, RawClinicalEvent::arm));

        Map<String, List<Double>> baselines = designed.readings().stream()
                .filter(r -> r.readingId().endsWith("-PFRATIO-D-1"))
                .collect(Collectors.groupingBy(
                        r -> armOf.get(r.patientId()),
                        Collectors.mapping(r -> Double.parseDouble(r.value()), Collectors.toList())));

        // The P/F noise is log-normal with SD 0.06, so a value stays within exp(+-0.3) (5 SD) of its drawn baseline.
        // About 4% of baselines are drawn normal (P/F > 300) whatever the range; they are left out.
        assertThat(baselines.get("Group B").stream().filter(v -> v <= 300))
                .hasSizeGreaterThan(4)
                .allSatisfy(v -> assertThat(v).isBetween(60 * Math.exp(-0.3), 70 * Math.exp(0.3)));
        assertThat(baselines.get("Group A")).hasSizeGreaterThan(4).allSatisfy(v -> assertThat(v)
                .isGreaterThanOrEqualTo(120 * Math.exp(-0.3)));
    }

    @Test
    void shouldSendDdimerAsDduWhenTheDesignSaysSo() {
        assertThat(cohort.readings().stream().filter(r -> "DDIMER".equals(r.analyte())))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.loinc()).isEqualTo(SyntheticCohort.DDIMER_DDU_LOINC));
    }

    @Test
    void shouldGiveTheSameCohortWhenTheDesignIsTheSame() {
        SyntheticCohort again = SyntheticCohort.generate(DESIGN);

        assertThat(again.events()).isEqualTo(cohort.events());
        assertThat(again.readings()).isEqualTo(cohort.readings());
    }
}
