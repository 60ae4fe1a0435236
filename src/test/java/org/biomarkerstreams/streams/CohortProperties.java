package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/**
 * Cohort views against a batch computation: randomized cohorts (arms, strata, arm corrections,
 * readings with corrections and retractions) sent in random order, with the cohort schedule firing at
 * random moments in between, end with visit summaries and Kaplan-Meier curves equal to what
 * {@link CohortOracle} computes from the batch oracle's final per-patient outputs.
 */
public class CohortProperties {

    private static final Instant BASE = Instant.parse("2020-02-01T00:00:00Z");

    @Property(tries = 25)
    void shouldEqualBatchComputationOfCohortViewsWhateverTheArrivalOrder(
            @ForAll long seed, @ForAll boolean locf, @ForAll boolean blinded) {
        Random random = new Random(seed);
        Protocol protocol = Protocol.defaults()
                .withReporting(
                        "prop",
                        List.of("severity"),
                        blinded ? Blinding.of(List.of("MSC", "CONTROL"), "k" + seed) : Blinding.none(),
                        locf);
        TopologyConfig config = TopologyConfig.builder(Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC))
                .protocol(protocol)
                .build();
        List<RawReading> readings = new ArrayList<>();
        List<RawClinicalEvent> events = new ArrayList<>();
        scenario(random, readings, events);
        List<Object> inputs = new ArrayList<>(readings);
        inputs.addAll(events);
        Collections.shuffle(inputs, random);

        try (TopologyHarness harness = new TopologyHarness(config)) {
            long streamTime = 0;
            for (Object in : inputs) {
                if (in instanceof RawReading r) {
                    harness.send(r);
                    streamTime = Math.max(streamTime, r.observedAt().toEpochMilli());
                } else {
                    RawClinicalEvent e = (RawClinicalEvent) in;
                    harness.send(e);
                    streamTime = Math.max(streamTime, e.at().toEpochMilli());
                }
                if (random.nextInt(8) == 0) {
                    harness.emitCohorts();
                }
            }
            harness.emitCohorts();

            Map<String, SpecificRecord> perPatient =
                    new BatchOracle(config).expected(readings, events, Instant.ofEpochMilli(streamTime));
            CohortOracle oracle = new CohortOracle(protocol);
            assertThat(OutputDiff.of(
                            oracle.visits(perPatient, new BatchOracle(config).patients(events)),
                            CohortOracle.render(harness.visitByKey, CohortOracle::visitText)))
                    .isEmpty();
            assertThat(OutputDiff.of(
                            oracle.curves(perPatient),
                            CohortOracle.render(harness.curveByKey, CohortOracle::curveText)))
                    .isEmpty();
        }
    }

    private static void scenario(Random random, List<RawReading> readings, List<RawClinicalEvent> events) {
        int patients = 2 + random.nextInt(9);
        int seq = 0;
        for (int p = 1; p <= patients; p++) {
            String patient = "P" + p;
            Instant anchor = BASE.plus(Duration.ofMinutes(random.nextInt(3 * 24 * 60)));
            String arm = random.nextInt(6) == 0 ? null : random.nextBoolean() ? "MSC" : "CONTROL";
            Map<String, String> strata = random.nextInt(4) == 0
                    ? Map.of()
                    : Map.of("severity", random.nextBoolean() ? "severe" : "critical");
            events.add(Fixtures.anEvent(EventType.RANDOMIZED)
                    .id(patient + "-rand")
                    .patient(patient)
                    .at(anchor.minus(Duration.ofHours(2)))
                    .arm(arm)
                    .strata(strata)
                    .build());
            if (random.nextInt(4) == 0) {
                events.add(Fixtures.anEvent(EventType.RANDOMIZED)
                        .id(patient + "-rand")
                        .revision(1)
                        .patient(patient)
                        .at(anchor.minus(Duration.ofHours(2)))
                        .arm("MSC".equals(arm) ? "CONTROL" : "MSC")
                        .strata(Map.of("severity", random.nextBoolean() ? "severe" : "critical"))
                        .build());
            }
            if (random.nextInt(10) < 8) {
                events.add(Fixtures.anEvent(EventType.INFUSION)
                        .id(patient + "-inf")
                        .patient(patient)
                        .at(anchor)
                        .build());
            }
            if (random.nextInt(8) == 0) {
                // The anchor moves back to the randomization, or is gone with both events entered in error.
                events.add(Fixtures.anEvent(EventType.INFUSION)
                        .id(patient + "-inf")
                        .revision(1)
                        .patient(patient)
                        .at(anchor)
                        .enteredInError()
                        .build());
                if (random.nextBoolean()) {
                    events.add(Fixtures.anEvent(EventType.RANDOMIZED)
                            .id(patient + "-rand")
                            .revision(2)
                            .patient(patient)
                            .at(anchor.minus(Duration.ofHours(2)))
                            .enteredInError()
                            .build());
                }
            }
            int count = random.nextInt(10);
            for (int i = 0; i < count; i++) {
                String id = "R" + (++seq);
                boolean crp = random.nextBoolean();
                Instant at = anchor.plus(Duration.ofHours(random.nextInt(32 * 24) - 3 * 24));
                readings.add(reading(random, patient, id, 0, crp, at, ResultStatus.FINAL));
                int fate = random.nextInt(10);
                if (fate < 2) {
                    Instant moved = random.nextBoolean() ? at : at.plus(Duration.ofHours(random.nextInt(96) - 48));
                    readings.add(reading(random, patient, id, 1, crp, moved, ResultStatus.CORRECTED));
                } else if (fate < 3) {
                    readings.add(reading(random, patient, id, 1, crp, at, ResultStatus.DELETED));
                }
            }
        }
    }

    private static RawReading reading(
            Random random, String patient, String id, long revision, boolean crp, Instant at, ResultStatus status) {
        // Few distinct values, so ties in quantiles and Kaplan-Meier times occur.
        String value =
                crp ? Integer.toString(2 + random.nextInt(8) * 5) : Double.toString(0.3 + random.nextInt(8) / 4.0);
        return Fixtures.aReading()
                .patient(patient)
                .id(id)
                .revision(revision)
                .status(status)
                .of(crp ? "CRP" : "LYMPH")
                .value(value, crp ? "mg/L" : "10*9/L")
                .at(at)
                .build();
    }
}
