package org.biomarkerstreams.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a topology with KafkaStreams: our defaults, then the operator's client properties on top. */
public final class StreamsRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntime.class);

    /** The producers' batch size unless the operator sets one (Kafka's default is 16 KiB). */
    public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    /** How long the group waits for a member that stopped heartbeating before moving its partitions. */
    public static final int SESSION_TIMEOUT_MS = 45_000;

    /**
     * How to run.
     *
     * @param clientProperties any Kafka Streams / client property (security, tuning); wins over ours
     */
    public record Settings(
            String bootstrapServers,
            String applicationId,
            Path stateDir,
            String processingGuarantee,
            int threads,
            Map<String, String> clientProperties) {

        public Properties toProperties() {
            Properties p = new Properties();
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
            p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
            // Results do not depend on arrival order (the oracle property shows it), so a task never
            // waits for an empty co-partitioned input: with the default (0) it waits a fetch round
            // trip (fetch.max.wait.ms) each time the small events partition runs dry, which left a replay
            // waiting with the CPU idle (bench/README.md).
            p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
            // The 5.0 default, opted into now (Kafka 4.x warns at every start without it).
            p.put("processing.exception.handler.global.enabled", "true");
            // Streams' partition assignor reads its StreamsConfig from the main consumer's properties, which
            // carry only consumer settings, and Kafka 4.3 warns there too unless the consumer has it as well.
            p.put(StreamsConfig.MAIN_CONSUMER_PREFIX + "processing.exception.handler.global.enabled", "true");
            // One memory budget for all RocksDB stores instead of a block cache and memtables per store.
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
            // A reading makes several small records on many partitions per commit, and with the 16 KiB
            // default the producer's per-batch work was a large share of the application's CPU (measured in
            // bench/README.md). Unprefixed, so an operator's batch.size or producer.batch.size wins;
            // buffer.memory still bounds the producer's memory.
            p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(PRODUCER_BATCH_BYTES));
            // Kafka's own default, chosen and stated: with static membership it no longer delays a restart (the
            // member comes back under its instance id); it is how long the partitions of an instance that does not
            // come back (a lost node) wait before the others take them. Shorter, a slow restart would cost two
            // rebalances instead of none. README, Restarts and scaling.
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
            p.putAll(clientProperties);
            return p;
        }

        /**
         * As a static member of the group: {@code group.instance.id} (Kafka Streams appends {@code -<thread>} for each
         * stream thread's consumer). A member restarted with the same id takes its tasks back at once, without
         * waiting for its old session to expire and without moving another member's; the tasks of one that does not come back wait {@code session.timeout.ms} (Kafka's 45 s unless
         * set). The id must be unique in the group and stable across the instance's restarts.
         */
        public Settings asStaticMember(String instanceId) {
            Map<String, String> properties = new HashMap<>(clientProperties);
            properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
            return new Settings(bootstrapServers, applicationId, stateDir, processingGuarantee, threads, properties);
        }
    }

    private static final Duration LISTENER_GRACE = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Throwable fatal;

    private StreamsRuntime(Topology topology, Settings settings) {
        this.streams = new KafkaStreams(topology, settings.toProperties());
        streams.setStateListener((now, before) -> {
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
            if (now == KafkaStreams.State.ERROR
                    || now == KafkaStreams.State.PENDING_ERROR
                    || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        streams.setGlobalStateRestoreListener(new RestoreLog());
        streams.setUncaughtExceptionHandler(e -> {
            // Expected bad input never gets here (it is dead-lettered); this is a bug or an
            // unrecoverable client error, and a crash-looping thread would hide it.
            AccessDenied.explain(e, settings.applicationId())
                    .ifPresentOrElse(
                            denied -> {
                                // A missing ACL, not a bug: the operator needs the sentence, not the stack.
                                log.error("Stream thread failed; shutting the client down. {}", denied);
                                log.debug("The authorization failure", e);
                            },
                            () -> log.error("Stream thread failed; shutting the client down", e));
            fatal = e;
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Logs each store partition restored from its changelog (records, time), and when a restore of
     * several ends: how long an instance was not processing because it was rebuilding state.
     */
    private static final class RestoreLog implements StateRestoreListener {
        private final Map<TopicPartition, Long> startedAt = new ConcurrentHashMap<>();

        @Override
        public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
            startedAt.put(partition, System.nanoTime());
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {}

        @Override
        public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
            Long started = startedAt.remove(partition);
            long millis = started == null ? -1 : (System.nanoTime() - started) / 1_000_000;
            log.info("Restored store {} from {}: {} records in {} ms", store, partition, totalRestored, millis);
        }
    }

    public static StreamsRuntime start(Topology topology, Settings settings) {
        StreamsRuntime runtime = new StreamsRuntime(topology, settings);
        log.info(
                "Starting Kafka Streams application {} ({}, {} thread(s), {})",
                settings.applicationId(),
                settings.processingGuarantee(),
                settings.threads(),
                Optional.ofNullable(settings.clientProperties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
                        .map(id -> "static member " + id)
                        .orElse("dynamic member"));
        runtime.streams.start();
        return runtime;
    }

    /** Waits for the first RUNNING state. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(
                    "Kafka Streams did not reach RUNNING within " + timeout + "; state " + streams.state());
        }
    }

    /** Blocks until the client stops: closed, or failed. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The error that stopped the client, if one did. */
    public Throwable fatalError() {
        return fatal;
    }

    /** Closes as {@link #close(Duration, GroupMembershipOperation)} does, leaving the group. */
    public void close(Duration timeout) {
        close(timeout, GroupMembershipOperation.LEAVE_GROUP);
    }

    /**
     * Closes the client: its last commit, state flushed. With {@code LEAVE_GROUP} the group coordinator learns at once
     * that this member is gone and the other instances take its tasks in the rebalance that follows; without it
     * (Kafka Streams' own default) they wait for its {@code session.timeout.ms} to expire, unless it comes back first
     * with the same {@code group.instance.id}, which then gets its tasks back without any task moving.
     */
    public void close(Duration timeout, GroupMembershipOperation membership) {
        if (streams.close(CloseOptions.groupMembershipOperation(membership).withTimeout(timeout))) {
            // close() returns once the state is NOT_RUNNING, but KafkaStreams calls the state
            // listener after that: in a shutdown hook the JVM could halt before the last transition
            // is logged and awaitStopped() released.
            try {
                stopped.await(LISTENER_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
