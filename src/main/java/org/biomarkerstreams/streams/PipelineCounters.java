package org.biomarkerstreams.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.biomarkerstreams.domain.ErrorCode;

/**
 * The pipeline's meters. Record accounting: every input record is counted once as accepted,
 * dead-lettered or duplicate, so {@code in = accepted + dead-lettered + duplicates} can be checked at
 * any time. Beside it: alerts by kind, normalization events by analyte, end-to-end latency and input
 * freshness. Labels are topic, error code, alert kind and analyte only, never a patient id.
 *
 * <p>Latency and freshness are wall-clock measures, so they use this object's clock, not the
 * topology's (which tests may fix).
 */
public final class PipelineCounters {

    public static final String IN = "biomarker.records.in";
    public static final String ACCEPTED = "biomarker.records.accepted";
    public static final String DEAD_LETTERED = "biomarker.records.dead.lettered";
    public static final String DUPLICATES = "biomarker.records.duplicates";
    public static final String CORRECTIONS = "biomarker.readings.corrected";
    public static final String RETRACTIONS = "biomarker.readings.retracted";
    public static final String ALERTS = "biomarker.alerts";
    public static final String NORMALIZATION_EVENTS = "biomarker.normalization.events";
    /** A timer: Prometheus {@code biomarker_end_to_end_latency_seconds_bucket/_sum/_count}. */
    public static final String LATENCY = "biomarker.end.to.end.latency";
    /** A gauge in seconds: Prometheus {@code biomarker_input_freshness_seconds}. */
    public static final String FRESHNESS = "biomarker.input.freshness";
    /** A gauge: Prometheus {@code biomarker_orphan_patients}, this instance's patients whose readings wait. */
    public static final String ORPHAN_PATIENTS = "biomarker.orphan.patients";
    /** A gauge: Prometheus {@code biomarker_orphan_readings}, their readings. */
    public static final String ORPHAN_READINGS = "biomarker.orphan.readings";

    /** The latency histogram's bucket bounds, fixed so dashboards and alert rules can name them. */
    public static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(10),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        Duration.ofMinutes(30),
    };

    private static final long NONE = Long.MIN_VALUE;

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Counter> cache = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> newest = new ConcurrentHashMap<>();
    private final Timer latency;
    private final AtomicLong orphanPatients = new AtomicLong();
    private final AtomicLong orphanReadings = new AtomicLong();

    public PipelineCounters(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    /** @param clock the wall clock of latency and freshness */
    public PipelineCounters(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.latency = Timer.builder(LATENCY)
                .description("Wall-clock time from ingest (a reading's receivedAt) to the emission of its outputs")
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
        Gauge.builder(ORPHAN_PATIENTS, orphanPatients, AtomicLong::get)
                .description("Patients of this instance's partitions whose readings have waited longer than"
                        + " --orphan-after for an anchor event (sum over instances)")
                .strongReference(true)
                .register(registry);
        Gauge.builder(ORPHAN_READINGS, orphanReadings, AtomicLong::get)
                .description("Readings of those patients: no study day until their patient's anchor arrives")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Registers the per-topic meters of the inputs at zero (and their freshness gauges), so that a
     * scrape shows them before the first record and {@code rate()} has a starting point.
     */
    public void watchInputs(Collection<String> topics) {
        for (String topic : topics) {
            counter(IN, topic, null);
            counter(ACCEPTED, topic, null);
            counter(DUPLICATES, topic, null);
            counter(CORRECTIONS, topic, null);
            counter(RETRACTIONS, topic, null);
            for (ErrorCode code : ErrorCode.values()) {
                counter(DEAD_LETTERED, topic, code.name());
            }
            freshness(topic);
        }
    }

    /** Registers the alert counters of these kinds and the normalization counters of these analytes at zero. */
    public void watchOutputs(Collection<String> alertKinds, Collection<String> primaryAnalytes) {
        alertKinds.forEach(k -> tagged(ALERTS, "kind", k));
        primaryAnalytes.forEach(a -> tagged(NORMALIZATION_EVENTS, "analyte", a));
    }

    public void in(String topic) {
        counter(IN, topic, null).increment();
    }

    public void accepted(String topic) {
        counter(ACCEPTED, topic, null).increment();
    }

    public void deadLettered(String topic, ErrorCode code) {
        counter(DEAD_LETTERED, topic, code.name()).increment();
    }

    public void duplicate(String topic) {
        counter(DUPLICATES, topic, null).increment();
    }

    public void corrected(String topic) {
        counter(CORRECTIONS, topic, null).increment();
    }

    public void retracted(String topic) {
        counter(RETRACTIONS, topic, null).increment();
    }

    public void alert(String kind) {
        tagged(ALERTS, "kind", kind).increment();
    }

    /** A patient's time-to-normalization record turned into an event (cnsr 0) for this analyte. */
    public void normalized(String analyte) {
        tagged(NORMALIZATION_EVENTS, "analyte", analyte).increment();
    }

    /** An input record's outputs were emitted now; {@code ingestedAt} is when it entered the pipeline. */
    public void emitted(Instant ingestedAt) {
        long millis = clock.millis() - ingestedAt.toEpochMilli();
        latency.record(Math.max(0L, millis), TimeUnit.MILLISECONDS);
    }

    /** This instance's orphans now: the sum over the tasks it runs (see {@code streams/patient/OrphanWatch}). */
    public void orphans(long patients, long readings) {
        orphanPatients.set(patients);
        orphanReadings.set(readings);
    }

    /** A record with this (event) timestamp was read from an input topic. */
    public void seen(String topic, long timestamp) {
        freshness(topic).accumulateAndGet(timestamp, Math::max);
    }

    private AtomicLong freshness(String topic) {
        return newest.computeIfAbsent(topic, t -> {
            AtomicLong newestTimestamp = new AtomicLong(NONE);
            Gauge.builder(FRESHNESS, newestTimestamp, n -> {
                        long ts = n.get();
                        return ts == NONE ? Double.NaN : (clock.millis() - ts) / 1000.0;
                    })
                    .description("Wall-clock seconds since the newest record timestamp seen on the input topic")
                    .baseUnit("seconds")
                    .tag("topic", t)
                    .strongReference(true)
                    .register(registry);
            return newestTimestamp;
        });
    }

    private Counter counter(String name, String topic, String code) {
        return cache.computeIfAbsent(name + '/' + topic + '/' + code, k -> {
            Counter.Builder b = Counter.builder(name).tag("topic", topic);
            if (code != null) {
                b.tag("code", code);
            }
            return b.register(registry);
        });
    }

    private Counter tagged(String name, String tag, String value) {
        return cache.computeIfAbsent(
                name + '/' + tag + '=' + value,
                k -> Counter.builder(name).tag(tag, value).register(registry));
    }

    /** Sum of a counter over all its label values. */
    public static double total(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
