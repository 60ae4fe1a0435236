package org.biomarkerstreams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.PatientSubtopology;
import org.biomarkerstreams.streams.StoreSpec;
import org.biomarkerstreams.streams.TaskSpill;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded input through the topology's own processors without Kafka Streams, then handed over to {@code run}:
 * each task (an input partition of both input topics, as Kafka Streams makes them) is read from the start to the
 * end offsets found when the backfill started into a {@link TaskSpill} (spill files by group of patients), then
 * folded group by group through the topology's processors on in-memory stores, so that a thread holds one
 * group's state at a time, not the task's. What it leaves is
 * written once, in one transaction per task: the last record per key of the latest-state outputs, every dead
 * letter and alert, each patient's last contributions (one record per analyte) to the cohort repartition topics (the live
 * application's cohort stages compute the cohort records from them), each store's final contents to its
 * changelog partition, and the input offsets read, committed for the group {@code run} uses (its application
 * id). {@code run} then restores its stores from the changelogs and goes on from those offsets.
 *
 * <p>Tasks already committed for the group are skipped, so a backfill stopped half-way resumes. Each task's
 * records are processed in one deterministic order: readings by offset, each partition's clinical events merged
 * in before the first reading with a later record timestamp. The topology's results do not depend on arrival
 * order (ArrivalOrderProperties), so any order gives what streaming would have given.
 */
public final class Backfill {

    private static final Logger log = LoggerFactory.getLogger(Backfill.class);

    private static final Duration POLL = Duration.ofMillis(200);
    /** How often the backfill's group member polls (heartbeats, rebalances) and looks for finished tasks. */
    private static final Duration GROUP_POLL = Duration.ofMillis(500);
    /** The most groups a task is folded in: its spill files are open at once while it is read. */
    static final int MAX_GROUPS = 512;

    /** A task's whole output is one transaction: allow it the broker's default maximum. */
    private static final int TRANSACTION_TIMEOUT_MS =
            (int) Duration.ofMinutes(15).toMillis();

    /**
     * Where and as whom: the cluster, the live application's id, the client properties, threads; where tasks spill
     * and how many input records each holds in memory at a time (a task is folded in groups of patients of about
     * that many records, {@link TaskSpill}).
     */
    public record Settings(
            String bootstrapServers,
            String applicationId,
            Map<String, String> clientProperties,
            int threads,
            Path spillDirectory,
            int recordsPerGroup) {

        public Settings {
            if (recordsPerGroup < 1) {
                throw new IllegalArgumentException("recordsPerGroup must be >= 1, got " + recordsPerGroup);
            }
        }
    }

    /**
     * What this instance did: of {@code partitions} tasks, {@code tasksWritten} written by it, {@code tasksSkipped}
     * already committed when it started (the rest were written by other instances); {@code inputRecords} read
     * (also of tasks another instance then took over).
     */
    public record Report(
            int partitions,
            int tasksWritten,
            int tasksSkipped,
            long inputRecords,
            long recordsWritten,
            double seconds) {}

    private final Settings settings;
    private final TopologyConfig config;
    private final AvroSerdes serdes;
    private final PatientSubtopology subtopology;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** The input partitions the backfill's group gives this instance now; a task of one taken away is dropped. */
    private final Set<Integer> assigned = ConcurrentHashMap.newKeySet();

    public Backfill(Settings settings, TopologyConfig config, AvroSerdes serdes, PatientSubtopology subtopology) {
        this.settings = settings;
        this.config = config;
        this.serdes = serdes;
        this.subtopology = subtopology;
    }

    /**
     * Runs the backfill to the end offsets of now.
     *
     * @param progress told the input records read so far, from time to time
     * @throws IllegalStateException when the live application's group has members (stop {@code run} first), or the
     *     two input topics are not co-partitioned
     */
    public Report run(LongConsumer progress) throws InterruptedException {
        long started = System.nanoTime();
        Topics topics = config.topics();
        try (Admin admin = Admin.create(adminProperties())) {
            int partitions = inputPartitions(admin, topics);
            requireNoMembers(admin);
            createInternalTopics(admin, partitions);
            Map<TopicPartition, Long> ends = endOffsets(topics, partitions);
            Set<Integer> skipped = committedTasks(admin, partitions);
            log.info(
                    "Backfill of {} tasks ({} already committed, skipped) with {} threads, sharing them with any other"
                            + " backfill instance of {} through its consumer group",
                    partitions - skipped.size(),
                    skipped.size(),
                    settings.threads(),
                    settings.applicationId());
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.threads()), r -> {
                Thread t = new Thread(r, "backfill-" + System.identityHashCode(r));
                t.setDaemon(true);
                return t;
            });
            Map<Integer, Future<Outcome>> running = new HashMap<>();
            // Committed, as this instance knows before the offsets show: a transaction's offsets appear in an offset
            // fetch only once its commit markers are written, just after the commit returns.
            Set<Integer> committedHere = new HashSet<>();
            int ran = 0;
            try (KafkaConsumer<byte[], byte[]> member = groupMember()) {
                member.subscribe(List.of(topics.readings()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitionsAssigned) {
                        // A member for the share only: it never reads through the group.
                        member.pause(partitionsAssigned);
                        partitionsAssigned.forEach(tp -> assigned.add(tp.partition()));
                    }

                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitionsRevoked) {
                        partitionsRevoked.forEach(tp -> assigned.remove(tp.partition()));
                    }
                });
                while (true) {
                    member.poll(GROUP_POLL);
                    // A task that finished is done even while its offsets do not show yet: otherwise it would look
                    // unfinished and not running, and be read all over again before it found them committed.
                    ran += finished(running, committedHere);
                    Set<Integer> done = committedTasks(admin, partitions);
                    done.addAll(committedHere);
                    if (done.size() == partitions && running.isEmpty()) {
                        break;
                    }
                    for (int p : assigned) {
                        if (!done.contains(p) && !running.containsKey(p)) {
                            running.put(p, pool.submit(() -> runTask(p, ends, admin)));
                        }
                    }
                    progress.accept(read.get());
                }
            } finally {
                pool.shutdownNow();
            }
            progress.accept(read.get());
            return new Report(
                    partitions, ran, skipped.size(), read.get(), written.get(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** What became of a task this instance ran. */
    private enum Outcome {
        /** Written and committed by this instance. */
        WRITTEN,
        /** Found committed by another instance, once this one's producer had fenced every earlier one. */
        WRITTEN_ELSEWHERE,
        /** Given to another instance while it read, or fenced by one while it wrote: that one has it now. */
        GIVEN_AWAY
    }

    /**
     * Removes the tasks that finished, adding those now committed to {@code committed}; returns how many of them
     * this instance wrote.
     */
    private static int finished(Map<Integer, Future<Outcome>> running, Set<Integer> committed)
            throws InterruptedException {
        int wrote = 0;
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Future<Outcome>> task = it.next();
            if (task.getValue().isDone()) {
                try {
                    Outcome outcome = task.getValue().get();
                    wrote += outcome == Outcome.WRITTEN ? 1 : 0;
                    if (outcome != Outcome.GIVEN_AWAY) {
                        committed.add(task.getKey());
                    }
                } catch (ExecutionException e) {
                    throw new IllegalStateException("backfill task failed: " + e.getCause(), e.getCause());
                }
                it.remove();
            }
        }
        return wrote;
    }

    /** The input partitions whose offsets are committed for the live application's group: their tasks are done. */
    private Set<Integer> committedTasks(Admin admin, int partitions) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
        Topics topics = config.topics();
        Set<Integer> done = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            if (committed.containsKey(new TopicPartition(topics.readings(), p))
                    || committed.containsKey(new TopicPartition(topics.events(), p))) {
                done.add(p);
            }
        }
        return done;
    }

    /**
     * A member of the backfill's own group, {@code <application id>-backfill}: Kafka's group protocol shares the
     * input partitions among the backfill instances running now, and gives a departed instance's partitions to
     * the others. It only holds its share (paused, never reading, never committing).
     */
    private KafkaConsumer<byte[], byte[]> groupMember() {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.applicationId() + "-backfill");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        // Incremental: a joining instance takes partitions from the others without every task being revoked first.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * One task: read into a spill, then fold it and write everything and commit its offsets in one transaction
     * ({@link #write}). A task whose partition the group gives to another instance while it reads is dropped.
     */
    private Outcome runTask(int partition, Map<TopicPartition, Long> ends, Admin admin) throws InterruptedException {
        Topics topics = config.topics();
        TaskId id = new TaskId(0, partition);
        TopicPartition readings = new TopicPartition(topics.readings(), partition);
        TopicPartition events = new TopicPartition(topics.events(), partition);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
                TaskSpill spill = new TaskSpill(
                        subtopology,
                        id,
                        serdes,
                        settings.applicationId(),
                        settings.spillDirectory(),
                        groups(consumer, ends, readings, events))) {
            if (!read(consumer, spill, readings, events, ends)) {
                log.info("Backfill task {} was given to another backfill instance: dropped", id);
                return Outcome.GIVEN_AWAY;
            }
            return write(spill, id, readings, events, ends, admin);
        }
    }

    /**
     * How many groups of patients a task's input is folded in: about {@code recordsPerGroup} records each, and at most
     * {@link #MAX_GROUPS} (each is an open spill file while the task is read).
     */
    private int groups(
            KafkaConsumer<byte[], byte[]> consumer,
            Map<TopicPartition, Long> ends,
            TopicPartition readings,
            TopicPartition events) {
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(List.of(readings, events));
        long records = ends.get(readings) - starts.get(readings) + ends.get(events) - starts.get(events);
        return (int) Math.max(
                1, Math.min(MAX_GROUPS, (records + settings.recordsPerGroup() - 1) / settings.recordsPerGroup()));
    }

    /**
     * Pass 1: reads the task's input up to the end offsets into its spill, in one order: readings by offset, the
     * partition's clinical events merged in before the first reading with a later record timestamp. Returns false
     * when the partition was given to another instance meanwhile.
     */
    private boolean read(
            KafkaConsumer<byte[], byte[]> consumer,
            TaskSpill spill,
            TopicPartition readings,
            TopicPartition events,
            Map<TopicPartition, Long> ends) {
        Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>(readAll(consumer, events, ends));
        consumer.assign(List.of(readings));
        consumer.seekToBeginning(List.of(readings));
        long end = ends.get(readings);
        while (consumer.position(readings) < end) {
            if (!assigned.contains(readings.partition())) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() >= end) {
                    break;
                }
                while (!pending.isEmpty() && pending.peekFirst().timestamp() <= r.timestamp()) {
                    add(spill, pending.pollFirst());
                }
                add(spill, r);
            }
        }
        while (!pending.isEmpty()) {
            add(spill, pending.pollFirst());
        }
        return true;
    }

    /**
     * Pass 2 and the hand-over: folds the spill and writes everything with the input offsets in one transaction.
     * Another instance may have taken the partition over in a rebalance and written it first (then this one finds
     * its offsets committed once its own transactional producer has fenced every earlier one), or fence this one
     * while it writes.
     */
    private Outcome write(
            TaskSpill spill,
            TaskId id,
            TopicPartition readings,
            TopicPartition events,
            Map<TopicPartition, Long> ends,
            Admin admin)
            throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = producer(id.partition())) {
            producer.initTransactions();
            if (committedTasks(admin, id.partition() + 1).contains(id.partition())) {
                log.info("Backfill task {} was written by another backfill instance", id);
                return Outcome.WRITTEN_ELSEWHERE;
            }
            producer.beginTransaction();
            spill.drain((topic, p, timestamp, key, value) -> {
                producer.send(new ProducerRecord<>(topic, p, timestamp, key, value));
                written.incrementAndGet();
            });
            producer.sendOffsetsToTransaction(
                    Map.of(
                            readings, new OffsetAndMetadata(ends.get(readings)),
                            events, new OffsetAndMetadata(ends.get(events))),
                    new ConsumerGroupMetadata(settings.applicationId()));
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            log.info("Backfill task {} was taken over by another backfill instance", id);
            return Outcome.GIVEN_AWAY;
        }
        log.info("Backfill task {} written and its input offsets committed", id);
        return Outcome.WRITTEN;
    }

    private void add(TaskSpill spill, ConsumerRecord<byte[], byte[]> r) {
        spill.add(r.topic(), r.partition(), r.offset(), r.headers(), r.key(), r.value());
        read.incrementAndGet();
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(
            KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, Map<TopicPartition, Long> ends) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = ends.get(tp);
        while (consumer.position(tp) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.offset() < end) {
                    out.add(r);
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        return out;
    }

    private int inputPartitions(Admin admin, Topics topics) throws InterruptedException {
        Map<String, TopicDescription> inputs =
                get(admin.describeTopics(topics.inputs()).allTopicNames());
        int readings = inputs.get(topics.readings()).partitions().size();
        int events = inputs.get(topics.events()).partitions().size();
        if (readings != events) {
            throw new IllegalStateException("the input topics are not co-partitioned: " + topics.readings() + " has "
                    + readings + " partitions, " + topics.events() + " " + events);
        }
        return readings;
    }

    private void requireNoMembers(Admin admin) throws InterruptedException {
        try {
            ConsumerGroupDescription group = get(admin.describeConsumerGroups(Set.of(settings.applicationId()))
                            .all())
                    .get(settings.applicationId());
            if (group != null && !group.members().isEmpty()) {
                throw new IllegalStateException("the application " + settings.applicationId() + " is running ("
                        + group.members().size() + " members, " + group.groupState()
                        + "): stop every 'run' instance of it before a backfill");
            }
            if (group != null && group.groupState() != GroupState.EMPTY && group.groupState() != GroupState.DEAD) {
                log.info("Group {} is {}", settings.applicationId(), group.groupState());
            }
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;
            }
            throw e;
        }
    }

    /** The changelogs and repartition topics Kafka Streams would create, with as many partitions as the inputs. */
    private void createInternalTopics(Admin admin, int partitions) {
        List<NewTopic> internal = new ArrayList<>();
        for (StoreSpec<?, ?> store : PatientSubtopology.stores()) {
            internal.add(new NewTopic(store.changelog(settings.applicationId()), partitions, (short) -1)
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                            "CreateTime")));
        }
        for (String repartition : PatientSubtopology.repartitionTopics(settings.applicationId())) {
            internal.add(new NewTopic(repartition, partitions, (short) -1)
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.SEGMENT_BYTES_CONFIG, "52428800",
                            TopicConfig.RETENTION_MS_CONFIG, "-1",
                            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime")));
        }
        TopicSetup.ensureTopics(admin, internal, TopicSetup.CREATE_TIMEOUT);
        Map<String, TopicDescription> existing = getUnchecked(
                admin.describeTopics(internal.stream().map(NewTopic::name).toList())
                        .allTopicNames());
        existing.forEach((name, d) -> {
            if (d.partitions().size() != partitions) {
                throw new IllegalStateException(name + " has " + d.partitions().size() + " partitions, the inputs "
                        + partitions + ": Kafka Streams would refuse to start; delete it (it is internal)");
            }
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        get(admin.listConsumerGroupOffsets(settings.applicationId()).partitionsToOffsetAndMetadata())
                .forEach((tp, o) -> {
                    if (o != null) {
                        out.put(tp, o);
                    }
                });
        return out;
    }

    private Map<TopicPartition, Long> endOffsets(Topics topics, int partitions) {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topics.readings(), p));
            all.add(new TopicPartition(topics.events(), p));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(all);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // One partition at a time per consumer: a few MB per fetch keeps the reader ahead without holding the heap.
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer(int partition) {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        // Per task, so a backfill restarted after a crash fences its own zombie and aborts what it left open.
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.applicationId() + "-backfill-" + partition);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(TRANSACTION_TIMEOUT_MS));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(32L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return p;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within 30 s", e);
        }
    }

    private static <T> T getUnchecked(org.apache.kafka.common.KafkaFuture<T> future) {
        try {
            return get(future);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
