package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Kaplan–Meier product-limit estimate of a time-to-event curve (here: time to normalization, in days from the
 * anchor). At each distinct time {@code t} the curve drops by the factor {@code 1 − d/n}, where {@code d} is the
 * number of events at {@code t} and {@code n} the number still at risk just before {@code t}. Observations
 * censored at {@code t} are counted at risk at {@code t} and leave afterwards, the usual convention (R's {@code
 * survfit}, SAS {@code PROC LIFETEST}) that treats a censoring tied with an event as happening just after it.
 */
public final class KaplanMeier {

    /**
     * One subject: the time of its event or censoring, and whether it was the event.
     *
     * @param time days from the origin, finite and not negative
     * @param event true for the event, false for a censoring
     */
    public record Observation(double time, boolean event) {
        public Observation {
            if (!Double.isFinite(time) || time < 0) {
                throw new IllegalArgumentException("observation time must be a finite number >= 0, got " + time);
            }
        }
    }

    /**
     * The curve at one distinct observation time.
     *
     * @param time the time
     * @param atRisk subjects at risk just before {@code time} (including those censored at it)
     * @param events events at {@code time}
     * @param censored censorings at {@code time}
     * @param survival the estimate from {@code time} on (until the next step)
     */
    public record Step(double time, int atRisk, int events, int censored, double survival) {}

    /** A product like 3/4 · 2/3 should be exactly 0.5 but may land a rounding error above it. */
    private static final double ROUNDING = 1e-12;

    private final List<Step> steps;
    private final int size;

    private KaplanMeier(List<Step> steps, int size) {
        this.steps = List.copyOf(steps);
        this.size = size;
    }

    /** The estimate of these observations; an empty collection gives an empty curve (survival 1, no median). */
    public static KaplanMeier estimate(Collection<Observation> observations) {
        Objects.requireNonNull(observations, "observations");
        List<Observation> sorted = new ArrayList<>(observations);
        sorted.forEach(o -> Objects.requireNonNull(o, "observation"));
        sorted.sort(Comparator.comparingDouble(Observation::time));
        List<Step> steps = new ArrayList<>();
        int atRisk = sorted.size();
        double survival = 1.0;
        int i = 0;
        while (i < sorted.size()) {
            double time = sorted.get(i).time();
            int events = 0;
            int censored = 0;
            while (i < sorted.size() && sorted.get(i).time() == time) {
                if (sorted.get(i).event()) {
                    events++;
                } else {
                    censored++;
                }
                i++;
            }
            survival *= 1.0 - (double) events / atRisk;
            steps.add(new Step(time, atRisk, events, censored, survival));
            atRisk -= events + censored;
        }
        return new KaplanMeier(steps, sorted.size());
    }

    /** One step per distinct observation time, in time order. */
    public List<Step> steps() {
        return steps;
    }

    /** Number of observations. */
    public int size() {
        return size;
    }

    public int events() {
        return steps.stream().mapToInt(Step::events).sum();
    }

    public int censored() {
        return steps.stream().mapToInt(Step::censored).sum();
    }

    /** The estimate at time {@code t}: right-continuous, 1 before the first event. */
    public double survivalAt(double t) {
        double survival = 1.0;
        for (Step step : steps) {
            if (step.time() > t) {
                break;
            }
            survival = step.survival();
        }
        return survival;
    }

    /**
     * The median time: the smallest time at which the estimate is at or below 0.5. Empty ("not reached") when
     * the curve never gets there, e.g. because too many subjects were censored first.
     *
     * <p>This is the textbook definition; R's {@code survfit} instead takes the midpoint to the next event time
     * when the curve sits exactly on 0.5, so the two can differ in that one case.
     */
    public OptionalDouble median() {
        for (Step step : steps) {
            if (step.survival() <= 0.5 + ROUNDING) {
                return OptionalDouble.of(step.time());
            }
        }
        return OptionalDouble.empty();
    }
}
