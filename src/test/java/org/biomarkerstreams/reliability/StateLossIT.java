package org.biomarkerstreams.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An instance loses its state directory (a new node, a lost volume): it must rebuild every store from
 * the changelogs before it processes again, and then answer exactly as an instance that never lost
 * anything — every patient's summaries through the query API, and the outputs of the input
 * that comes after the restore.
 */
class StateLossIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final int PATIENTS = 150;
    private static final double FAST = 2_000;

    @Test
    void shouldAnswerAsAnInstanceThatKeptItsStateWhenItsStateDirectoryIsWiped() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        ReliabilityRun run = ReliabilityRun.create(KAFKA, REGISTRY, "state-loss", 2);
        ReliabilityFeed feed = ReliabilityFeed.generate(PATIENTS, seed, run.id());
        int half = feed.size() / 2;

        try (run;
                CanaryWatch canaries = CanaryWatch.start(run)) {
            AppProcess.Spec keeps = run.app("keeps", StreamsConfig.EXACTLY_ONCE_V2, Map.of());
            // Kafka Streams does not leave the group when it closes: without a short session the restarted
            // instance would wait out the old member's 45 s before it is assigned anything.
            AppProcess.Spec loses = run.app("loses", StreamsConfig.EXACTLY_ONCE_V2, CrashIT.FAST_FAILURE_DETECTION);
            AppProcess reference = run.start(keeps, "keeps");
            AppProcess first = run.start(loses, "loses-1");
            reference.awaitReady(Duration.ofMinutes(2));
            Duration emptyStart = first.awaitReady(Duration.ofMinutes(2));
            try (InputPublisher publisher = run.publisher()) {
                feed.publish(publisher, 0, half, FAST);
            }
            run.awaitCaughtUp(keeps, reference);
            run.awaitCaughtUp(loses, first);
            first.terminate(Duration.ofSeconds(60));

            Changelogs changelogs = changelogs(loses.applicationId());
            deleteRecursively(loses.stateDir());
            assertThat(loses.stateDir()).doesNotExist();
            AppProcess restored = run.start(loses, "loses-2");
            Duration restoredStart = restored.awaitReady(Duration.ofMinutes(5));
            Restores restores = Restores.in(restored.out().resolveSibling("loses-2.err"));
            run.report(
                    "seed %s: ready %s ms after start with empty changelogs; with the state directory wiped ready"
                            + " after %s ms, of which restoring %s changelog records (%s KiB in %s partitions; %s"
                            + " restored as the log reports) took %s ms (longest partition)",
                    seed,
                    emptyStart.toMillis(),
                    restoredStart.toMillis(),
                    changelogs.records(),
                    changelogs.bytes() / 1024,
                    changelogs.partitions(),
                    restores.records(),
                    restores.longestMillis());
            assertThat(restores.records())
                    .as("records the instance reports restored")
                    .isPositive();
            assertThat(changelogs.records()).as("changelog records to restore").isPositive();

            // The stores the query API reads were rebuilt: every patient's summaries, as the other instance has them.
            // (Patients enrolled late have no reading in the first half: both instances answer 404 for them.)
            int compared = 0;
            int differing = 0;
            for (String patient : feed.patients()) {
                String path = "/api/patients/" + patient + "/summary";
                String expected = reference.get(path);
                String actual = restored.get(path);
                differing += Objects.equals(expected, actual) ? 0 : 1;
                compared += expected == null ? 0 : 1;
            }
            assertThat(compared)
                    .as("patients with summaries after the first half")
                    .isGreaterThan(PATIENTS / 3);
            assertThat(differing)
                    .as(
                            "patients (of %d) whose summaries differ after the restore",
                            feed.patients().size())
                    .isZero();

            try (InputPublisher publisher = run.publisher()) {
                feed.publish(publisher, half, feed.size(), FAST);
            }
            run.awaitCaughtUp(keeps, reference);
            run.awaitCaughtUp(loses, restored);
            run.awaitSettled(List.of(keeps, loses), List.of(reference, restored));
            PipelineOutputs expected = run.outputs(keeps);
            PipelineOutputs actual = run.outputs(loses);
            RunComparison.assertTrajectoryPerRevision(feed, actual, "restored");
            RunComparison.assertEquivalent(run, expected, actual, true);
            run.report(
                    "seed %s: %s patients' summaries equal after the restore; %s output records compared",
                    seed, compared, actual.records());
            reference.terminate(Duration.ofSeconds(60));
            restored.terminate(Duration.ofSeconds(60));
            canaries.assertNoLeaks();
        }
    }

    /** What an instance's log says it restored ({@code Restored store ... : N records in M ms}). */
    record Restores(long records, long longestMillis) {
        private static final Pattern LINE =
                Pattern.compile("Restored store \\S+ from \\S+: (\\d+) records in (-?\\d+) ms");

        static Restores in(Path log) throws IOException {
            long records = 0;
            long longest = 0;
            Matcher m = LINE.matcher(Files.readString(log));
            while (m.find()) {
                records += Long.parseLong(m.group(1));
                longest = Math.max(longest, Long.parseLong(m.group(2)));
            }
            return new Restores(records, longest);
        }
    }

    /** Size of an application's changelog topics: what a restore reads. */
    record Changelogs(long records, long bytes, int partitions) {}

    private static Changelogs changelogs(String applicationId) throws Exception {
        try (Admin admin = KAFKA.admin()) {
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog"))
                    .toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (TopicDescription d :
                    admin.describeTopics(topics).allTopicNames().get().values()) {
                d.partitions()
                        .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
            }
            long records = admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(i -> i.offset())
                    .sum();
            List<Integer> brokers =
                    admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs :
                    admin.describeLogDirs(brokers).allDescriptions().get().values()) {
                for (LogDirDescription dir : dirs.values()) {
                    bytes += dir.replicaInfos().entrySet().stream()
                            .filter(e -> latest.containsKey(e.getKey()))
                            .mapToLong(e -> e.getValue().size())
                            .sum();
                }
            }
            return new Changelogs(records, bytes, latest.size());
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
