package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells when a consumer group has processed everything that was on its input topics: its committed
 * offsets reached the end offsets taken now. With exactly-once the offsets commit in the same
 * transaction as the outputs, so a caught-up group means its outputs are visible to read_committed
 * readers.
 */
public final class CatchUp {

    private CatchUp() {}

    /** The end offsets (high watermarks) of every partition of {@code topics}. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics)
            throws InterruptedException, ExecutionException {
        return endOffsets(admin, topics, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Blocks until group {@code groupId} committed at least {@code ends} on every partition.
     *
     * @param stillAlive checked between polls; waiting stops with an exception when it turns false
     */
    public static void await(
            Admin admin, String groupId, Map<TopicPartition, Long> ends, Duration timeout, BooleanSupplier stillAlive)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long behind = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(end.getKey());
                long position = c == null ? 0 : c.offset();
                behind += Math.max(0, end.getValue() - position);
            }
            if (behind == 0) {
                return;
            }
            if (!stillAlive.getAsBoolean()) {
                throw new IllegalStateException("the application stopped with " + behind + " record(s) unprocessed");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "group " + groupId + " still " + behind + " record(s) behind after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Blocks until the outputs have settled: on every partition of {@code topics} no transaction is
     * open (the read_committed end equals the high watermark) and no end offset moved for {@code
     * quiet}. Needed after {@link #await}: the transaction that commits the group's last offsets
     * writes its markers to the output partitions separately, so the offsets can be visible before the
     * last outputs are, and outputs emitted on a wall-clock schedule come later still.
     */
    public static void awaitSettled(
            Admin admin, Collection<String> topics, Duration quiet, Duration timeout, BooleanSupplier stillAlive)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> last = null;
        long stableSince = System.nanoTime();
        while (true) {
            Map<TopicPartition, Long> ends = endOffsets(admin, topics, IsolationLevel.READ_UNCOMMITTED);
            Map<TopicPartition, Long> committed = endOffsets(admin, topics, IsolationLevel.READ_COMMITTED);
            if (!ends.equals(last)) {
                last = ends;
                stableSince = System.nanoTime();
            } else if (ends.equals(committed) && System.nanoTime() - stableSince >= quiet.toNanos()) {
                return;
            }
            if (!stillAlive.getAsBoolean()) {
                throw new IllegalStateException("the application stopped before its outputs settled");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("outputs still changing after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static Map<TopicPartition, Long> endOffsets(
            Admin admin, Collection<String> topics, IsolationLevel isolation)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription d :
                admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation))
                .all()
                .get()
                .forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }
}
