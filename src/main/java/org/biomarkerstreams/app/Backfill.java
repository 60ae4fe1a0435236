package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BatchTask;
import org.biomarkerstreams.streams.PatientSubtopology;
import org.biomarkerstreams.streams.StoreSpec;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded input through the topology's own processors without Kafka Streams, then handed over to {@code run}:
 * each task (an input partition of both input topics, as Kafka Streams makes them) is read from the start to the
 * end offsets found when the backfill started and run through a {@link BatchTask} in memory. What it leaves is
 * written once, in one transaction per task: the last record per key of the latest-state outputs, every dead
 * letter and alert, the last contribution per cohort group member to the cohort repartition topics (the live
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
    /** A task's whole output is one transaction: allow it the broker's default maximum. */
    private static final int TRANSACTION_TIMEOUT_MS =
            (int) Duration.ofMinutes(15).toMillis();

    /** Where and as whom: the cluster, the live application's id, the client properties, threads. */
    public record Settings(
            String bootstrapServers, String applicationId, Map<String, String> clientProperties, int threads) {}

    /** What a backfill did. */
    public record Report(int tasks, int tasksSkipped, long inputRecords, long recordsWritten, double seconds) {}

    private final Settings settings;
    private final TopologyConfig config;
    private final AvroSerdes serdes;
    private final PatientSubtopology subtopology;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();

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
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin);
            Map<TopicPartition, Long> ends = endOffsets(topics, partitions);
            Deque<Integer> todo = new ArrayDeque<>();
            int skipped = 0;
            for (int p = 0; p < partitions; p++) {
                if (committed.containsKey(new TopicPartition(topics.readings(), p))
                        || committed.containsKey(new TopicPartition(topics.events(), p))) {
                    skipped++;
                } else {
                    todo.add(p);
                }
            }
            log.info(
                    "Backfill of {} tasks ({} already committed, skipped) with {} threads",
                    todo.size(),
                    skipped,
                    settings.threads());
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.threads()), r -> {
                Thread t = new Thread(r, "backfill-" + System.identityHashCode(r));
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int p : todo) {
                    running.add(pool.submit(() -> {
                        runTask(p, ends);
                        return null;
                    }));
                }
                while (!running.isEmpty()) {
                    Future<?> next = running.get(0);
                    try {
                        next.get(1, TimeUnit.SECONDS);
                        running.remove(0);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // still running
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("backfill task failed: " + e.getCause(), e.getCause());
                    }
                    progress.accept(read.get());
                }
            } finally {
                pool.shutdownNow();
            }
            progress.accept(read.get());
            return new Report(todo.size(), skipped, read.get(), written.get(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** One task: read, process, then write everything and commit its offsets in one transaction. */
    private void runTask(int partition, Map<TopicPartition, Long> ends) {
        Topics topics = config.topics();
        TaskId id = new TaskId(0, partition);
        BatchTask task = new BatchTask(subtopology, id, serdes, settings.applicationId());
        TopicPartition readings = new TopicPartition(topics.readings(), partition);
        TopicPartition events = new TopicPartition(topics.events(), partition);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>(readAll(consumer, events, ends));
            consumer.assign(List.of(readings));
            consumer.seekToBeginning(List.of(readings));
            long end = ends.get(readings);
            while (consumer.position(readings) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.offset() >= end) {
                        break;
                    }
                    while (!pending.isEmpty() && pending.peekFirst().timestamp() <= r.timestamp()) {
                        process(task, pending.pollFirst());
                    }
                    process(task, r);
                }
            }
            while (!pending.isEmpty()) {
                process(task, pending.pollFirst());
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(partition)) {
            producer.initTransactions();
            producer.beginTransaction();
            task.drain(
                    (topic, p, timestamp, key, value) -> {
                        producer.send(new ProducerRecord<>(topic, p, timestamp, key, value));
                        written.incrementAndGet();
                    },
                    settings.applicationId());
            producer.sendOffsetsToTransaction(
                    Map.of(
                            readings, new OffsetAndMetadata(ends.get(readings)),
                            events, new OffsetAndMetadata(ends.get(events))),
                    new ConsumerGroupMetadata(settings.applicationId()));
            producer.commitTransaction();
        }
        log.info("Backfill task {} written and its input offsets committed", id);
    }

    private void process(BatchTask task, ConsumerRecord<byte[], byte[]> r) {
        task.process(r.topic(), r.partition(), r.offset(), r.headers(), r.key(), r.value());
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
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
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
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
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
