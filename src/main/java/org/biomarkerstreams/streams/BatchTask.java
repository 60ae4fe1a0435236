package org.biomarkerstreams.streams;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.biomarkerstreams.streams.patient.PatientInput;
import org.biomarkerstreams.streams.patient.PatientProcessor;

/**
 * One task of the patient's sub-topology run without Kafka Streams, for a backfill: the processors of {@link
 * PatientSubtopology} (the topology's own, not a copy of their rules) on {@link SerializedStore}s, with a
 * processor context of its own whose forwards go where the topology sends them. What the topology would write
 * as it goes is kept instead and written once at the end ({@link #drain}): the last record per key of the
 * latest-state outputs, every dead letter and alert, each patient's last contributions to each cohort view (one
 * record per analyte and source), and each store's final contents as its changelog.
 *
 * <p>Stream time is the task's, as in Kafka Streams: the largest timestamp of the records processed so far,
 * this one included. Wall-clock punctuations are not run: the only one of this sub-topology is the orphan tally,
 * a gauge of the live instance, which {@code run} computes from the restored store on its own schedule.
 */
public final class BatchTask {

    /** Where a drained task's records go; {@code partition} null means the key's default partition. */
    public interface Output {
        void send(String topic, Integer partition, long timestamp, byte[] key, byte[] value);
    }

    private final TaskId id;
    private final Topics topics;
    private final AvroSerdes serdes;
    private final Map<String, SerializedStore<?, ?>> stores = new LinkedHashMap<>();
    private final Processor<String, PatientInput, Void, Void> note;
    private final PatientProcessor patient;
    private final List<Processor<String, SpecificRecord, String, Contribution>> contributors = new ArrayList<>();
    private final Processor<String, SpecificRecord, String, SpecificRecord> alerts;
    private final List<TopicSpec<? extends SpecificRecord>> routes;
    private final Map<String, Map<String, Record<String, SpecificRecord>>> latest = new LinkedHashMap<>();
    private final Map<String, List<Record<String, SpecificRecord>>> events = new LinkedHashMap<>();
    /** The last {@link Enrolment} per patient: internal, for the visit cohort's contributor only. */
    private final Map<String, Record<String, SpecificRecord>> enrolments = new LinkedHashMap<>();

    private final List<String> repartitions = new ArrayList<>();
    private final List<String> sentStores = new ArrayList<>();
    private final List<Map<String, Record<String, Contribution>>> contributions = new ArrayList<>();

    private final InputDecoding<?> readings;
    private final InputDecoding<?> clinicalEvents;
    private final Map<String, Long> partitionTimes = new LinkedHashMap<>();
    private final Clock clock;
    private RecordMetadata current;
    private long streamTime = Long.MIN_VALUE;

    public BatchTask(PatientSubtopology subtopology, TaskId id, AvroSerdes serdes, String applicationId) {
        this.id = id;
        this.topics = subtopology.config().topics();
        this.serdes = serdes;
        this.clock = subtopology.config().clock();
        this.readings = InputDecoding.readings(subtopology.config(), serdes);
        this.clinicalEvents = InputDecoding.events(subtopology.config(), serdes);
        for (StoreSpec<?, ?> spec : PatientSubtopology.stores()) {
            stores.put(spec.name(), spec.inMemory());
        }
        this.routes = List.of(
                topics.trajectory(serdes),
                topics.summaries(serdes),
                topics.timeToNormalization(serdes),
                topics.deadLetters(serdes));
        for (String topic : List.of(topics.trajectory(), topics.summaries(), topics.timeToNormalization())) {
            latest.put(topic, new LinkedHashMap<>());
        }
        events.put(topics.deadLetters(), new ArrayList<>());
        events.put(topics.alerts(), new ArrayList<>());

        this.note = subtopology.alertNote().get();
        note.init(new Context<Void, Void>(applicationId) {
            @Override
            void forwarded(Record<Void, Void> record) {
                throw new IllegalStateException("the alert note forwards nothing");
            }
        });
        this.patient = subtopology.patientProcessor();
        for (CohortView cohort : subtopology.cohorts()) {
            sentStores.add(cohort.sentStore());
            Map<String, Record<String, Contribution>> sent = new LinkedHashMap<>();
            contributions.add(sent);
            repartitions.add(PatientSubtopology.repartitionTopic(applicationId, cohort.repartition()));
            Processor<String, SpecificRecord, String, Contribution> contributor =
                    PatientSubtopology.contributor(cohort).get();
            contributor.init(new Context<String, Contribution>(applicationId) {
                @Override
                void forwarded(Record<String, Contribution> record) {
                    // One record per analyte and source: a later change of a group's member replaces the earlier.
                    sent.merge(record.key() + '\0' + record.value().source(), record, BatchTask::merged);
                }
            });
            contributors.add(contributor);
        }
        this.alerts = subtopology.alerts().get();
        alerts.init(new Context<String, SpecificRecord>(applicationId) {
            @Override
            void forwarded(Record<String, SpecificRecord> record) {
                events.get(topics.alerts()).add(record);
            }
        });
        patient.init(new Context<String, SpecificRecord>(applicationId) {
            @Override
            void forwarded(Record<String, SpecificRecord> record) {
                if (record.value() instanceof Enrolment) {
                    enrolments.put(record.key(), record);
                    return;
                }
                route(record);
                // The contributors see the last record per key, at the end (drain): what a contributor sends and
                // keeps is a function of that record alone, so the final contributions and sent stores are the same,
                // without the differences a streaming run sends on the way.
                alerts.process(record);
            }
        });
    }

    /**
     * Processes one record of an input topic as the topology's source would hand it on: decoded, never throwing,
     * timed by its event time given the partition's time so far.
     */
    public void process(String topic, int partition, long offset, Headers headers, byte[] key, byte[] value) {
        InputDecoding<?> input = input(topic);
        long partitionTime = partitionTimes.getOrDefault(topic, Long.MIN_VALUE);
        Record<String, PatientInput> record = input.record(partition, offset, headers, key, value, partitionTime);
        partitionTimes.put(topic, Math.max(partitionTime, record.timestamp()));
        process(topic, partition, offset, record);
    }

    /** Processes one input record read from {@code topic}-{@code partition} at {@code offset}. */
    public void process(String topic, int partition, long offset, Record<String, PatientInput> record) {
        process(topic, partition, offset, record, Math.max(streamTime, record.timestamp()));
    }

    /**
     * Processes one input record as timed when the whole task was read ({@link TaskSpill}): with the timestamp
     * extracted then and the task's stream time after it then.
     */
    void process(
            String topic,
            int partition,
            long offset,
            Headers headers,
            byte[] key,
            byte[] value,
            long timestamp,
            long streamTimeAfter) {
        process(topic, partition, offset, input(topic).record(headers, key, value, timestamp), streamTimeAfter);
    }

    private void process(
            String topic, int partition, long offset, Record<String, PatientInput> record, long streamTimeAfter) {
        current = new Metadata(topic, partition, offset);
        streamTime = streamTimeAfter;
        note.process(record);
        patient.process(record);
    }

    /** The earliest time a follow-up of this task's patients is due, Long.MAX_VALUE when none is. */
    long nextDue() {
        return patient.nextDue();
    }

    /**
     * Closes the follow-ups that a record of another group of patients closed ({@link TaskSpill}): one with
     * timestamp {@code timestamp} that left the task's stream time at {@code streamTimeAfter}.
     */
    void closeDueAt(long timestamp, long streamTimeAfter) {
        current = null;
        streamTime = streamTimeAfter;
        patient.closeDueAt(timestamp);
    }

    private InputDecoding<?> input(String topic) {
        if (topic.equals(readings.topic().name())) {
            return readings;
        }
        if (topic.equals(clinicalEvents.topic().name())) {
            return clinicalEvents;
        }
        throw new IllegalArgumentException(topic + " is not an input topic of the pipeline");
    }

    /** The task's stream time: the largest timestamp processed (Long.MIN_VALUE before the first record). */
    public long streamTime() {
        return streamTime;
    }

    /**
     * Sends everything the task produced, once, then drops it: outputs, contributions (their repartition topic is
     * partitioned by analyte, as Kafka Streams does), and each store's contents to its changelog partition
     * (the task's partition).
     */
    public void drain(Output out, String applicationId) {
        drain(out, applicationId, Math.max(0L, streamTime));
    }

    /** {@link #drain(Output, String)}, with the changelog records timed {@code changelogTimestamp}. */
    void drain(Output out, String applicationId, long changelogTimestamp) {
        for (Record<String, SpecificRecord> r : enrolments.values()) {
            for (Processor<String, SpecificRecord, String, Contribution> c : contributors) {
                c.process(r);
            }
        }
        enrolments.clear();
        for (Map<String, Record<String, SpecificRecord>> last : latest.values()) {
            for (Record<String, SpecificRecord> r : last.values()) {
                for (Processor<String, SpecificRecord, String, Contribution> c : contributors) {
                    c.process(r);
                }
            }
        }
        Serializer<String> keys = Serdes.String().serializer();
        for (TopicSpec<? extends SpecificRecord> spec : routes) {
            Map<String, Record<String, SpecificRecord>> last = latest.get(spec.name());
            if (last != null) {
                last.values().forEach(r -> send(out, spec, r));
                last.clear();
            }
        }
        events.get(topics.deadLetters()).forEach(r -> send(out, topics.deadLetters(serdes), r));
        events.get(topics.alerts()).forEach(r -> send(out, topics.alerts(serdes), r));
        events.values().forEach(List::clear);
        Serde<Contribution> contribution = Contribution.serde();
        for (int i = 0; i < repartitions.size(); i++) {
            String topic = repartitions.get(i);
            for (Record<String, Contribution> r : contributions.get(i).values()) {
                // A removal of what was never written is nothing to the group processor: it is not sent.
                List<Contribution.Change> changes =
                        r.value().changes().stream().filter(c -> !c.removal()).toList();
                if (!changes.isEmpty()) {
                    out.send(
                            topic,
                            null,
                            r.timestamp(),
                            keys.serialize(topic, r.key()),
                            contribution
                                    .serializer()
                                    .serialize(topic, new Contribution(r.value().source(), changes)));
                }
            }
            contributions.get(i).clear();
        }
        // Everything the sent stores hold has been sent as this release sends it: `run` has nothing to resend.
        for (String sentStore : sentStores) {
            @SuppressWarnings("unchecked")
            KeyValueStore<String, byte[]> store = (KeyValueStore<String, byte[]>) stores.get(sentStore);
            ContributionProcessor.markMigrated(store);
        }
        for (StoreSpec<?, ?> spec : PatientSubtopology.stores()) {
            String changelog = spec.changelog(applicationId);
            stores.get(spec.name())
                    .forEachSerialized((k, v) -> out.send(changelog, id.partition(), changelogTimestamp, k, v));
            stores.get(spec.name()).clear();
        }
    }

    /** Two contributions of one analyte and source as one: the later change of each group member wins. */
    private static Record<String, Contribution> merged(
            Record<String, Contribution> earlier, Record<String, Contribution> later) {
        Map<ContributionProcessor.Target, Contribution.Change> changes = new LinkedHashMap<>();
        for (Record<String, Contribution> r : List.of(earlier, later)) {
            r.value().changes().forEach(c -> changes.put(new ContributionProcessor.Target(c.group(), c.member()), c));
        }
        return later.withValue(new Contribution(later.value().source(), List.copyOf(changes.values())));
    }

    private void route(Record<String, SpecificRecord> record) {
        for (TopicSpec<? extends SpecificRecord> spec : routes) {
            if (spec.carries(record.value())) {
                Map<String, Record<String, SpecificRecord>> last = latest.get(spec.name());
                if (last != null) {
                    last.put(record.key(), record);
                } else {
                    events.get(spec.name()).add(record);
                }
                return;
            }
        }
    }

    private static <V extends SpecificRecord> void send(
            Output out, TopicSpec<V> spec, Record<String, SpecificRecord> r) {
        out.send(
                spec.name(),
                null,
                r.timestamp(),
                spec.keySerde().serializer().serialize(spec.name(), r.key()),
                spec.valueSerde().serializer().serialize(spec.name(), spec.cast(r.value())));
    }

    private record Metadata(String topic, int partition, long offset) implements RecordMetadata {}

    /** The context of one processor node: its forwards go to {@link #forwarded}, its stores are the task's. */
    private abstract class Context<K, V> implements ProcessorContext<K, V> {

        private final String applicationId;

        Context(String applicationId) {
            this.applicationId = applicationId;
        }

        abstract void forwarded(Record<K, V> record);

        @Override
        @SuppressWarnings("unchecked")
        public <K1 extends K, V1 extends V> void forward(Record<K1, V1> record) {
            forwarded((Record<K, V>) record);
        }

        @Override
        public <K1 extends K, V1 extends V> void forward(Record<K1, V1> record, String childName) {
            throw new UnsupportedOperationException("the patient's sub-topology forwards to all children");
        }

        @Override
        public String applicationId() {
            return applicationId;
        }

        @Override
        public TaskId taskId() {
            return id;
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return Optional.ofNullable(current);
        }

        @Override
        public Serde<?> keySerde() {
            return Serdes.String();
        }

        @Override
        public Serde<?> valueSerde() {
            return Serdes.ByteArray();
        }

        @Override
        public File stateDir() {
            throw new UnsupportedOperationException("a backfill task keeps its state in memory");
        }

        @Override
        public StreamsMetrics metrics() {
            throw new UnsupportedOperationException("a backfill task has no Kafka Streams metrics");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <S extends StateStore> S getStateStore(String name) {
            S store = (S) stores.get(name);
            if (store == null) {
                throw new IllegalArgumentException("no store " + name + " in the patient's sub-topology");
            }
            return store;
        }

        @Override
        public Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback) {
            return () -> {};
        }

        @Override
        public Cancellable schedule(Instant startTime, Duration interval, PunctuationType type, Punctuator callback) {
            return () -> {};
        }

        @Override
        public void commit() {}

        @Override
        public Map<String, Object> appConfigs() {
            return Map.of();
        }

        @Override
        public Map<String, Object> appConfigsWithPrefix(String prefix) {
            return Map.of();
        }

        @Override
        public long currentSystemTimeMs() {
            return clock.millis();
        }

        @Override
        public long currentStreamTimeMs() {
            return streamTime;
        }
    }
}
