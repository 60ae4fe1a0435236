package org.biomarkerstreams.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

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
    private static final double MISSING_FOLLOW_UP = 0.10;
    private static final double MISSING_BASELINE = 0.02;
    private static final double NORMAL_BASELINE = 0.04;
    private static final double OTHER_UNIT = 0.20;
    private static final int LAST_DISCHARGE_DAY = 30;
    private static final int FIRST_DISCHARGE_DAY = 10;
    private static final double MILLIS_PER_DAY = 86_400_000.0;
    /** A P/F below this at baseline is labelled critical, in the spirit of the 6th-edition Chinese guideline. */
    private static final double CRITICAL_PF = 150;

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
        List<Integer> controls = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            if (arms.get(i).equals(CONTROL)) {
                controls.add(i);
            }
        }
        shuffle(controls, root);
        int progressors = (int) Math.round(controls.size() * PROGRESSOR_SHARE);
        int deaths = (int) Math.round(controls.size() * DEATH_SHARE);
        Course[] courses = new Course[total];
        Arrays.fill(courses, Course.RESPONDS);
        for (int i = 0; i < progressors; i++) {
            courses[controls.get(i)] = i < deaths ? Course.DIES : Course.PROGRESSES_AND_RECOVERS;
        }
        List<Integer> enrollmentOffsets = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            enrollmentOffsets.add(root.nextInt(ENROLLMENT_DAYS));
        }
        Collections.sort(enrollmentOffsets);

        LocalDate firstDate = spec.studyStart().atZone(spec.zone()).toLocalDate();
        List<RawClinicalEvent> events = new ArrayList<>();
        List<RawReading> readings = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String patientId = String.format(Locale.ROOT, "SYN-%04d", i + 1);
            LocalDate day0 = firstDate.plusDays(enrollmentOffsets.get(i) + 2L);
            boolean msc = arms.get(i).equals(MSC);
            new PatientCourse(patientId, arms.get(i), courses[i], day0, spec.zone(), root.split(), Shape.legacy(msc))
                    .emit(events, readings);
        }
        return new SyntheticCohort(spec, events, readings);
    }

    /**
     * Generates a cohort shaped like a trial (see {@link CohortDesign}): the same draws, kinetics and feed realism as
     * {@link #generate(CohortSpec)}, with the design's arms, infusion days (an INFUSION event per infusion; the first
     * is the anchor), progressors and deaths per arm, strata values on the ENROLLED event, draw days and baseline
     * ranges. {@link #spec()} of the result is a {@link CohortSpec} with the first arm's size as "MSC" and the rest as
     * "control", for callers that only want the totals.
     */
    public static SyntheticCohort generate(CohortDesign design) {
        Objects.requireNonNull(design, "design");
        SplittableRandom root = new SplittableRandom(design.seed());
        record Slot(CohortDesign.Arm arm, CohortDesign.Regimen regimen) {}
        List<Slot> slots = new ArrayList<>();
        for (CohortDesign.Arm arm : design.arms()) {
            for (CohortDesign.Regimen regimen : arm.regimens()) {
                for (int i = 0; i < regimen.patients(); i++) {
                    slots.add(new Slot(arm, regimen));
                }
            }
        }
        shuffle(slots, root);
        int total = slots.size();
        Course[] courses = new Course[total];
        Arrays.fill(courses, Course.RESPONDS);
        for (CohortDesign.Arm arm : design.arms()) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                if (slots.get(i).arm() == arm) {
                    members.add(i);
                }
            }
            shuffle(members, root);
            for (int i = 0; i < arm.progressors(); i++) {
                courses[members.get(i)] = i < arm.deaths() ? Course.DIES : Course.PROGRESSES_AND_RECOVERS;
            }
        }
        List<Map<String, String>> strata = new ArrayList<>();
        List<Map<String, CohortDesign.Range>> stratumBaselines = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            strata.add(new java.util.TreeMap<>());
            stratumBaselines.add(new java.util.HashMap<>(design.baselines()));
        }
        for (Map.Entry<String, List<CohortDesign.Stratum>> label :
                new java.util.TreeMap<>(design.strata()).entrySet()) {
            List<CohortDesign.Stratum> values = new ArrayList<>();
            for (CohortDesign.Stratum stratum : label.getValue()) {
                for (int i = 0; i < stratum.patients(); i++) {
                    values.add(stratum);
                }
            }
            shuffle(values, root);
            for (int i = 0; i < total; i++) {
                strata.get(i).put(label.getKey(), values.get(i).value());
                stratumBaselines.get(i).putAll(values.get(i).baselines());
            }
        }
        List<Integer> enrollmentOffsets = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            enrollmentOffsets.add(root.nextInt(ENROLLMENT_DAYS));
        }
        Collections.sort(enrollmentOffsets);

        LocalDate firstDate = design.studyStart().atZone(design.zone()).toLocalDate();
        List<RawClinicalEvent> events = new ArrayList<>();
        List<RawReading> readings = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String patientId = String.format(Locale.ROOT, "SYN-%04d", i + 1);
            LocalDate day0 = firstDate.plusDays(enrollmentOffsets.get(i) + 2L);
            Slot slot = slots.get(i);
            Shape shape = new Shape(
                    slot.arm().responds(),
                    slot.regimen().infusionDays(),
                    slot.arm().product(),
                    slot.arm().dose(),
                    strata.get(i),
                    design.deriveSeverity() && !design.strata().containsKey(SEVERITY),
                    stratumBaselines.get(i),
                    design.ddimerDdu(),
                    design.drawDays(),
                    design.outpatientDays());
            new PatientCourse(patientId, slot.arm().label(), courses[i], day0, design.zone(), root.split(), shape)
                    .emit(events, readings);
        }
        int first = design.arms().get(0).patients();
        CohortSpec spec = new CohortSpec(first, total - first, design.seed(), design.studyStart(), design.zone());
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

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    private enum Course {
        RESPONDS,
        PROGRESSES_AND_RECOVERS,
        DIES
    }

    /**
     * What differs between the seed-000 shape and a designed cohort, per patient. The seed-000 shape ({@link
     * #legacy}) draws exactly the random numbers it always did, so its cohorts do not change.
     */
    private record Shape(
            boolean responds,
            List<Integer> infusionDays,
            String product,
            String dose,
            Map<String, String> strata,
            boolean deriveSeverity,
            Map<String, CohortDesign.Range> baselines,
            boolean ddimerDdu,
            List<Integer> drawDays,
            List<Integer> outpatientDays) {

        static Shape legacy(boolean msc) {
            return new Shape(
                    msc,
                    msc ? List.of(0) : List.of(),
                    PRODUCT,
                    DOSE,
                    Map.of(),
                    true,
                    Map.of(),
                    false,
                    DRAW_DAYS,
                    OUTPATIENT_DAYS);
        }
    }

    /** Kinetics and feed spelling of one marker; see the class Javadoc table. */
    private enum Marker {
        CRP("1988-5", 20, 90, 1, 5, 10, 2.0, 6, 0, 0, 0.12, 2, 3.5),
        IL6("26881-3", 15, 60, 1.5, 5, 7, 2, 5, 0, 0, 0.15, 2.5, 5),
        LYMPH("731-0", 0.4, 0.95, 1.5, 2.0, 1.1, 2.5, 6, 3, 9, 0.08, 0.4, 0.6),
        DDIMER("48065-7", 600, 3000, 200, 450, 500, 3.5, 7, 0, 0, 0.12, 2, 4),
        PFRATIO("50984-4", 120, 290, 360, 460, 300, 3, 6, 0, 0, 0.06, Double.NaN, Double.NaN);

        final String loinc;
        final double baselineLow;
        final double baselineHigh;
        final double healthyLow;
        final double healthyHigh;
        final double limit;
        final double halfLifeMsc;
        final double halfLifeControl;
        final double lagMsc;
        final double lagControl;
        final double noise;
        final double worseLow;
        final double worseHigh;

        Marker(
                String loinc,
                double baselineLow,
                double baselineHigh,
                double healthyLow,
                double healthyHigh,
                double limit,
                double halfLifeMsc,
                double halfLifeControl,
                double lagMsc,
                double lagControl,
                double noise,
                double worseLow,
                double worseHigh) {
            this.loinc = loinc;
            this.baselineLow = baselineLow;
            this.baselineHigh = baselineHigh;
            this.healthyLow = healthyLow;
            this.healthyHigh = healthyHigh;
            this.limit = limit;
            this.halfLifeMsc = halfLifeMsc;
            this.halfLifeControl = halfLifeControl;
            this.lagMsc = lagMsc;
            this.lagControl = lagControl;
            this.noise = noise;
            this.worseLow = worseLow;
            this.worseHigh = worseHigh;
        }

        /** The value at its worst for a progressor with this baseline. */
        double worst(double baseline, SplittableRandom random) {
            if (this == PFRATIO) {
                return random.nextDouble(60, 100);
            }
            return baseline * random.nextDouble(worseLow, worseHigh);
        }

        /** Value text and unit as a lab would send them, from the value in the canonical unit. */
        String[] spell(double value, SplittableRandom random, boolean ddu) {
            boolean other = random.nextDouble() < OTHER_UNIT;
            if (this == DDIMER && ddu) {
                // DDU results never come as "mg/L FEU"; the other spelling is ug/L (= ng/mL).
                return other ? text(value, 0, "ug/L") : text(value, 0, "ng/mL");
            }
            return switch (this) {
                case CRP -> other ? text(value / 10, 2, "mg/dL") : text(value, 1, "mg/L");
                case IL6 -> text(value, 1, "pg/mL");
                case LYMPH -> other ? text(value * 1000, 0, "cells/uL") : text(value, 2, "10^9/L");
                case DDIMER -> other ? text(value / 1000, 2, "mg/L FEU") : text(value, 0, "ng/mL");
                case PFRATIO -> text(value, 0, "mmHg");
            };
        }

        private static String[] text(double value, int decimals, String unit) {
            return new String[] {String.format(Locale.ROOT, "%." + decimals + "f", value), unit};
        }
    }

    /** One marker of one patient: {@code v(t)} of the class Javadoc, with the progressor detour. */
    private record Trajectory(
            Marker marker, double baseline, double healthy, double k, double lag, double worst, double peakDay) {

        /** Model value at {@code t} days after the anchor (t ≤ 0 is the baseline). */
        double at(double t) {
            if (t <= 0) {
                return baseline;
            }
            if (Double.isNaN(worst)) {
                return relax(baseline, t);
            }
            if (t <= peakDay) {
                return baseline * Math.pow(worst / baseline, t / peakDay);
            }
            return k == 0 ? worst : relax(worst, t - peakDay);
        }

        private double relax(double from, double t) {
            return healthy + (from - healthy) * Math.exp(-k * Math.max(0, t - lag));
        }

        /** Days after the anchor when the model value crosses into normal; infinite when it never does. */
        double normalizesAfter() {
            double from = Double.isNaN(worst) ? baseline : worst;
            double start = Double.isNaN(worst) ? 0 : peakDay;
            boolean abnormal =
                    marker == Marker.LYMPH || marker == Marker.PFRATIO ? from < marker.limit : from >= marker.limit;
            if (!abnormal && Double.isNaN(worst)) {
                return 0;
            }
            if (k == 0) {
                return Double.POSITIVE_INFINITY;
            }
            return start + lag + Math.log((from - healthy) / (marker.limit - healthy)) / k;
        }
    }

    /** Draws one patient's course and writes its events and readings. */
    private static final class PatientCourse {
        private final String patientId;
        private final String arm;
        private final Course course;
        private final LocalDate day0;
        private final ZoneId zone;
        private final SplittableRandom random;
        private final Shape shape;

        PatientCourse(
                String patientId,
                String arm,
                Course course,
                LocalDate day0,
                ZoneId zone,
                SplittableRandom random,
                Shape shape) {
            this.patientId = patientId;
            this.arm = arm;
            this.course = course;
            this.day0 = day0;
            this.zone = zone;
            this.random = random;
            this.shape = shape;
        }

        void emit(List<RawClinicalEvent> events, List<RawReading> readings) {
            boolean msc = shape.responds();
            double responsiveness = Math.exp(0.2 * random.nextGaussian());
            double peakDay = random.nextDouble(4, 8);
            List<Trajectory> trajectories = new ArrayList<>();
            for (Marker marker : Marker.values()) {
                double healthy = random.nextDouble(marker.healthyLow, marker.healthyHigh);
                CohortDesign.Range range = shape.baselines().get(marker.name());
                double low = range == null ? marker.baselineLow : range.low();
                double high = range == null ? marker.baselineHigh : Math.nextUp(range.high());
                double baseline = random.nextDouble() < NORMAL_BASELINE
                        ? healthy + (marker.limit - healthy) * random.nextDouble(0.2, 0.7)
                        : random.nextDouble(low, high);
                // A trial whose baselines are already near normal (seed 003) must not drift away from them.
                boolean lowIsAbnormal = marker == Marker.LYMPH || marker == Marker.PFRATIO;
                healthy = lowIsAbnormal ? Math.max(healthy, baseline) : Math.min(healthy, baseline);
                double halfLife = msc ? marker.halfLifeMsc : marker.halfLifeControl;
                double k = course == Course.DIES ? 0 : Math.log(2) / halfLife * responsiveness;
                double lag = (msc ? marker.lagMsc : marker.lagControl) / responsiveness;
                double worst = course == Course.RESPONDS ? Double.NaN : marker.worst(baseline, random);
                trajectories.add(new Trajectory(marker, baseline, healthy, k, lag, worst, peakDay));
            }

            Instant anchor = at(0, LocalTime.of(10, 0));
            Instant leaves = null;
            EventType leaving = null;
            if (course == Course.DIES) {
                leaves = at(random.nextInt(9, 25), LocalTime.of(random.nextInt(24), random.nextInt(60)));
                leaving = EventType.DIED;
            } else {
                double recovered = trajectories.stream()
                        .filter(t -> t.marker() != Marker.IL6 && t.marker() != Marker.DDIMER)
                        .mapToDouble(Trajectory::normalizesAfter)
                        .max()
                        .orElse(0);
                int drawDay = shape.drawDays().stream()
                        .filter(d -> d > 0 && d >= recovered)
                        .findFirst()
                        .orElse(Integer.MAX_VALUE / 2);
                int day = Math.max(FIRST_DISCHARGE_DAY, drawDay) + random.nextInt(1, 6);
                if (day <= LAST_DISCHARGE_DAY) {
                    leaves = at(day, LocalTime.of(random.nextInt(11, 16), random.nextInt(60)));
                    leaving = EventType.DISCHARGED;
                }
            }

            double baselinePf = trajectories.get(Marker.PFRATIO.ordinal()).baseline();
            Map<String, String> strata = new java.util.TreeMap<>(shape.strata());
            if (shape.deriveSeverity()) {
                strata.put(SEVERITY, baselinePf < CRITICAL_PF ? "critical" : "severe");
            }
            events.add(event("ENROLLED", EventType.ENROLLED, at(-2, afternoon()), strata));
            if (!shape.infusionDays().isEmpty()) {
                events.add(event("RANDOMIZED", EventType.RANDOMIZED, at(-1, afternoon()), Map.of()));
                for (int infusionDay : shape.infusionDays()) {
                    events.add(new RawClinicalEvent(
                            patientId + "-INFUSION" + (infusionDay == 0 ? "" : "-D" + infusionDay),
                            0,
                            patientId,
                            EventType.INFUSION,
                            infusionDay == 0 ? anchor : at(infusionDay, LocalTime.of(10, 0)),
                            null,
                            Map.of(),
                            shape.dose(),
                            shape.product(),
                            false,
                            SOURCE));
                }
            } else {
                events.add(event("RANDOMIZED", EventType.RANDOMIZED, anchor, Map.of()));
            }

            for (int day : shape.drawDays()) {
                Instant drawn = at(day, LocalTime.of(6, 0).plusMinutes(random.nextInt(180)));
                boolean outpatient = false;
                if (leaves != null && !drawn.isBefore(leaves)) {
                    if (leaving != EventType.DISCHARGED
                            || !shape.outpatientDays().contains(day)) {
                        continue;
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
                    Marker marker = trajectory.marker();
                    if (outpatient && marker == Marker.PFRATIO) {
                        continue;
                    }
                    double value = trajectory.at(t) * Math.exp(marker.noise * random.nextGaussian());
                    String[] spelled = marker.spell(value, random, shape.ddimerDdu());
                    readings.add(new RawReading(
                            patientId + "-" + marker.name() + "-D" + day,
                            0,
                            patientId,
                            marker == Marker.DDIMER && shape.ddimerDdu() ? DDIMER_DDU_LOINC : marker.loinc,
                            marker.name(),
                            spelled[0],
                            spelled[1],
                            drawn,
                            ResultStatus.FINAL,
                            null,
                            null,
                            SOURCE,
                            received));
                }
            }
            if (leaves != null) {
                events.add(event(leaving.name(), leaving, leaves, Map.of()));
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
                    SOURCE);
        }

        private LocalTime afternoon() {
            return LocalTime.of(random.nextInt(13, 18), random.nextInt(60));
        }

        private Instant at(int protocolDay, LocalTime time) {
            return day0.plusDays(protocolDay).atTime(time).atZone(zone).toInstant();
        }
    }
}
