package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;

/**
 * The backfill's task runs the topology's processors, so on the same input in the same order it must leave what
 * the topology leaves: the last record per key of every latest-state output, every dead letter and alert, and
 * every state store byte for byte (what the backfill writes to the changelogs {@code run} restores from).
 */
public class BatchTaskProperties {

    private static final String APP = "biomarker-test";

    @Property(tries = 25)
    void shouldLeaveTheTopologysOutputsAndStoresOnShuffledInput(@ForAll long seed) {
        check(seed, false, (harness, inputs) -> {
            BatchTask batch = new BatchTask(
                    new PatientSubtopology(harness.config, new PipelineCounters(new SimpleMeterRegistry())),
                    new TaskId(0, 0),
                    harness.serdes(),
                    APP);
            inputs.forEach(in -> batch.process(in.topic(), 0, in.offset(), new RecordHeaders(), in.key(), in.value()));
            Drained out = new Drained();
            batch.drain(out, APP);
            return out;
        });
    }

    /**
     * Folded group of patients by group from a spill, a task leaves the same: every group sees its records at the
     * stream time they had, and its follow-ups close at the record (of any group) that reached their due time. A
     * reading of another patient two months on, somewhere in the input, moves stream time past every follow-up's
     * close: the records after it are late, and which group closes what, when, is what this checks.
     */
    @Property(tries = 40)
    void shouldLeaveTheTopologysOutputsAndStoresGroupByGroup(@ForAll long seed) throws IOException {
        Random random = new Random(seed ^ 0x5eed);
        int groups = 1 + random.nextInt(6);
        boolean pastEveryClose = random.nextInt(4) != 0;
        Path spills = Files.createTempDirectory("batch-task-properties");
        check(seed, pastEveryClose, (harness, inputs) -> {
            Drained out = new Drained();
            try (TaskSpill spill = new TaskSpill(
                    new PatientSubtopology(harness.config, new PipelineCounters(new SimpleMeterRegistry())),
                    new TaskId(0, 0),
                    harness.serdes(),
                    APP,
                    spills,
                    groups)) {
                inputs.forEach(in -> spill.add(in.topic(), 0, in.offset(), new RecordHeaders(), in.key(), in.value()));
                spill.drain(out);
            }
            return out;
        });
        try (var left = Files.list(spills)) {
            assertThat(left).as("the spill deletes its files").isEmpty();
        }
        Files.delete(spills);
    }

    /** One input record as the task reads it. */
    private record Raw(String topic, long offset, byte[] key, byte[] value) {}

    /**
     * Sends the oracle's shuffled scenario of {@code seed} to the topology and has {@code run} process the same
     * records, then compares: the latest record per key of every latest-state output, each key's dead letters and
     * alerts in order (a task run group by group sends different patients' in another order), every store byte.
     */
    private static void check(
            long seed, boolean pastEveryClose, java.util.function.BiFunction<TopologyHarness, List<Raw>, Drained> run) {
        Random random = new Random(seed);
        List<ArrivalOrderProperties.Input> inputs = ArrivalOrderProperties.scenario(random);
        Collections.shuffle(inputs, random);
        if (pastEveryClose) {
            inputs.add(
                    random.nextInt(inputs.size() + 1),
                    new ArrivalOrderProperties.Input.Reading(
                            Fixtures.aReading()
                                    .patient("LATER")
                                    .at(Instant.parse("2020-04-15T08:00:00Z"))
                                    .build(),
                            true));
        }

        try (TopologyHarness harness = new TopologyHarness()) {
            AvroSerdes serdes = harness.serdes();
            Topics topics = harness.config.topics();
            List<Raw> raw = new ArrayList<>();
            long readingOffset = 0;
            long eventOffset = 0;
            for (ArrivalOrderProperties.Input in : inputs) {
                if (in instanceof ArrivalOrderProperties.Input.Reading r) {
                    harness.send(r.r());
                    byte[] value = serdes.value(LabReading.class)
                            .serializer()
                            .serialize(topics.readings(), InputMapping.toAvro(r.r()));
                    raw.add(new Raw(topics.readings(), readingOffset++, key(r.r().patientId()), value));
                } else if (in instanceof ArrivalOrderProperties.Input.Event e) {
                    harness.send(e.e());
                    byte[] value = serdes.value(ClinicalEvent.class)
                            .serializer()
                            .serialize(topics.events(), InputMapping.toAvro(e.e()));
                    raw.add(new Raw(topics.events(), eventOffset++, key(e.e().patientId()), value));
                } else if (in instanceof ArrivalOrderProperties.Input.Garbage g) {
                    byte[] junk = ("not avro " + g.patientId()).getBytes(StandardCharsets.UTF_8);
                    if (g.onReadings()) {
                        harness.sendRawReading(g.patientId(), junk);
                        raw.add(new Raw(topics.readings(), readingOffset++, key(g.patientId()), junk));
                    } else {
                        harness.sendRawEvent(g.patientId(), junk);
                        raw.add(new Raw(topics.events(), eventOffset++, key(g.patientId()), junk));
                    }
                }
            }
            Drained out = run.apply(harness, raw);

            assertThat(out.latest(topics.trajectory(), serdes, TrajectoryPoint.class))
                    .isEqualTo(harness.points);
            assertThat(out.latest(topics.summaries(), serdes, BiomarkerSummary.class))
                    .isEqualTo(harness.summaryByKey);
            assertThat(out.latest(topics.timeToNormalization(), serdes, TimeToNormalization.class))
                    .isEqualTo(harness.ttnByKey);
            // By the input record each came from (their keys are sealed when they may carry a patient id).
            assertThat(byKey(out.all(topics.deadLetters(), serdes, DeadLetter.class), BatchTaskProperties::source))
                    .isEqualTo(byKey(harness.deadLetterList, BatchTaskProperties::source));
            assertThat(byKey(out.all(topics.alerts(), serdes, BiomarkerAlert.class), BiomarkerAlert::getPatientId))
                    .isEqualTo(byKey(harness.alertList, BiomarkerAlert::getPatientId));
            // A live task marks its contributors' sent stores at its second wall-clock tick (the first finds nothing to
            // resend in a new deployment and asks for a commit); a backfill marks them when it drains.
            harness.advanceWallClock(ContributionProcessor.RESEND_TICK);
            harness.advanceWallClock(ContributionProcessor.RESEND_TICK);
            for (StoreSpec<?, ?> spec : PatientSubtopology.stores()) {
                assertThat(out.changelog(spec.changelog(APP)))
                        .as(spec.name())
                        .isEqualTo(contents(spec, harness.store(spec.name())));
            }
        }
    }

    private static String source(DeadLetter d) {
        return d.getSourceTopic() + "@" + d.getOffset();
    }

    /** The records of each key, in the order they came. */
    private static <V> Map<String, List<V>> byKey(List<V> records, java.util.function.Function<V, ?> key) {
        Map<String, List<V>> out = new TreeMap<>();
        for (V r : records) {
            out.computeIfAbsent(String.valueOf(key.apply(r)), k -> new ArrayList<>())
                    .add(r);
        }
        return out;
    }

    private static byte[] key(String patientId) {
        return patientId == null ? null : patientId.getBytes(StandardCharsets.UTF_8);
    }

    /** A store of the topology as its changelog carries it: serialized keys (hex, sorted) to serialized values. */
    @SuppressWarnings("unchecked")
    private static <K, V> Map<String, String> contents(StoreSpec<K, V> spec, KeyValueStore<?, ?> store) {
        Map<String, String> out = new TreeMap<>();
        try (KeyValueIterator<K, V> it = ((KeyValueStore<K, V>) store).all()) {
            while (it.hasNext()) {
                KeyValue<K, V> kv = it.next();
                out.put(
                        HexFormat.of().formatHex(spec.keySerde().serializer().serialize(null, kv.key)),
                        HexFormat.of().formatHex(spec.valueSerde().serializer().serialize(null, kv.value)));
            }
        }
        return out;
    }

    /** Every record a drained task sent, by topic, in order. */
    private static final class Drained implements BatchTask.Output {
        private final Map<String, List<byte[][]>> sent = new LinkedHashMap<>();

        @Override
        public void send(String topic, Integer partition, long timestamp, byte[] key, byte[] value) {
            sent.computeIfAbsent(topic, t -> new ArrayList<>()).add(new byte[][] {key, value});
        }

        <V extends SpecificRecord> Map<String, V> latest(String topic, AvroSerdes serdes, Class<V> type) {
            Map<String, V> out = new LinkedHashMap<>();
            for (byte[][] kv : sent.getOrDefault(topic, List.of())) {
                String key = Serdes.String().deserializer().deserialize(topic, kv[0]);
                assertThat(out).as("one record per key of " + topic).doesNotContainKey(key);
                out.put(key, serdes.value(type).deserializer().deserialize(topic, kv[1]));
            }
            return out;
        }

        <V extends SpecificRecord> List<V> all(String topic, AvroSerdes serdes, Class<V> type) {
            return sent.getOrDefault(topic, List.of()).stream()
                    .map(kv -> serdes.value(type).deserializer().deserialize(topic, kv[1]))
                    .toList();
        }

        Map<String, String> changelog(String topic) {
            Map<String, String> out = new TreeMap<>();
            for (byte[][] kv : sent.getOrDefault(topic, List.of())) {
                out.put(HexFormat.of().formatHex(kv[0]), HexFormat.of().formatHex(kv[1]));
            }
            return out;
        }
    }
}
