package org.biomarkerstreams.demo;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A synthetic cohort shaped like a given trial (a protocol file's {@code demo} section): its arms with their sizes,
 * infusion schedules and kinetics, its strata with fixed counts, its draw days and baseline ranges. {@link
 * CohortSpec} is the seed-000 shape alone; this is the general one. Days are protocol days (anchor = first infusion
 * = day 0).
 *
 * @param arms the arms, in the order the protocol lists them
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
        List<Arm> arms,
        Map<String, List<Stratum>> strata,
        boolean deriveSeverity,
        List<Integer> drawDays,
        List<Integer> outpatientDays,
        Map<String, Range> baselines,
        boolean ddimerDdu,
        long seed,
        Instant studyStart,
        ZoneId zone) {

    /** Baseline values drawn uniformly from {@code [low, high)}. */
    public record Range(double low, double high) {
        public Range {
            if (!(low > 0 && low <= high)) {
                throw new IllegalArgumentException("need 0 < low <= high, got " + low + ", " + high);
            }
        }
    }

    /** Patients of an arm with the same infusion days (first = 0); empty for an arm without infusions. */
    public record Regimen(int patients, List<Integer> infusionDays) {
        public Regimen {
            if (patients < 1) {
                throw new IllegalArgumentException("a regimen needs patients, got " + patients);
            }
            infusionDays = List.copyOf(infusionDays);
            if (!infusionDays.isEmpty() && infusionDays.get(0) != 0) {
                throw new IllegalArgumentException("the first infusion is the anchor, day 0; got " + infusionDays);
            }
        }
    }

    /**
     * One arm.
     *
     * @param label arm label on ENROLLED and RANDOMIZED
     * @param responds MSC kinetics (fast) when true, standard-care kinetics otherwise
     * @param product product on the INFUSION events
     * @param dose dose on the INFUSION events
     * @param regimens patients by infusion schedule
     * @param progressors patients who worsen until day 4–8
     * @param deaths progressors who die (days 9–24)
     */
    public record Arm(
            String label,
            boolean responds,
            String product,
            String dose,
            List<Regimen> regimens,
            int progressors,
            int deaths) {
        public Arm {
            Objects.requireNonNull(label, "label");
            regimens = List.copyOf(regimens);
            if (deaths < 0 || progressors < deaths || progressors > patientsOf(regimens)) {
                throw new IllegalArgumentException(label + ": need 0 <= deaths <= progressors <= patients");
            }
        }

        public int patients() {
            return patientsOf(regimens);
        }

        private static int patientsOf(List<Regimen> regimens) {
            return regimens.stream().mapToInt(Regimen::patients).sum();
        }
    }

    /** Patients with one value of a strata label, and the baseline ranges that differ for them. */
    public record Stratum(String value, int patients, Map<String, Range> baselines) {
        public Stratum {
            Objects.requireNonNull(value, "value");
            baselines = Map.copyOf(baselines);
        }
    }

    public CohortDesign {
        arms = List.copyOf(arms);
        if (arms.isEmpty() || arms.stream().mapToInt(Arm::patients).sum() == 0) {
            throw new IllegalArgumentException("a cohort needs at least one patient");
        }
        strata = Map.copyOf(strata);
        int total = arms.stream().mapToInt(Arm::patients).sum();
        strata.forEach((label, values) -> {
            if (values.stream().mapToInt(Stratum::patients).sum() != total) {
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
        return arms.stream().mapToInt(Arm::patients).sum();
    }
}
