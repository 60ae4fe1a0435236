package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application killed with SIGKILL at random moments, ten times, while input keeps arriving; an
 * uninterrupted instance of the same application (its own application id and outputs) reads the same
 * input beside it. Afterwards (see {@link RunComparison#assertEquivalent}) every latest-state output
 * of the killed one ends in the same value for every key as the uninterrupted one's, each accepted
 * reading has exactly one live trajectory point at its last revision, and the alerts are the same
 * crossings: with exactly_once_v2 each exactly once, under at_least_once at least once.
 */
class CrashIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final int PATIENTS = 120;
    private static final int KILLS = 10;
    /** Slow enough that the input lasts through the kills (~100 s). */
    private static final double RECORDS_PER_SECOND = 50;

    static final Map<String, String> FAST_FAILURE_DETECTION =
            Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "1500");

    /** Both guarantees, or those of {@code -Dreliability.guarantees=a,b}. */
    static Stream<String> guarantees() {
        return Arrays.stream(System.getProperty(
                        "reliability.guarantees", StreamsConfig.EXACTLY_ONCE_V2 + "," + StreamsConfig.AT_LEAST_ONCE)
                .split(","));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guarantees")
    void shouldEqualAnUninterruptedRunWhenKilledTenTimesUnderContinuousInput(String guarantee) throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "crash-" + guarantee, 2);
        ReliabilityFeed feed = ReliabilityFeed.generate(PATIENTS, seed, run.id());
        run.report(
                "seed %s: %s input records (%s readings) for %s patients",
                seed, feed.size(), feed.readings(), PATIENTS);

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec reference = run.app("reference", guarantee, Map.of());
            // A killed member holds its tasks until its session times out (45 s by default).
            AppProcess.Spec crashing = run.app("crashing", guarantee, FAST_FAILURE_DETECTION);
            AppProcess uninterrupted = run.start(reference, "reference");
            AppProcess current = run.start(crashing, "crashing-1");
            uninterrupted.awaitReady(Duration.ofMinutes(2));
            current.awaitReady(Duration.ofMinutes(2));

            CompletableFuture<Void> input;
            try (InputPublisher publisher = run.publisher()) {
                input = CompletableFuture.runAsync(() -> {
                    try {
                        feed.publish(publisher, 0, feed.size(), RECORDS_PER_SECOND);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
                int killedRunning = 0;
                for (int k = 1; k <= KILLS; k++) {
                    if (k % 3 == 0) {
                        // Every third kill while the instance starts: joining, restoring, rebalancing.
                        Thread.sleep(1_000 + random.nextInt(4_000));
                    } else {
                        // The others while it processes (a restart takes ~6-10 s to be RUNNING here).
                        current.awaitReady(Duration.ofMinutes(2));
                        Thread.sleep(300 + random.nextInt(3_000));
                    }
                    boolean wasRunning = current.isReady();
                    killedRunning += wasRunning ? 1 : 0;
                    current.kill();
                    run.report(
                            "seed %s: kill %s of %s (%s), input %s",
                            seed,
                            k,
                            KILLS,
                            wasRunning ? "running" : "not yet running",
                            input.isDone() ? "all sent" : "still arriving");
                    current = run.start(crashing, "crashing-" + (k + 1));
                }
                input.join();
                Duration recovery = current.awaitReady(Duration.ofMinutes(3));
                run.report(
                        "seed %s: %s kills, %s of them while RUNNING; last restart ready after %s ms",
                        seed, KILLS, killedRunning, recovery.toMillis());
            }

            run.awaitCaughtUp(reference, uninterrupted);
            run.awaitCaughtUp(crashing, current);
            run.awaitSettled(List.of(reference, crashing), List.of(uninterrupted, current));
            PipelineOutputs expected = run.outputs(reference);
            PipelineOutputs actual = run.outputs(crashing);

            RunComparison.assertTrajectoryPerRevision(feed, expected, "uninterrupted");
            RunComparison.assertTrajectoryPerRevision(feed, actual, "killed " + KILLS + " times");
            RunComparison.assertEquivalent(run, expected, actual, guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2));
            assertThat(actual.records("deadLetters")).isZero();
            run.report(
                    "seed %s %s: %s kills; compared %s output records of the killed run with %s of the"
                            + " uninterrupted one",
                    seed, guarantee, KILLS, actual.records(), expected.records());
            uninterrupted.terminate(Duration.ofSeconds(60));
            current.terminate(Duration.ofSeconds(60));
            canaries.assertNoLeaks();
        }
    }
}
