package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the application needs, idempotently: missing topics are created, existing ones
 * are left exactly as they are (their partitions and configs are an operator's business once they
 * exist).
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    private TopicSetup() {}

    /**
     * Makes sure every topic in {@code topics} exists.
     *
     * <p>A topic that another process creates at the same moment counts as existing.
     *
     * @param timeout the whole budget for listing and creating
     * @throws IllegalStateException naming the topic if one could not be created, or if the cluster did
     *     not answer within {@code timeout}
     */
    public static void ensureTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> existing = listTopics(admin, deadline);

        Map<String, NewTopic> missing = new LinkedHashMap<>();
        for (NewTopic topic : topics) {
            if (existing.contains(topic.name())) {
                log.debug("Topic {} already exists; leaving it unchanged", topic.name());
            } else {
                missing.putIfAbsent(topic.name(), topic);
            }
        }
        if (missing.isEmpty()) {
            return;
        }

        Map<String, KafkaFuture<Void>> results = admin.createTopics(
                        List.copyOf(missing.values()), new CreateTopicsOptions().timeoutMs(millisLeft(deadline)))
                .values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            String name = result.getKey();
            try {
                await(result.getValue(), deadline, "create topic '" + name + "'");
                NewTopic spec = missing.get(name);
                log.info(
                        "Created topic {} ({} partitions, replication factor {})",
                        name,
                        spec.numPartitions(),
                        spec.replicationFactor());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    // The topic was not in the list: missing, or there but hidden from a principal without
                    // READ, WRITE or DESCRIBE on it. Either way the operator must grant something.
                    throw new IllegalStateException(
                            "Could not create topic '" + name + "': not authorized. It is missing, or it exists and"
                                    + " this principal may not see it",
                            new TopicAuthorizationException(denied.getMessage(), Set.of(name)));
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("create topic '" + name + "'", e);
                }
                log.debug("Topic {} was created concurrently by another client", name);
            }
        }
        awaitVisible(admin, missing.keySet(), deadline);
    }

    /**
     * Waits until the topics just created show in the cluster's metadata. The controller answers a creation
     * once it is committed; a broker's metadata may show it a moment later, and a client that lists, produces
     * or subscribes in that moment would find it missing.
     */
    private static void awaitVisible(Admin admin, Set<String> created, long deadline) {
        while (!listTopics(admin, deadline).containsAll(created)) {
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(
                        "Created topics " + created + " did not show in the cluster's metadata in time");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for created topics to show", e);
            }
        }
    }

    private static Set<String> listTopics(Admin admin, long deadline) {
        ListTopicsOptions options = new ListTopicsOptions().listInternal(true).timeoutMs(millisLeft(deadline));
        try {
            return await(admin.listTopics(options).names(), deadline, "list topics");
        } catch (ExecutionException e) {
            throw failure("list topics", e);
        }
    }

    private static <T> T await(KafkaFuture<T> future, long deadline, String what) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not " + what + ": no answer from Kafka in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + what, e);
        }
    }

    private static IllegalStateException failure(String what, ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new IllegalStateException("Could not " + what + ": " + cause.getMessage(), cause);
    }

    private static int millisLeft(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }
}
