package org.biomarkerstreams.reliability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scaling under load: two instances with one standby replica each, then a third joins, then one of
 * the first two is stopped (SIGTERM, as a scale-down). The group's outputs must equal those of a single
 * uninterrupted instance (same final states, same alerts exactly once; exactly_once_v2), and the test reports how long the group
 * took to process every input partition again after each change.
 */
class RebalanceIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final int PATIENTS = 150;
    private static final int PARTITIONS = 4;
    private static final double RECORDS_PER_SECOND = 100;

    @Test
    void shouldEqualASingleUninterruptedInstanceWhenAnInstanceJoinsAndOneLeavesUnderLoad() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "rebalance", PARTITIONS);
        ReliabilityFeed feed = ReliabilityFeed.generate(PATIENTS, seed, run.id());

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec single = run.app("single", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            Map<String, String> groupConfig = new LinkedHashMap<>(CrashIT.FAST_FAILURE_DETECTION);
            groupConfig.put("num.standby.replicas", "1");
            AppProcess.Spec group = run.app("group", StreamsConfig.EXACTLY_ONCE_V2, groupConfig);
            AppProcess reference = run.start(single, "single");
            AppProcess a = run.start(group.withStateDir(group.stateDir().resolve("a")), "a");
            AppProcess b = run.start(group.withStateDir(group.stateDir().resolve("b")), "b");
            reference.awaitReady(Duration.ofMinutes(2));
            a.awaitReady(Duration.ofMinutes(2));
            b.awaitReady(Duration.ofMinutes(2));

            AppProcess c;
            Duration joined;
            Duration takeover;
            try (InputPublisher publisher = run.publisher();
                    Admin admin = KAFKA.admin()) {
                CompletableFuture<Void> input = CompletableFuture.runAsync(() -> {
                    try {
                        feed.publish(publisher, 0, feed.size(), RECORDS_PER_SECOND);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(12_000);
                Map<TopicPartition, Long> before = run.committedInputs(admin, group.applicationId());
                long joinAt = System.nanoTime();
                c = run.start(group.withStateDir(group.stateDir().resolve("c")), "c");
                c.awaitReady(Duration.ofMinutes(2));
                run.awaitEveryInputAdvanced(admin, group.applicationId(), before, Duration.ofMinutes(3));
                joined = Duration.ofNanos(System.nanoTime() - joinAt);

                Thread.sleep(10_000);
                long leaveAt = System.nanoTime();
                Duration closing = a.terminate(Duration.ofSeconds(60));
                // a committed its own partitions as it closed: from here on only b and c can move them.
                Map<TopicPartition, Long> afterClose = run.committedInputs(admin, group.applicationId());
                run.awaitEveryInputAdvanced(admin, group.applicationId(), afterClose, Duration.ofMinutes(3));
                takeover = Duration.ofNanos(System.nanoTime() - leaveAt);
                run.report(
                        "seed %s: a third instance joined and every input partition was processed again after %s ms;"
                                + " one left (clean close %s ms) and the other two processed every partition again"
                                + " after %s ms",
                        seed, joined.toMillis(), closing.toMillis(), takeover.toMillis());
                input.join();
            }

            run.awaitCaughtUp(single, reference);
            run.awaitCaughtUp(group, b);
            run.awaitSettled(List.of(single, group), List.of(reference, b, c));
            PipelineOutputs expected = run.outputs(single);
            PipelineOutputs actual = run.outputs(group);
            RunComparison.assertTrajectoryPerRevision(feed, actual, "rebalanced group");
            RunComparison.assertEquivalent(run, expected, actual, true);
            run.report(
                    "seed %s: %s output records of the group compared with the single instance's",
                    seed, actual.records());
            for (AppProcess p : List.of(reference, b, c)) {
                p.terminate(Duration.ofSeconds(60));
            }
            canaries.assertNoLeaks();
        }
    }
}
