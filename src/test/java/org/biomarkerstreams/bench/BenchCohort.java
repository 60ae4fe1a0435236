package org.biomarkerstreams.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.demo.CohortSpec;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.streams.InputMapping;

/**
 * Benchmark input of any size: {@code patients} patients of a {@link SyntheticCohort} (so real arms, anchors, LOINC
 * codes, mixed units and values the topology accepts), each stretched to {@code readingsPerPatient} readings.
 *
 * <p>Reading {@code k} of a patient belongs to draw {@code floor(k · draws / n)} of the patient's synthetic draws
 * (baseline first) and repeats that draw's analytes in turn, each repetition one minute after the previous one, so
 * a patient's readings arrive in time order and stay inside the draw's day (at most 10,000 / 9 per draw, ~4 h). With
 * fewer readings than the cohort's (~37 per patient) draws are skipped evenly. Values, units and LOINC codes are the
 * synthetic draw's; each reading has its own id ({@code B-<patient>-<k>}), revision 0, status FINAL.
 *
 * <p>Events: each patient's ENROLLED, RANDOMIZED and INFUSION of the synthetic cohort; DISCHARGED and DIED are left
 * out, as the stretched readings go on after them.
 *
 * <p>Order of {@link #reading(long)}: round-robin over patients (reading 0 of every patient, then reading 1, ...), a
 * feed in which every patient is being followed at once.
 */
final class BenchCohort {

    private static final Duration REPEAT_SPACING = Duration.ofMinutes(1);
    private static final Duration RECEIVED_AFTER = Duration.ofHours(1);

    private final String patientPrefix;
    private final int patients;
    private final int readingsPerPatient;
    private final List<RawClinicalEvent> events = new ArrayList<>();
    /** Per patient, its draws in time order; per draw, one template reading per analyte. */
    private final List<List<List<RawReading>>> draws = new ArrayList<>();

    BenchCohort(int patients, int readingsPerPatient, long seed) {
        this(patients, readingsPerPatient, seed, "");
    }

    /** As above, with {@code patientPrefix} before every patient and event id (a second cohort on the same topic). */
    BenchCohort(int patients, int readingsPerPatient, long seed, String patientPrefix) {
        this.patientPrefix = patientPrefix;
        this.patients = patients;
        this.readingsPerPatient = readingsPerPatient;
        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(patients, seed));
        for (RawClinicalEvent e : cohort.events()) {
            if (e.type() != EventType.DISCHARGED && e.type() != EventType.DIED) {
                events.add(e.withIds(patientPrefix + e.eventId(), patientPrefix + e.patientId()));
            }
        }
        Map<String, TreeMap<Instant, List<RawReading>>> byPatient = new LinkedHashMap<>();
        for (RawReading r : cohort.readings()) {
            byPatient
                    .computeIfAbsent(r.patientId(), p -> new TreeMap<>())
                    .computeIfAbsent(r.observedAt(), t -> new ArrayList<>())
                    .add(r);
        }
        for (TreeMap<Instant, List<RawReading>> patientDraws : byPatient.values()) {
            draws.add(List.copyOf(patientDraws.values()));
        }
        if (draws.size() != patients) {
            throw new IllegalStateException("expected readings for " + patients + " patients, got " + draws.size());
        }
    }

    int patients() {
        return patients;
    }

    long readings() {
        return (long) patients * readingsPerPatient;
    }

    List<RawClinicalEvent> events() {
        return events;
    }

    /** Reading {@code i} of the feed, {@code 0 <= i < readings()}. */
    RawReading reading(long i) {
        int patient = (int) (i % patients);
        int k = (int) (i / patients);
        return reading(patient, k, "B-");
    }

    /** Reading {@code k} of patient number {@code patient}, with ids prefixed by {@code idPrefix}. */
    RawReading reading(int patient, int k, String idPrefix) {
        List<List<RawReading>> patientDraws = draws.get(patient);
        int draw = (int) ((long) k * patientDraws.size() / readingsPerPatient);
        int first = (int) (((long) draw * readingsPerPatient + patientDraws.size() - 1) / patientDraws.size());
        int repetition = k - first;
        List<RawReading> analytes = patientDraws.get(draw);
        RawReading template = analytes.get(repetition % analytes.size());
        Instant observed = template.observedAt().plus(REPEAT_SPACING.multipliedBy(repetition / analytes.size()));
        return new RawReading(
                idPrefix + patientPrefix + template.patientId() + "-" + k,
                0,
                patientPrefix + template.patientId(),
                template.loinc(),
                template.analyte(),
                template.value(),
                template.unit(),
                observed,
                template.status(),
                template.referenceRange(),
                template.abnormalFlags(),
                "bench",
                observed.plus(RECEIVED_AFTER));
    }

    /** Patient id of patient number {@code patient}. */
    String patientId(int patient) {
        return patientPrefix + draws.get(patient).get(0).get(0).patientId();
    }

    /**
     * Sends every reading to {@code topic}, keyed by patient id, in the benchmark's order, and flushes; the first
     * failed send is thrown (pre-loading is never timed).
     */
    void sendReadings(Producer<String, byte[]> producer, String topic, Serializer<LabReading> values) throws Exception {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (long i = 0; i < readings(); i++) {
            RawReading r = reading(i);
            producer.send(
                    new ProducerRecord<>(topic, r.patientId(), values.serialize(topic, InputMapping.toAvro(r))),
                    (m, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
        }
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
