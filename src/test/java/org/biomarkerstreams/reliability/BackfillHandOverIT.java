package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code backfill} hands over to {@code run}: history (four fifths of a feed with resends and corrections, on two
 * partitions) is backfilled for an application id, then {@code run} starts with that id. It must restore its state
 * from the changelogs the backfill wrote and go on from the offsets it committed, reprocessing nothing (its
 * per-patient outputs do not grow, no alert is sent twice), and after the rest of the feed and a live correction of
 * a reading from the history, its outputs must end where an instance that streamed everything ends.
 */
class BackfillHandOverIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    @Test
    void shouldContinueFromTheBackfilledStateAndOffsetsWhenRunStartsWithTheSameApplicationId() throws Exception {
        handOver("backfill", 2, 1, 25);
    }

    /**
     * Two backfill instances at once share four partitions through their consumer group: every task is written
     * exactly once, by one of them, and the hand-over is as with one instance.
     */
    @Test
    void shouldWriteEachTaskOnceWhenTwoInstancesShareThePartitions() throws Exception {
        handOver("backfill2", 4, 2, 50_000);
    }

    /** {@code recordsPerGroup} small folds each task in many groups of patients (spill files), large in one. */
    private void handOver(String name, int partitions, int instances, int recordsPerGroup) throws Exception {
        Path spills = Files.createTempDirectory("backfill-spills");
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, name, partitions);
        ReliabilityFeed feed = ReliabilityFeed.generate(40, seed, run.id());
        int history = feed.size() * 4 / 5;

        try (run;
                InputPublisher publisher = run.publisher();
                Admin admin = KAFKA.admin()) {
            feed.publish(publisher, 0, history, 1e9);
            AppProcess.Spec reference = run.app("reference", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            AppProcess.Spec handed = run.app("handed", StreamsConfig.EXACTLY_ONCE_V2, Map.of());

            List<String> args = new ArrayList<>(List.of(
                    "backfill",
                    "--identified-outputs",
                    "--threads",
                    "2",
                    "--records-per-group",
                    Integer.toString(recordsPerGroup),
                    "--spill-dir",
                    spills.toString()));
            args.addAll(PipelineArguments.cluster(KAFKA.bootstrapServers(), REGISTRY.confluentUrl()));
            args.addAll(List.of("--application-id", handed.applicationId()));
            args.addAll(PipelineArguments.topics(handed.topics()));
            List<CompletableFuture<String>> backfills = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                backfills.add(CompletableFuture.supplyAsync(() -> backfill(args)));
            }
            int written = 0;
            for (CompletableFuture<String> backfill : backfills) {
                Matcher said = WRITTEN.matcher(backfill.get(5, TimeUnit.MINUTES));
                assertThat(said.find()).as("the backfill's summary line").isTrue();
                written += Integer.parseInt(said.group(1));
            }
            assertThat(written).as("tasks written by all instances together").isEqualTo(partitions);
            try (var left = Files.walk(spills)) {
                assertThat(left.filter(Files::isRegularFile))
                        .as("spill files left")
                        .isEmpty();
            }
            Map<TopicPartition, Long> ends =
                    CatchUp.endOffsets(admin, run.inputs().inputs());
            // Transactional offsets show in a plain offset fetch once the commit markers are written, just after
            // the commit returns (run's consumer asks for stable offsets, and waits for them).
            await("the input offsets committed for the application, as far as read")
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(run.committedInputs(admin, handed.applicationId()))
                            .isEqualTo(ends));
            long backfilledPoints = run.outputs(handed).records("trajectory");
            long backfilledSummaries = run.outputs(handed).records("summaries");
            assertThat(backfilledPoints).isPositive();

            // One after the other: two JVMs starting at once on a loaded 2-core machine can miss the 4 s probe.
            AppProcess handedApp = run.start(handed, "handed");
            handedApp.awaitReady(Duration.ofMinutes(2));
            AppProcess referenceApp = run.start(reference, "reference");
            referenceApp.awaitReady(Duration.ofMinutes(2));
            run.awaitSettled(List.of(handed), List.of(handedApp));
            assertThat(run.outputs(handed).records("trajectory"))
                    .as("trajectory points after run started on the backfill: history is not processed again")
                    .isEqualTo(backfilledPoints);
            assertThat(run.outputs(handed).records("summaries")).isEqualTo(backfilledSummaries);

            feed.publish(publisher, history, feed.size(), 1e9);
            publisher.reading(ReliabilityFeed.corrected(firstUncorrectedReading(feed, history)));
            publisher.flush();
            run.awaitCaughtUp(reference, referenceApp);
            run.awaitCaughtUp(handed, handedApp);
            run.awaitSettled(List.of(reference, handed), List.of(referenceApp, handedApp));
            assertThat(run.outputs(handed).records("trajectory"))
                    .as("the live records were processed")
                    .isGreaterThan(backfilledPoints);
            RunComparison.assertEquivalent(run, run.outputs(reference), run.outputs(handed), true);
            run.report(
                    "backfill of %d of %d records handed over to run; %d points backfilled",
                    history, feed.size(), backfilledPoints);
        }
    }

    private static final Pattern WRITTEN = Pattern.compile("(\\d+) of \\d+ input partitions written here");

    /** Runs one backfill instance in this JVM; returns what it printed, after checking it exited 0. */
    private static String backfill(List<String> args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(args.toArray(String[]::new));
        assertThat(exit).as("backfill exit status; it said: %s", out).isZero();
        return out.toString();
    }

    /** A numeric reading of the history that the feed never corrects: its correction arrives live. */
    private static RawReading firstUncorrectedReading(ReliabilityFeed feed, int history) {
        for (Object record : feed.records().subList(0, history)) {
            if (record instanceof RawReading r
                    && ReliabilityFeed.isNumber(r.value())
                    && feed.latestRevisions().get(r.patientId() + "|" + r.readingId()) == r.revision()) {
                return r;
            }
        }
        throw new IllegalStateException("the feed has no uncorrected numeric reading");
    }
}
