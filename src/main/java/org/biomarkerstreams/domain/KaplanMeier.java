package org.biomarkerstreams.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import org.hipparchus.distribution.continuous.NormalDistribution;

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
     * @param stdErr Greenwood's standard error of {@code survival}, {@code S(t)·√Σ d/(n(n − d))} over the event
     *     times up to {@code time} (R's {@code summary(survfit)} "std.err"); 0 while the curve is still 1, NaN once
     *     it has reached 0 (where the formula is 0·∞, as in R)
     */
    public record Step(double time, int atRisk, int events, int censored, double survival, double stdErr) {}

    /**
     * How the pointwise confidence interval of {@code S(t)} is built from Greenwood's variance, named after R's
     * {@code survfit(conf.type = ...)}. With {@code σ² = Σ d/(n(n − d))} (the variance of {@code log S}) and
     * {@code z} the normal quantile of the level:
     *
     * <ul>
     *   <li>{@link #LOG_LOG}: a symmetric interval for {@code log(−log S)}, i.e. {@code S^exp(±zσ/|log S|)}
     *       (Kalbfleisch–Prentice; Stata's {@code sts list} and SAS {@code PROC LIFETEST}'s default);
     *   <li>{@link #LOG}: a symmetric interval for {@code log S}, i.e. {@code S·exp(±zσ)} with the upper limit
     *       capped at 1 (R's default).
     * </ul>
     *
     * Either way the limits are undefined (NaN, R's NA) where the curve has reached 0, and equal to {@code S}
     * where {@code σ = 0} (before the first event).
     */
    public enum ConfidenceType {
        LOG,
        LOG_LOG
    }

    /**
     * The pointwise confidence interval of the curve at one step.
     *
     * @param time the step's time
     * @param lower lower limit of {@code S(time)}, NaN where undefined
     * @param upper upper limit of {@code S(time)}, NaN where undefined
     */
    public record SurvivalInterval(double time, double lower, double upper) {}

    /**
     * A confidence interval for the median time; an empty side means "not reached" (R prints NA), i.e. the data
     * do not bound the median on that side.
     */
    public record MedianInterval(OptionalDouble lower, OptionalDouble upper) {
        public MedianInterval {
            Objects.requireNonNull(lower, "lower");
            Objects.requireNonNull(upper, "upper");
        }
    }

    /**
     * How close to 0.5 counts as on it: R's {@code sqrt(.Machine$double.eps)}, as {@code survival} uses (a product
     * like 3/4 · 2/3 should be exactly 0.5 but may land a rounding error beside it).
     */
    private static final double HALF_TOLERANCE = Math.sqrt(Math.ulp(1.0));

    private final List<Step> steps;
    /** Per step, Greenwood's sum Σ d/(n(n − d)) up to it: the variance of log S (infinite once S is 0). */
    private final double[] logVariance;

    private final int size;

    private KaplanMeier(List<Step> steps, double[] logVariance, int size) {
        this.steps = List.copyOf(steps);
        this.logVariance = logVariance;
        this.size = size;
    }

    /** The estimate of these observations; an empty collection gives an empty curve (survival 1, no median). */
    public static KaplanMeier estimate(Collection<Observation> observations) {
        Objects.requireNonNull(observations, "observations");
        List<Observation> sorted = new ArrayList<>(observations);
        sorted.forEach(o -> Objects.requireNonNull(o, "observation"));
        sorted.sort(Comparator.comparingDouble(Observation::time));
        List<Step> steps = new ArrayList<>();
        List<Double> logVariances = new ArrayList<>();
        int atRisk = sorted.size();
        double survival = 1.0;
        double greenwood = 0.0;
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
            if (events > 0) {
                // events == atRisk gives d/(n·0) = +∞: the curve is 0 from here on and S·√∞ is NaN, as in R.
                greenwood += (double) events / ((double) atRisk * (atRisk - events));
            }
            steps.add(new Step(time, atRisk, events, censored, survival, survival * Math.sqrt(greenwood)));
            logVariances.add(greenwood);
            atRisk -= events + censored;
        }
        double[] logVariance =
                logVariances.stream().mapToDouble(Double::doubleValue).toArray();
        return new KaplanMeier(steps, logVariance, sorted.size());
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
     * The median time as R's {@code survival} prints it ({@code print(survfit(...))}, {@code survmean}): the first
     * time at which the estimate is at or below 0.5, except where it sits exactly on 0.5 — then the curve is flat
     * at 0.5 up to its next drop and the median is the midpoint of that stretch, the mean of the time it reached
     * 0.5 and the time it next fell below. "Exactly" is within R's tolerance {@code sqrt(.Machine$double.eps)}, so
     * a product like 3/4 · 2/3 lands on 0.5 although it computes a rounding error beside it. When the curve stays
     * at 0.5 to its end the median is the time it reached 0.5 (the data do not say where the stretch ends). Empty
     * ("not reached") when the curve never gets to 0.5, e.g. because too many subjects were censored first.
     *
     * <p>Textbooks (and SAS) take the first time at or below 0.5 throughout; the two differ only on such a stretch.
     */
    public OptionalDouble median() {
        double[] times = new double[steps.size()];
        double[] survival = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            times[i] = steps.get(i).time();
            survival[i] = steps.get(i).survival();
        }
        return crossingHalf(times, survival);
    }

    /**
     * R's rule for where a falling step function crosses 0.5 ({@code survival:::survmean}'s {@code minmin}): the
     * first time its value is below {@code 0.5 + tolerance}; when that value is 0.5 within the tolerance and the
     * function later falls below it, the midpoint between that time and the first time it is lower. NaN values
     * (R's NA) are skipped.
     */
    private static OptionalDouble crossingHalf(double[] times, double[] values) {
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i]) && values[i] < 0.5 + HALF_TOLERANCE) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return OptionalDouble.empty();
        }
        if (Math.abs(values[first] - 0.5) < HALF_TOLERANCE) {
            for (int j = first + 1; j < values.length; j++) {
                if (!Double.isNaN(values[j]) && values[j] < values[first]) {
                    return OptionalDouble.of((times[first] + times[j]) / 2);
                }
            }
        }
        return OptionalDouble.of(times[first]);
    }

    /**
     * The pointwise confidence intervals of {@code S(t)}, one per step, as R's {@code survfit(conf.type = ...,
     * conf.int = level)} reports them in its {@code lower} and {@code upper} columns.
     *
     * @param level confidence level, strictly between 0 and 1 (0.95 for 95%)
     * @throws IllegalArgumentException if {@code level} is not strictly between 0 and 1
     */
    public List<SurvivalInterval> pointwiseIntervals(double level, ConfidenceType type) {
        Objects.requireNonNull(type, "type");
        double z = normalQuantile(level);
        List<SurvivalInterval> intervals = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            intervals.add(interval(step.time(), step.survival(), Math.sqrt(logVariance[i]), z, type));
        }
        return intervals;
    }

    /**
     * The Brookmeyer–Crowley confidence interval of the median with the log-log transform, as R's {@code
     * survfit(..., conf.type = "log-log")} prints it. See {@link #medianConfidenceInterval(double, ConfidenceType)}.
     */
    public MedianInterval medianConfidenceInterval(double level) {
        return medianConfidenceInterval(level, ConfidenceType.LOG_LOG);
    }

    /**
     * The Brookmeyer–Crowley confidence interval of the median: the step times whose pointwise interval of
     * {@code S(t)} (see {@link #pointwiseIntervals}) contains 0.5. Both limits fall as {@code t} grows, so:
     *
     * <ul>
     *   <li>the lower limit is the first step time at which the <em>lower</em> pointwise limit is ≤ 0.5;
     *   <li>the upper limit is the first step time at which the <em>upper</em> pointwise limit is ≤ 0.5;
     *   <li>a side is empty ("not reached", R's NA) when no step gets there. Steps with undefined limits (where
     *       the curve has reached 0) never count, as R's NA limits don't.
     * </ul>
     *
     * This is R's rule (print.survfit: "the intersection of the line [at 0.5] with the lower CI band defines the
     * lower limit for the median's interval, and similarly for the upper band"), so with {@link
     * ConfidenceType#LOG} it matches R's default output and with {@link ConfidenceType#LOG_LOG} it matches {@code
     * conf.type = "log-log"} (and Stata's {@code stci}). A limit that sits on 0.5 over a stretch is the midpoint
     * of the stretch, by the rule of {@link #median()}, as R's {@code survmean} applies it to both bands.
     *
     * @param level confidence level, strictly between 0 and 1 (0.95 for 95%)
     * @throws IllegalArgumentException if {@code level} is not strictly between 0 and 1
     */
    public MedianInterval medianConfidenceInterval(double level, ConfidenceType type) {
        List<SurvivalInterval> intervals = pointwiseIntervals(level, type);
        double[] times = new double[intervals.size()];
        double[] lower = new double[intervals.size()];
        double[] upper = new double[intervals.size()];
        for (int i = 0; i < intervals.size(); i++) {
            times[i] = intervals.get(i).time();
            lower[i] = intervals.get(i).lower();
            upper[i] = intervals.get(i).upper();
        }
        return new MedianInterval(crossingHalf(times, lower), crossingHalf(times, upper));
    }

    private static SurvivalInterval interval(
            double time, double survival, double sigma, double z, ConfidenceType type) {
        if (survival <= 0 || Double.isNaN(sigma) || Double.isInfinite(sigma)) {
            return new SurvivalInterval(time, Double.NaN, Double.NaN);
        }
        if (sigma == 0) {
            return new SurvivalInterval(time, survival, survival);
        }
        return switch (type) {
            case LOG ->
                new SurvivalInterval(
                        time, survival * Math.exp(-z * sigma), Math.min(1.0, survival * Math.exp(z * sigma)));
            case LOG_LOG -> {
                // survival < 1 here (sigma > 0 needs an event), so log(survival) < 0.
                double spread = Math.exp(z * sigma / -Math.log(survival));
                yield new SurvivalInterval(time, Math.pow(survival, spread), Math.pow(survival, 1 / spread));
            }
        };
    }

    private static double normalQuantile(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be strictly between 0 and 1, got " + level);
        }
        return new NormalDistribution(0, 1).inverseCumulativeProbability(1 - (1 - level) / 2);
    }
}
