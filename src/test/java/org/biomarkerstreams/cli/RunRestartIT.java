package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.reliability.AppProcess;
import org.biomarkerstreams.reliability.CanaryWatch;
import org.biomarkerstreams.reliability.PipelineOutputs;
import org.biomarkerstreams.reliability.ReliabilityFeed;
import org.biomarkerstreams.reliability.ReliabilityRun;
import org.biomarkerstreams.reliability.RunComparison;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code run} restarts in seconds, at the product's defaults (Kafka's 45 s session timeout, no client property set),
 * as its own JVM with the reliability suite's tools: SIGKILLed while it processes and restarted with the same {@code
 * --instance-id} (static membership), three times, it must process every input partition again within 20 s of each
 * start, JVM start included, and end with the outputs of an uninterrupted instance. A clean stop (SIGTERM) of one of
 * two instances must hand its partitions to the other within seconds (it leaves the group). Figures go to {@code
 * target/reliability/figures.txt}; the README quotes them.
 */
class RunRestartIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final int PARTITIONS = 2;
    private static final int KILLS = 3;
    /** The bound. A dynamic member restarted the same way needed ~50 s: the old member's session first. */
    private static final Duration PROCESSING_AGAIN = Duration.ofSeconds(20);
    /** "Within seconds": without leaving the group, the other instance would wait for the 45 s session. */
    private static final Duration TAKEOVER = Duration.ofSeconds(20);
    /** Input keeps arriving while the instance is killed and restarted, so that processing again can be seen. */
    private static final double RECORDS_PER_SECOND = 25;

    @Test
    void shouldProcessEveryPartitionAgainWithinTwentySecondsOfEachRestartWhenKilledThreeTimes() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "restart", PARTITIONS);
        ReliabilityFeed feed = ReliabilityFeed.generate(60, seed, run.id());

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec reference = run.app("reference", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            AppProcess.Spec killed = run.app("killed", StreamsConfig.EXACTLY_ONCE_V2, Map.of())
                    .plusArguments("--instance-id", "killed-" + run.id());
            AppProcess current = run.start(killed, "killed-1");
            current.awaitReady(Duration.ofMinutes(2));

            List<Duration> ready = new ArrayList<>();
            List<Duration> processing = new ArrayList<>();
            AtomicBoolean slow = new AtomicBoolean(true);
            try (InputPublisher publisher = run.publisher();
                    Admin admin = KAFKA.admin()) {
                CompletableFuture<Void> input = CompletableFuture.runAsync(() -> publish(feed, publisher, slow));
                for (int k = 1; k <= KILLS; k++) {
                    current.awaitReady(Duration.ofMinutes(1));
                    Thread.sleep(1_000 + random.nextInt(2_000));
                    assertThat(current.isReady()).as("RUNNING when killed").isTrue();
                    Map<TopicPartition, Long> committed = run.committedInputs(admin, killed.applicationId());
                    current.kill();
                    long restartedAt = System.nanoTime();
                    current = run.start(killed, "killed-" + (k + 1));
                    ready.add(current.awaitReady(Duration.ofMinutes(2)));
                    run.awaitEveryInputAdvanced(admin, killed.applicationId(), committed, Duration.ofMinutes(2));
                    processing.add(Duration.ofNanos(System.nanoTime() - restartedAt));
                    assertThat(input)
                            .as("input still arriving when processing was seen again (else it would prove nothing)")
                            .isNotDone();
                }
                slow.set(false);
                input.join();
            }
            run.report(
                    "seed %s: %s SIGKILLs; restarted with the same --instance-id, ready after %s ms and every input"
                            + " partition processed again after %s ms (JVM start included)",
                    seed, KILLS, millis(ready), millis(processing));
            assertThat(processing)
                    .as("from each restart until every input partition was processed again")
                    .allSatisfy(d -> assertThat(d).isLessThan(PROCESSING_AGAIN));

            // The uninterrupted instance reads the same input afterwards: beside the killed one it would take a share
            // of the CPU the restarts are timed on.
            AppProcess uninterrupted = run.start(reference, "reference");
            run.awaitCaughtUp(reference, uninterrupted);
            run.awaitCaughtUp(killed, current);
            run.awaitSettled(List.of(reference, killed), List.of(uninterrupted, current));
            PipelineOutputs expected = run.outputs(reference);
            PipelineOutputs actual = run.outputs(killed);
            RunComparison.assertTrajectoryPerRevision(feed, actual, "killed " + KILLS + " times");
            RunComparison.assertEquivalent(run, expected, actual, true);
            assertThat(actual.records("deadLetters")).isZero();
            uninterrupted.terminate(Duration.ofSeconds(60));
            current.terminate(Duration.ofSeconds(60));
            canaries.assertNoLeaks();
        }
    }

    @Test
    void shouldHandItsPartitionsToTheOtherInstanceWithinSecondsWhenOneOfTwoStopsCleanly() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "scale-down", PARTITIONS);
        ReliabilityFeed feed = ReliabilityFeed.generate(20, seed, run.id());

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec group = run.app("group", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            String leaving = "a-" + run.id();
            String staying = "b-" + run.id();
            AppProcess a = run.start(
                    group.withStateDir(group.stateDir().resolve("a")).plusArguments("--instance-id", leaving), "a");
            AppProcess b = run.start(
                    group.withStateDir(group.stateDir().resolve("b")).plusArguments("--instance-id", staying), "b");
            a.awaitReady(Duration.ofMinutes(2));
            b.awaitReady(Duration.ofMinutes(2));

            AtomicBoolean slow = new AtomicBoolean(true);
            try (InputPublisher publisher = run.publisher();
                    Admin admin = KAFKA.admin()) {
                // Kafka Streams appends the stream thread's number to the instance id.
                await("both instances to hold input partitions, as static members")
                        .atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            Map<String, Integer> held = inputPartitionsByMember(admin, group.applicationId(), run);
                            return held.getOrDefault(leaving + "-1", 0) > 0 && held.getOrDefault(staying + "-1", 0) > 0;
                        });
                CompletableFuture<Void> input = CompletableFuture.runAsync(() -> publish(feed, publisher, slow));
                Thread.sleep(3_000);

                long stoppedAt = System.nanoTime();
                Duration closing = a.terminate(Duration.ofSeconds(60));
                // a committed its partitions as it closed: from here on only b can move them on.
                Map<TopicPartition, Long> afterClose = run.committedInputs(admin, group.applicationId());
                run.awaitEveryInputAdvanced(admin, group.applicationId(), afterClose, Duration.ofMinutes(2));
                Duration takeover = Duration.ofNanos(System.nanoTime() - stoppedAt);
                assertThat(input)
                        .as("input still arriving when the takeover was seen")
                        .isNotDone();
                run.report(
                        "seed %s: one of two static members stopped by SIGTERM (closed in %s ms) and left the group;"
                                + " the other processed every input partition %s ms after the SIGTERM",
                        seed, closing.toMillis(), takeover.toMillis());
                assertThat(inputPartitionsByMember(admin, group.applicationId(), run))
                        .as("the group's members (instance ids) after the clean stop")
                        .containsOnlyKeys(staying + "-1");
                assertThat(takeover).isLessThan(TAKEOVER);
                slow.set(false);
                input.join();
            }
            b.terminate(Duration.ofSeconds(60));
            canaries.assertNoLeaks();
        }
    }

    /** The feed at {@link #RECORDS_PER_SECOND} while {@code slow}, then the rest at once. */
    private static void publish(ReliabilityFeed feed, InputPublisher publisher, AtomicBoolean slow) {
        int chunk = 10;
        try {
            for (int i = 0; i < feed.size(); i += chunk) {
                feed.publish(publisher, i, Math.min(i + chunk, feed.size()), slow.get() ? RECORDS_PER_SECOND : 1e6);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> millis(List<Duration> durations) {
        return durations.stream().map(Duration::toMillis).toList();
    }

    /** Per member's group.instance.id, how many input partitions it holds. */
    private static Map<String, Integer> inputPartitionsByMember(Admin admin, String groupId, ReliabilityRun run)
            throws Exception {
        Map<String, Integer> held = new HashMap<>();
        for (MemberDescription m : admin.describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get()
                .members()) {
            int inputs = (int) m.assignment().topicPartitions().stream()
                    .filter(tp -> run.inputs().inputs().contains(tp.topic()))
                    .count();
            held.put(m.groupInstanceId().orElse("(dynamic) " + m.consumerId()), inputs);
        }
        return held;
    }
}
