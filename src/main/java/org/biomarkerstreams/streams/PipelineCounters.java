package org.biomarkerstreams.streams;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The record-accounting counters: every input record is counted once as accepted, dead-lettered or
 * duplicate, so {@code in = accepted + dead-lettered + duplicates} can be checked at any time. Labels
 * are topic and error code only, never a patient id.
 */
public final class PipelineCounters {

    public static final String IN = "biomarker.records.in";
    public static final String ACCEPTED = "biomarker.records.accepted";
    public static final String DEAD_LETTERED = "biomarker.records.dead.lettered";
    public static final String DUPLICATES = "biomarker.records.duplicates";
    public static final String CORRECTIONS = "biomarker.readings.corrected";
    public static final String RETRACTIONS = "biomarker.readings.retracted";

    private final MeterRegistry registry;
    private final Map<String, Counter> cache = new ConcurrentHashMap<>();

    public PipelineCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    void in(String topic) {
        counter(IN, topic, null).increment();
    }

    void accepted(String topic) {
        counter(ACCEPTED, topic, null).increment();
    }

    void deadLettered(String topic, String code) {
        counter(DEAD_LETTERED, topic, code).increment();
    }

    void duplicate(String topic) {
        counter(DUPLICATES, topic, null).increment();
    }

    void corrected(String topic) {
        counter(CORRECTIONS, topic, null).increment();
    }

    void retracted(String topic) {
        counter(RETRACTIONS, topic, null).increment();
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

    /** Sum of a counter over all its label values. */
    public static double total(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
