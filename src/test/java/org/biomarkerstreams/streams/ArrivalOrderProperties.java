package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/**
 * The correctness oracle: whatever order the same input arrives in (shuffled, duplicated, with
 * corrections, deletions and anchor corrections late, with bad records mixed in), the topology's
 * final outputs equal a batch computation over the final set of records, and every record is
 * accounted for as accepted, dead-lettered or duplicate.
 */
public class ArrivalOrderProperties {

    private static final Instant BASE = Instant.parse("2020-02-01T00:00:00Z");

    /** One input record, in the order it will be sent. */
    sealed interface Input {
        record Reading(RawReading r, boolean valid) implements Input {}

        record Event(RawClinicalEvent e) implements Input {}

        record Garbage(String patientId, boolean onReadings) implements Input {}
    }

    @Property(tries = 60)
    void shouldEqualBatchComputationWhateverTheArrivalOrder(@ForAll long seed) {
        Random random = new Random(seed);
        List<Input> inputs = scenario(random);
        Collections.shuffle(inputs, random);

        try (TopologyHarness harness = new TopologyHarness()) {
            List<RawReading> validReadings = new ArrayList<>();
            List<RawClinicalEvent> validEvents = new ArrayList<>();
            long streamTime = 0;
            int invalid = 0;
            for (Input in : inputs) {
                if (in instanceof Input.Reading r) {
                    harness.send(r.r());
                    if (r.valid()) {
                        validReadings.add(r.r());
                    } else {
                        invalid++;
                    }
                    if (r.r().observedAt() != null && !r.r().observedAt().isAfter(TopologyHarness.WALL_CLOCK)) {
                        streamTime = Math.max(streamTime, r.r().observedAt().toEpochMilli());
                    }
                } else if (in instanceof Input.Event e) {
                    harness.send(e.e());
                    validEvents.add(e.e());
                    streamTime = Math.max(streamTime, e.e().at().toEpochMilli());
                } else if (in instanceof Input.Garbage g) {
                    byte[] junk = ("not avro " + g.patientId()).getBytes(StandardCharsets.UTF_8);
                    if (g.onReadings()) {
                        harness.sendRawReading(g.patientId(), junk);
                    } else {
                        harness.sendRawEvent(g.patientId(), junk);
                    }
                    invalid++;
                }
            }

            Map<String, SpecificRecord> expected = new BatchOracle(harness.config)
                    .expected(validReadings, validEvents, Instant.ofEpochMilli(streamTime));
            assertThat(OutputDiff.of(expected, liveOutputs(harness))).isEmpty();
            assertThat(harness.deadLetterList).hasSize(invalid);
            assertThat(harness.counter(PipelineCounters.IN))
                    .isEqualTo(harness.counter(PipelineCounters.ACCEPTED)
                            + harness.counter(PipelineCounters.DEAD_LETTERED)
                            + harness.counter(PipelineCounters.DUPLICATES))
                    .isEqualTo(inputs.size());
        }
    }

    /**
     * Final outputs that describe live readings: retracted points and the summaries of analytes whose
     * readings were all retracted are arrival-order artefacts (they exist only if the reading was
     * applied before its deletion arrived), so they are checked separately.
     */
    private static Map<String, SpecificRecord> liveOutputs(TopologyHarness harness) {
        Map<String, SpecificRecord> live = new LinkedHashMap<>();
        harness.finalState().forEach((k, v) -> {
            if (v instanceof TrajectoryPoint p && p.getRetracted()) {
                return;
            }
            if (k.startsWith("summary:") && ((BiomarkerSummary) v).getReadingCount() == 0) {
                return;
            }
            if (k.startsWith("ttn:")) {
                BiomarkerSummary s = harness.summaryByKey.get(k.substring("ttn:".length()));
                if (s == null || s.getReadingCount() == 0) {
                    return;
                }
            }
            live.put(k, v);
        });
        return live;
    }

    static List<Input> scenario(Random random) {
        List<Input> inputs = new ArrayList<>();
        int patients = 1 + random.nextInt(3);
        int readingSeq = 0;
        for (int p = 1; p <= patients; p++) {
            String patientId = "P" + p;
            Instant anchor = BASE.plus(Duration.ofMinutes(random.nextInt(5 * 24 * 60)));
            inputs.add(new Input.Event(Fixtures.anEvent(EventType.RANDOMIZED)
                    .id(patientId + "-rand")
                    .patient(patientId)
                    .at(anchor.minus(Duration.ofHours(1 + random.nextInt(30))))
                    .arm(random.nextBoolean() ? "MSC" : "CONTROL")
                    .strata(Map.of("severity", random.nextBoolean() ? "severe" : "critical"))
                    .build()));
            if (random.nextInt(10) < 7) {
                inputs.add(new Input.Event(Fixtures.anEvent(EventType.INFUSION)
                        .id(patientId + "-inf1")
                        .patient(patientId)
                        .at(anchor)
                        .build()));
                if (random.nextInt(10) < 3) {
                    inputs.add(new Input.Event(Fixtures.anEvent(EventType.INFUSION)
                            .id(patientId + "-inf1")
                            .revision(1)
                            .patient(patientId)
                            .at(anchor.plus(Duration.ofMinutes(random.nextInt(4 * 24 * 60) - 2 * 24 * 60)))
                            .build()));
                }
                if (random.nextInt(10) < 3) {
                    inputs.add(new Input.Event(Fixtures.anEvent(EventType.INFUSION)
                            .id(patientId + "-inf2")
                            .patient(patientId)
                            .at(anchor.plus(Duration.ofDays(3)))
                            .build()));
                }
            }
            if (random.nextInt(10) < 3) {
                inputs.add(
                        new Input.Event(Fixtures.anEvent(random.nextBoolean() ? EventType.DISCHARGED : EventType.DIED)
                                .id(patientId + "-end")
                                .patient(patientId)
                                .at(anchor.plus(Duration.ofHours(24 * 3 + random.nextInt(24 * 30))))
                                .build()));
            }
            int readings = random.nextInt(14);
            for (int i = 0; i < readings; i++) {
                String readingId = "R" + (++readingSeq);
                Instant at = anchor.plus(Duration.ofMinutes(random.nextInt(44 * 24 * 60) - 10 * 24 * 60));
                RawReading original = reading(random, patientId, readingId, 0, at);
                inputs.add(new Input.Reading(original, true));
                if (random.nextInt(10) < 2) {
                    inputs.add(new Input.Reading(original, true));
                }
                if (random.nextInt(10) < 2) {
                    Instant correctedAt =
                            random.nextBoolean() ? at : at.plus(Duration.ofHours(random.nextInt(48) - 24));
                    RawReading corrected = reading(random, patientId, readingId, 1, correctedAt);
                    inputs.add(new Input.Reading(withStatus(corrected, ResultStatus.CORRECTED), true));
                }
                if (random.nextInt(10) < 1) {
                    inputs.add(new Input.Reading(
                            new RawReading(
                                    readingId,
                                    2,
                                    patientId,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    ResultStatus.DELETED,
                                    null,
                                    null,
                                    "test",
                                    null),
                            true));
                }
            }
            if (random.nextInt(10) < 4) {
                inputs.add(new Input.Reading(
                        Fixtures.aReading()
                                .patient(patientId)
                                .id("BAD" + (++readingSeq))
                                .value("12", "furlongs")
                                .at(anchor)
                                .build(),
                        false));
            }
            if (random.nextInt(10) < 2) {
                inputs.add(new Input.Reading(
                        Fixtures.aReading()
                                .patient(patientId)
                                .id("BAD" + (++readingSeq))
                                .value("high", "mg/L")
                                .at(anchor)
                                .build(),
                        false));
            }
            if (random.nextInt(10) < 2) {
                inputs.add(new Input.Reading(
                        Fixtures.aReading()
                                .patient(patientId)
                                .id("BAD" + (++readingSeq))
                                .at(TopologyHarness.WALL_CLOCK.plus(Duration.ofDays(2)))
                                .build(),
                        false));
            }
            if (random.nextInt(10) < 2) {
                inputs.add(new Input.Garbage(patientId, random.nextBoolean()));
            }
        }
        return inputs;
    }

    private static RawReading reading(Random random, String patientId, String readingId, long revision, Instant at) {
        String value;
        String unit;
        String analyte;
        switch (random.nextInt(3)) {
            case 0 -> {
                analyte = "CRP";
                double mgPerL = 2 + random.nextInt(380) / 10.0;
                boolean dl = random.nextBoolean();
                value = dl ? Double.toString(mgPerL / 10) : Double.toString(mgPerL);
                unit = dl ? "mg/dL" : "mg/L";
            }
            case 1 -> {
                analyte = "LYMPH";
                value = Double.toString(0.3 + random.nextInt(22) / 10.0);
                unit = "10^9/L";
            }
            default -> {
                analyte = "IL6";
                value = random.nextInt(8) == 0 ? "<1.5" : Double.toString(1 + random.nextInt(300) / 10.0);
                unit = "pg/mL";
            }
        }
        return new RawReading(
                readingId,
                revision,
                patientId,
                null,
                analyte,
                value,
                unit,
                at,
                revision == 0 ? ResultStatus.FINAL : ResultStatus.CORRECTED,
                null,
                null,
                "test",
                null);
    }

    private static RawReading withStatus(RawReading r, ResultStatus status) {
        return new RawReading(
                r.readingId(),
                r.revision(),
                r.patientId(),
                r.loinc(),
                r.analyte(),
                r.value(),
                r.unit(),
                r.observedAt(),
                status,
                r.referenceRange(),
                r.abnormalFlags(),
                r.source(),
                r.receivedAt());
    }
}
