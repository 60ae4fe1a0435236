package org.biomarkerstreams.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.protocol.ProtocolFile;

/**
 * A seeded synthetic trial cohort shaped like seed 000 (UC-MSC vs standard treatment in severe COVID-19), for the
 * demo and for tests. The same {@link CohortSpec} always gives the same patients, ids, events and values.
 *
 * <p><b>Timeline</b> of each patient, in the site zone, with protocol day 0 = the anchor day: enrollment dates are
 * spread over the 30 days from {@code studyStart}; {@code ENROLLED} (arm and {@code severity} stratum) on day −2 in
 * the afternoon; baseline draw on day −1 between 06:00 and 09:00. MSC patients are {@code RANDOMIZED} on day −1 in
 * the afternoon and receive the {@code INFUSION} (2×10^6 cells/kg UC-MSC) on day 0 at 10:00. Control patients have
 * no infusion, so their anchor is the randomization (docs/semantics.md, "Anchor"); it is placed on day 0 at 10:00 so that a draw
 * on protocol day {@code d} is protocol day {@code d} in both arms and the arms compare visit for visit. Follow-up
 * draws on days 1, 3, 5, 7, 10, 14, 21, 28, 06:00–09:00; about 10% of follow-up draws and 2% of baselines are
 * missing at random. After death there are none; after discharge only the outpatient visits on days 14 and 28
 * (venous blood: no PaO2/FiO2), as a trial's follow-up schedule would have them. A result reaches the feed 1–3 hours after the
 * draw ({@code receivedAt}).
 *
 * <p><b>Trajectories.</b> Each patient has, per marker, an abnormal baseline {@code b} (about 4% of baselines are
 * already normal) and a patient-specific healthy value {@code h}, and relaxes with first-order kinetics
 * {@code v(t) = h + (b − h)·exp(−k·max(0, t − lag))}, {@code t} in days since the anchor, {@code k = ln 2 / t½}
 * scaled by a per-patient responsiveness factor (log-normal, SD 0.2) shared by all markers. Every value then gets
 * multiplicative log-normal noise.
 *
 * <table>
 *   <caption>Ranges and kinetics (t½ in days, lag in days, MSC / control)</caption>
 *   <tr><th>marker<th>baseline b<th>healthy h<th>normal<th>t½<th>lag<th>noise SD
 *   <tr><td>CRP mg/L<td>20–90<td>1–5<td>&lt; 10<td>2 / 6<td>0 / 0<td>0.12
 *   <tr><td>IL6 pg/mL<td>15–60<td>1.5–5<td>&lt; 7<td>2 / 5<td>0 / 0<td>0.15
 *   <tr><td>LYMPH 10^9/L<td>0.4–0.95<td>1.5–2.0<td>&ge; 1.1<td>2.5 / 6<td>3 / 9<td>0.08
 *   <tr><td>DDIMER ng/mL FEU<td>600–3000<td>200–450<td>&lt; 500<td>3.5 / 7<td>0 / 0<td>0.12
 *   <tr><td>PFRATIO mmHg<td>120–290<td>360–460<td>&gt; 300<td>3 / 6<td>0 / 0<td>0.06
 * </table>
 *
 * <p>So the first normal CRP is typically on day 7 (5–10) with MSC and day 21 (14–28) without, and lymphocytes
 * pass 1.1 ×10^9/L on day 5–7 with MSC and day 14–21 without (the lag stands for the delayed lymphocyte recovery
 * of the seed). Over seeds 1–10000 the arm medians of the first normal day never overlap for CRP or lymphocytes
 * (MSC at most day 10, control at least day 14; {@code SyntheticCohortProperties} holds it).
 *
 * <p><b>Progressors:</b> like seed 000 (4 of 29 controls became critical, 3 died, none in the MSC arm), {@code
 * round(control × 4/29)} controls worsen geometrically until a peak on day 4–8 (CRP ×2–3.5, IL6 ×2.5–5, lymphocytes
 * ×0.4–0.6, D-dimer ×2–4, P/F 60–100 mmHg); {@code round(control × 3/29)} of them stay there and die between day 9
 * and 24, the others recover from the peak with control kinetics. <b>Discharge</b>: survivors leave 1–5 days after
 * the first scheduled draw at which their CRP, lymphocytes and P/F are back to normal in the model, not before day
 * 11; when that falls after day 30 there is no {@code DISCHARGED} event.
 *
 * <p><b>Feed realism.</b> Every reading carries the LOINC code and the PARAMCD (D-dimer's LOINC 48065-7 is what
 * says the assay is FEU). Units are mixed as real feeds mix them: CRP in mg/L, ~20% in mg/dL; lymphocytes in
 * {@code 10^9/L}, ~20% in {@code cells/uL}; D-dimer in ng/mL, ~20% in {@code mg/L FEU}; P/F in mmHg. Values are text
 * with the decimals a lab would print. Ids: patients {@code SYN-0001}…, readings {@code SYN-0001-CRP-D3} (baseline
 * {@code SYN-0001-CRP-D-1}), events {@code SYN-0001-INFUSION}; revision 0, status FINAL, source {@code synthetic}.
 */
public final class SyntheticCohort {

    public static final String MSC = "MSC";
    public static final String CONTROL = "CONTROL";
    public static final String SOURCE = "synthetic";
    public static final String SEVERITY = "severity";
    public static final String DOSE = "2x10^6 cells/kg";
    public static final String PRODUCT = "UC-MSC";
    /** D-dimer, DDU (a designed cohort's lab may use a DDU assay, as seed 001's did). */
    public static final String DDIMER_DDU_LOINC = "48066-5";

    /** Protocol days of the draws; −1 is the baseline. */
    public static final List<Integer> DRAW_DAYS = List.of(-1, 1, 3, 5, 7, 10, 14, 21, 28);
    /** Follow-up visits that still happen after discharge, as outpatient draws. */
    public static final List<Integer> OUTPATIENT_DAYS = List.of(14, 28);

    private static final int ENROLLMENT_DAYS = 30;
    private static final double PROGRESSOR_SHARE = 4.0 / 29;
    private static final double DEATH_SHARE = 3.0 / 29;

    /** One patient as allocated, before their course is drawn. */
    private record Enrollee(String arm, ClinicalCourse course, PatientShape shape) {}

    /** One patient's strata values by label, and the baseline ranges by PARAMCD its strata values set. */
    private record Stratification(Map<String, String> values, Map<String, ProtocolFile.Range> baselines) {}

    private final CohortSpec spec;
    private final List<RawClinicalEvent> events;
    private final List<RawReading> readings;

    private SyntheticCohort(CohortSpec spec, List<RawClinicalEvent> events, List<RawReading> readings) {
        this.spec = spec;
        this.events = List.copyOf(events);
        this.readings = List.copyOf(readings);
    }

    /** Generates the cohort of this spec. */
    public static SyntheticCohort generate(CohortSpec spec) {
        Objects.requireNonNull(spec, "spec");
        SplittableRandom root = new SplittableRandom(spec.seed());
        int total = spec.totalPatients();
        List<String> arms = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            arms.add(i < spec.mscPatients() ? MSC : CONTROL);
        }
        shuffle(arms, root);
        List<Integer> controls = positionsOf(arms, CONTROL::equals);
        ClinicalCourse[] courses = responding(total);
        worsen(
                courses,
                controls,
                (int) Math.round(controls.size() * PROGRESSOR_SHARE),
                (int) Math.round(controls.size() * DEATH_SHARE),
                root);
        List<Enrollee> enrollees = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            enrollees.add(new Enrollee(
                    arms.get(i), courses[i], PatientShape.legacy(arms.get(i).equals(MSC))));
        }
        return enroll(spec, enrollees, root);
    }

    /**
     * Generates a cohort shaped like a trial (see {@link CohortDesign}): the same draws, kinetics and feed realism as
     * {@link #generate(CohortSpec)}, with the design's arms, infusion days (an INFUSION event per infusion; the first
     * is the anchor), progressors and deaths per arm, strata values on the ENROLLED event, draw days and baseline
     * ranges (the design's, over them the arm's, over those the strata value's). {@link #spec()} of the result is a {@link CohortSpec} with the first arm's size as "MSC" and the rest as
     * "control", for callers that only want the totals.
     */
    public static SyntheticCohort generate(CohortDesign design) {
        Objects.requireNonNull(design, "design");
        SplittableRandom root = new SplittableRandom(design.seed());
        record Slot(ProtocolFile.DemoArm arm, ProtocolFile.Regimen regimen) {}
        List<Slot> slots = new ArrayList<>();
        for (ProtocolFile.DemoArm arm : design.arms()) {
            for (ProtocolFile.Regimen regimen : arm.regimens()) {
                slots.addAll(Collections.nCopies(regimen.patients(), new Slot(arm, regimen)));
            }
        }
        shuffle(slots, root);
        int total = slots.size();
        ClinicalCourse[] courses = responding(total);
        for (ProtocolFile.DemoArm arm : design.arms()) {
            worsen(courses, positionsOf(slots, slot -> slot.arm() == arm), arm.progressors(), arm.deaths(), root);
        }
        List<Stratification> strata = stratify(design, total, root);
        List<Enrollee> enrollees = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            Slot slot = slots.get(i);
            // The demo's ranges, then the arm's (seed 002: Group B's lower P/F), then the strata value's.
            Map<String, ProtocolFile.Range> baselines = new HashMap<>(design.baselines());
            baselines.putAll(slot.arm().baselines());
            baselines.putAll(strata.get(i).baselines());
            PatientShape shape = new PatientShape(
                    slot.arm().responds(),
                    slot.regimen().infusionPdys(),
                    slot.arm().product(),
                    slot.arm().dose(),
                    strata.get(i).values(),
                    design.deriveSeverity() && !design.strata().containsKey(SEVERITY),
                    baselines,
                    design.ddimerDdu(),
                    design.drawDays(),
                    design.outpatientDays());
            enrollees.add(new Enrollee(slot.arm().arm(), courses[i], shape));
        }
        int first = design.arms().get(0).patients();
        CohortSpec spec = new CohortSpec(first, total - first, design.seed(), design.studyStart(), design.zone());
        return enroll(spec, enrollees, root);
    }

    /**
     * Each patient's value of every strata label the design allocates (label by label in name order, each
     * shuffled on its own) with the baseline ranges its strata values set.
     */
    private static List<Stratification> stratify(CohortDesign design, int total, SplittableRandom root) {
        List<Stratification> patients = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            patients.add(new Stratification(new TreeMap<>(), new HashMap<>()));
        }
        for (Map.Entry<String, List<ProtocolFile.StratumValue>> label : new TreeMap<>(design.strata()).entrySet()) {
            List<ProtocolFile.StratumValue> values = new ArrayList<>();
            for (ProtocolFile.StratumValue stratum : label.getValue()) {
                values.addAll(Collections.nCopies(stratum.patients(), stratum));
            }
            shuffle(values, root);
            for (int i = 0; i < total; i++) {
                patients.get(i).values().put(label.getKey(), values.get(i).value());
                patients.get(i).baselines().putAll(values.get(i).baselines());
            }
        }
        return patients;
    }

    /**
     * Staggers the enrollees over the enrollment days (the earliest days to the first ids) and draws each one's
     * course from its own split of {@code root}.
     */
    private static SyntheticCohort enroll(CohortSpec spec, List<Enrollee> enrollees, SplittableRandom root) {
        List<Integer> enrollmentOffsets = new ArrayList<>(enrollees.size());
        for (int i = 0; i < enrollees.size(); i++) {
            enrollmentOffsets.add(root.nextInt(ENROLLMENT_DAYS));
        }
        Collections.sort(enrollmentOffsets);

        LocalDate firstDate = spec.studyStart().atZone(spec.zone()).toLocalDate();
        List<RawClinicalEvent> events = new ArrayList<>();
        List<RawReading> readings = new ArrayList<>();
        for (int i = 0; i < enrollees.size(); i++) {
            Enrollee enrollee = enrollees.get(i);
            String patientId = String.format(Locale.ROOT, "SYN-%04d", i + 1);
            LocalDate day0 = firstDate.plusDays(enrollmentOffsets.get(i) + 2L);
            new PatientCourse(
                            patientId,
                            enrollee.arm(),
                            enrollee.course(),
                            day0,
                            spec.zone(),
                            root.split(),
                            enrollee.shape())
                    .emit(events, readings);
        }
        return new SyntheticCohort(spec, events, readings);
    }

    public CohortSpec spec() {
        return spec;
    }

    /** All clinical events, patient by patient, each patient's in time order. */
    public List<RawClinicalEvent> events() {
        return events;
    }

    /** All readings, patient by patient, each patient's in draw order. */
    public List<RawReading> readings() {
        return readings;
    }

    /**
     * Events and readings merged in the order a feed would deliver them: readings at {@code receivedAt}, events at
     * their {@code at}; ties by id so the order is stable. Each element is a {@link RawReading} or a {@link
     * RawClinicalEvent}.
     */
    public List<Object> inArrivalOrder() {
        record Arrival(Instant at, String id, Object record) {}
        List<Arrival> arrivals = new ArrayList<>(events.size() + readings.size());
        events.forEach(e -> arrivals.add(new Arrival(e.at(), e.eventId(), e)));
        readings.forEach(r -> arrivals.add(new Arrival(r.receivedAt(), r.readingId(), r)));
        arrivals.sort(Comparator.comparing(Arrival::at).thenComparing(Arrival::id));
        return arrivals.stream().map(Arrival::record).toList();
    }

    private static ClinicalCourse[] responding(int patients) {
        ClinicalCourse[] courses = new ClinicalCourse[patients];
        Arrays.fill(courses, ClinicalCourse.RESPONDS);
        return courses;
    }

    /** Picks an arm's progressors at random among its members; the first {@code deaths} of them die. */
    private static void worsen(
            ClinicalCourse[] courses, List<Integer> members, int progressors, int deaths, SplittableRandom random) {
        shuffle(members, random);
        for (int i = 0; i < progressors; i++) {
            courses[members.get(i)] = i < deaths ? ClinicalCourse.DIES : ClinicalCourse.PROGRESSES_AND_RECOVERS;
        }
    }

    private static <T> List<Integer> positionsOf(List<T> list, Predicate<T> member) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (member.test(list.get(i))) {
                positions.add(i);
            }
        }
        return positions;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
