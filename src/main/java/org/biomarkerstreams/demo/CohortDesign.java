package org.biomarkerstreams.demo;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.biomarkerstreams.protocol.ProtocolFile.DemoArm;
import org.biomarkerstreams.protocol.ProtocolFile.Range;
import org.biomarkerstreams.protocol.ProtocolFile.Regimen;
import org.biomarkerstreams.protocol.ProtocolFile.StratumValue;

/**
 * A synthetic cohort shaped like a given trial (a protocol file's {@code demo} section): its arms with their sizes,
 * infusion schedules and kinetics, its strata with fixed counts, its draw days and baseline ranges. {@link
 * CohortSpec} is the seed-000 shape alone; this is the general one. Days are protocol days (anchor = first infusion
 * = day 0).
 *
 * @param arms the arms, in the order the protocol lists them (regimens by infusion days, first = 0)
 * @param strata per strata label, its values with patient counts adding up to the cohort; a label the protocol
 *     declares but this map does not allocate is left off, except {@code severity}, which is then derived from the
 *     baseline P/F as in the seed-000 shape (see {@link #deriveSeverity})
 * @param deriveSeverity whether {@code severity} is derived from the baseline P/F when not allocated
 * @param drawDays protocol days of the blood draws; negative ones are baselines
 * @param outpatientDays draws that still happen after discharge (venous: no P/F)
 * @param baselines baseline ranges by PARAMCD (CRP, IL6, LYMPH, DDIMER, PFRATIO) in the canonical unit
 * @param ddimerDdu whether the lab's D-dimer assay reports DDU (LOINC 48066-5) instead of FEU (48065-7)
 * @param seed random seed; the same design always yields the same cohort
 * @param studyStart first possible enrollment instant
 * @param zone site time zone
 */
public record CohortDesign(
        List<DemoArm> arms,
        Map<String, List<StratumValue>> strata,
        boolean deriveSeverity,
        List<Integer> drawDays,
        List<Integer> outpatientDays,
        Map<String, Range> baselines,
        boolean ddimerDdu,
        long seed,
        Instant studyStart,
        ZoneId zone) {

    public CohortDesign {
        arms = List.copyOf(arms);
        if (arms.isEmpty() || arms.stream().mapToInt(DemoArm::patients).sum() == 0) {
            throw new IllegalArgumentException("a cohort needs at least one patient");
        }
        arms.forEach(CohortDesign::check);
        strata = Map.copyOf(strata);
        int total = arms.stream().mapToInt(DemoArm::patients).sum();
        strata.forEach((label, values) -> {
            if (values.stream().mapToInt(StratumValue::patients).sum() != total) {
                throw new IllegalArgumentException("strata " + label + " must allocate all " + total + " patients");
            }
        });
        drawDays = List.copyOf(drawDays.isEmpty() ? SyntheticCohort.DRAW_DAYS : drawDays);
        outpatientDays = List.copyOf(outpatientDays);
        baselines = Map.copyOf(baselines);
        Objects.requireNonNull(studyStart, "studyStart");
        Objects.requireNonNull(zone, "zone");
    }

    public int totalPatients() {
        return arms.stream().mapToInt(DemoArm::patients).sum();
    }

    /** What the generator needs of an arm: patients in every regimen, the anchor first, deaths among progressors. */
    private static void check(DemoArm arm) {
        Objects.requireNonNull(arm.arm(), "arm");
        for (Regimen regimen : arm.regimens()) {
            if (regimen.patients() < 1) {
                throw new IllegalArgumentException("a regimen needs patients, got " + regimen.patients());
            }
            if (!regimen.infusionPdys().isEmpty() && regimen.infusionPdys().get(0) != 0) {
                throw new IllegalArgumentException(
                        "the first infusion is the anchor, day 0; got " + regimen.infusionPdys());
            }
        }
        if (arm.deaths() < 0 || arm.progressors() < arm.deaths() || arm.progressors() > arm.patients()) {
            throw new IllegalArgumentException(arm.arm() + ": need 0 <= deaths <= progressors <= patients");
        }
    }
}
