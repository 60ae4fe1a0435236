package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_14;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.PATIENT;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.infusionAt;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientProcessor;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patient processor restarted on stores that are ahead of its stream time, as a task is after a crash under
 * at-least-once: its changelogs hold what records after the last commit did, while the stream time restored with
 * the committed offsets is older. The reliability suite's crash test found final time-to-normalization records
 * turned provisional again that way, for good (their close had already been taken).
 */
class PatientProcessorRestartTest {

    private static final Clock CLOCK = Clock.fixed(TopologyHarness.WALL_CLOCK, ZoneOffset.UTC);
    private static final TopologyConfig CONFIG = TopologyConfig.defaults(CLOCK);

    private final List<StateStore> stores = PatientStores.builders().stream()
            .map(b -> (StateStore) b.withLoggingDisabled().build())
            .toList();

    @TempDir
    Path stateDir;

    @AfterEach
    void closeStores() {
        stores.forEach(StateStore::close);
    }

    private MockProcessorContext<String, SpecificRecord> started(PatientProcessor processor, Instant streamTime) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "restart-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<String, SpecificRecord> context =
                new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        for (StateStore store : stores) {
            if (!store.isOpen()) {
                store.init(context.getStateStoreContext(), store);
            }
            context.addStateStore(store);
        }
        context.setCurrentStreamTimeMs(streamTime.toEpochMilli());
        context.setCurrentSystemTimeMs(TopologyHarness.WALL_CLOCK.toEpochMilli());
        processor.init(context);
        return context;
    }

    private static PatientProcessor processor() {
        return new PatientProcessor(
                CONFIG, new UnitConverter(), new PipelineCounters(new SimpleMeterRegistry(), CLOCK));
    }

    private static void send(
            PatientProcessor processor, MockProcessorContext<String, SpecificRecord> context, RawReading r) {
        advance(context, r.observedAt());
        processor.process(new Record<>(
                r.patientId(),
                new PatientInput.Reading(Decoded.ok(InputMapping.toAvro(r), new byte[0])),
                r.observedAt().toEpochMilli()));
    }

    private static void send(
            PatientProcessor processor, MockProcessorContext<String, SpecificRecord> context, RawClinicalEvent e) {
        advance(context, e.at());
        processor.process(new Record<>(
                e.patientId(),
                new PatientInput.Event(Decoded.ok(InputMapping.toAvro(e), new byte[0])),
                e.at().toEpochMilli()));
    }

    /** Stream time as Kafka Streams keeps it: the largest timestamp seen, set before the record is processed. */
    private static void advance(MockProcessorContext<String, SpecificRecord> context, Instant at) {
        context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), at.toEpochMilli()));
    }

    private static List<TimeToNormalization> ttnForwarded(MockProcessorContext<String, SpecificRecord> context) {
        return context.forwarded().stream()
                .map(f -> f.record().value())
                .filter(TimeToNormalization.class::isInstance)
                .map(TimeToNormalization.class::cast)
                .filter(t -> t.getPatientId().equals(PATIENT) && t.getAnalyte().equals("CRP"))
                .toList();
    }

    @Test
    void shouldKeepRecordsFinalWhenRestartedWithAStreamTimeBeforeTheirClose() {
        RawClinicalEvent infusion = infusionAt(INFUSION);
        RawReading baseline =
                aReading().id("b").value(40, "mg/L").at(DAY_MINUS_1).build();
        RawReading day14 = aReading().id("d14").value(30, "mg/L").at(DAY_14).build();
        // Another patient's reading moves stream time past this patient's close.
        RawReading closing = aReading()
                .patient("P-002")
                .id("late")
                .value(5, "mg/L")
                .at(INFUSION.plus(Duration.ofDays(30)))
                .build();
        // Processed before the crash too, but after the last commit: replayed, and new to the restored state.
        List<RawReading> replayed = List.of(
                aReading()
                        .id("d16")
                        .value(5, "mg/L")
                        .at(DAY_14.plus(Duration.ofDays(2)))
                        .build(),
                aReading()
                        .id("d18")
                        .value(4, "mg/L")
                        .at(DAY_14.plus(Duration.ofDays(4)))
                        .build());

        PatientProcessor first = processor();
        MockProcessorContext<String, SpecificRecord> before = started(first, Instant.EPOCH);
        send(first, before, infusion);
        send(first, before, baseline);
        send(first, before, day14);
        send(first, before, closing);
        assertThat(ttnForwarded(before)).last().satisfies(t -> assertThat(t.getProvisional())
                .isFalse());

        // Crash, restart: the stores keep all of that; stream time is back at day 14 (the last commit).
        PatientProcessor restarted = processor();
        MockProcessorContext<String, SpecificRecord> after = started(restarted, DAY_14);
        replayed.forEach(r -> send(restarted, after, r));

        TimeToNormalization uninterrupted;
        try (TopologyHarness harness = new TopologyHarness()) {
            harness.send(infusion).send(baseline).send(day14).send(closing);
            replayed.forEach(harness::send);
            uninterrupted = harness.ttn(PATIENT, "CRP");
        }
        assertThat(uninterrupted.getProvisional()).isFalse();
        assertThat(ttnForwarded(after))
                .as("the restarted task's records of the closed follow-up")
                .isNotEmpty()
                .last()
                .isEqualTo(uninterrupted);
    }
}
