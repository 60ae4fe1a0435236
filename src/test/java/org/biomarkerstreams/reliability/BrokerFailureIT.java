package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A three-broker KRaft cluster (replication 3, min.insync.replicas 2): under continuous input one broker
 * at a time is stopped without a controlled shutdown and started again, five times, while the
 * application (exactly_once_v2) and the input producer (acks=all, idempotent) carry on. Every input
 * record must be on its topic exactly once, and the application's outputs must equal (see {@link
 * RunComparison#assertEquivalent}) those of an instance that reads the same input afterwards on the
 * healthy cluster.
 */
class BrokerFailureIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.configs(3);

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final int PATIENTS = 120;
    private static final int FAILURES = 5;
    private static final double RECORDS_PER_SECOND = 70;

    @Test
    void shouldDeliverEverythingAndEqualAHealthyRunWhenBrokersFailAndComeBackUnderLoad() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "broker-failure", 3);
        ReliabilityFeed feed = ReliabilityFeed.generate(PATIENTS, seed, run.id());

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec during = run.app("during", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            AppProcess survivor = run.start(during, "during");
            survivor.awaitReady(Duration.ofMinutes(2));

            List<Integer> brokers = new ArrayList<>(KAFKA.testKit().brokers().keySet());
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
                for (int f = 0; f < FAILURES; f++) {
                    Thread.sleep(3_000 + random.nextInt(4_000));
                    int id = brokers.get(f % brokers.size());
                    BrokerServer broker = KAFKA.testKit().brokers().get(id);
                    long stoppedAt = System.nanoTime();
                    broker.shutdown();
                    Thread.sleep(4_000 + random.nextInt(4_000));
                    broker.startup();
                    awaitFullyReplicated(admin, run);
                    run.report(
                            "seed %s: broker %s stopped and back in every ISR after %s ms (failure %s of %s)",
                            seed,
                            id,
                            Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis(),
                            f + 1,
                            FAILURES);
                }
                input.join();
                long written = CatchUp.endOffsets(admin, run.inputs().inputs()).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
                assertThat(written)
                        .as("input records on the topics, each exactly once")
                        .isEqualTo(feed.size());
            }
            assertThat(survivor.isAlive())
                    .as("the application survived every broker failure")
                    .isTrue();

            AppProcess.Spec after = run.app("after", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            AppProcess healthy = run.start(after, "after");
            healthy.awaitReady(Duration.ofMinutes(2));
            run.awaitCaughtUp(during, survivor);
            run.awaitCaughtUp(after, healthy);
            run.awaitSettled(List.of(during, after), List.of(survivor, healthy));
            PipelineOutputs expected = run.outputs(after);
            PipelineOutputs actual = run.outputs(during);
            RunComparison.assertTrajectoryPerRevision(feed, actual, "through broker failures");
            RunComparison.assertEquivalent(run, expected, actual, true);
            run.report(
                    "seed %s: %s broker failures; %s input records delivered; %s output records compared",
                    seed, FAILURES, feed.size(), actual.records());
            survivor.terminate(Duration.ofSeconds(60));
            healthy.terminate(Duration.ofSeconds(60));
            canaries.assertNoLeaks();
        }
    }

    /** Waits until every partition of the run's input topics has all three replicas in sync again. */
    private static void awaitFullyReplicated(Admin admin, ReliabilityRun run) {
        await("the restarted broker back in every ISR")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    for (TopicDescription d : admin.describeTopics(run.inputs().inputs())
                            .allTopicNames()
                            .get()
                            .values()) {
                        if (d.partitions().stream().anyMatch(p -> p.isr().size() < 3)) {
                            return false;
                        }
                    }
                    return true;
                });
    }
}
