package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.patient.OrphanWatch;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.LogCapture;
import org.biomarkerstreams.testing.PipelineArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mismatch, as a new user meets it: trial events from a CTMS keyed by the bare subject id, lab results
 * from HL7 with an assigning authority in PID-3. With the default patient id rule they meet; keyed {@code
 * id-authority} they do not, and {@code run} (against a real broker and registry) counts the readings that wait for
 * an anchor in its gauges and logs them without ids, minutes after the threshold, on two partitions and again after a
 * restart from an empty state directory (from the changelog). When the events are sent under the lab's keys, the
 * readings stop counting.
 */
class OrphanReadingsIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final Pattern GAUGE = Pattern.compile("(?m)^(biomarker_orphan_(?:patients|readings)) (\\S+)$");

    @TempDir
    Path dir;

    private final String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
    private final Topics topics = Topics.defaults().withSuffix(suffix);
    private final String applicationId = "orphans" + suffix;

    @Test
    void shouldCountReadingsWhoseEventsAreKeyedOtherwiseAndStopWhenTheKeysMeet() throws Exception {
        KAFKA.createPipelineTopics(topics, 2);
        Path config = Files.writeString(
                dir.resolve("client.properties"), "commit.interval.ms=200\nsession.timeout.ms=6000\n");
        // The CTMS keys by the bare subject id.
        Path ctms = Files.write(
                dir.resolve("ctms-events.ndjson"),
                List.of(
                        event("JOIN-1", "INFUSION", ""),
                        event("MISS-1", "INFUSION", ""),
                        event("MISS-2", "RANDOMIZED", ",\"arm\":\"CONTROL\"")),
                StandardCharsets.UTF_8);
        Path joins = Files.writeString(dir.resolve("join.hl7"), oru("JOIN-1", 1), StandardCharsets.UTF_8);
        Path misses = Files.writeString(
                dir.resolve("miss.hl7"), oru("MISS-1", 2) + "\n" + oru("MISS-2", 1), StandardCharsets.UTF_8);

        try (LogCapture logs = LogCapture.atLevel(Level.INFO, Map.of("org.apache.kafka", Level.WARN))) {
            try (BackgroundRun run = BackgroundRun.start(LIMIT, runArgs("state-1"))) {
                assertThat(gauges(run.scrape())).as("registered at zero").containsExactly(0.0, 0.0);
                replay("--events", ctms.toString());
                replay("--hl7", joins.toString());
                replay("--hl7", misses.toString(), "--patient-id-rule", "id-authority");

                await("the mismatched readings to count as orphans")
                        .atMost(LIMIT)
                        .untilAsserted(() -> assertThat(gauges(run.scrape())).containsExactly(2.0, 3.0));
                assertThat(run.scrape()).doesNotContain("MISS-").doesNotContain("JOIN-");
                await("the instance's tally in the log").atMost(LIMIT).untilAsserted(() -> assertThat(
                                logs.linesContaining(OrphanWatch.class.getName()))
                        .anySatisfy(l -> assertThat(l).contains("WARN").contains("3 readings of 2 patients")));
            }
            assertThat(logs.linesContaining(OrphanWatch.class.getName()))
                    .allSatisfy(l -> assertThat(l).doesNotContain("MISS-").doesNotContain("JOIN-"));
        }
        // The default rule keyed the HL7 result by the bare id: it met its infusion.
        assertThat(points())
                .filteredOn(p -> p.getPatientId().equals("JOIN-1"))
                .singleElement()
                .satisfies(p -> assertThat(p.getPdy()).isNotNull());
        assertThat(points())
                .filteredOn(p -> p.getPatientId().startsWith("MISS-"))
                .extracting(TrajectoryPoint::getPatientId)
                .containsOnly("MISS-1^HOSP", "MISS-2^HOSP")
                .hasSize(3);

        // Restarted on an empty state directory: the tally comes back from the changelog, waiting times included.
        try (BackgroundRun run = BackgroundRun.start(LIMIT, runArgs("state-2"))) {
            await("the orphans after a restart from the changelog")
                    .atMost(LIMIT)
                    .untilAsserted(() -> assertThat(gauges(run.scrape())).containsExactly(2.0, 3.0));

            // The trial events sent again under the lab's keys: MISS-1's readings have their anchor.
            Path keyed = Files.write(
                    dir.resolve("keyed-events.ndjson"),
                    List.of(event("MISS-1", "INFUSION", ",\"patientIdAuthority\":\"HOSP\"")),
                    StandardCharsets.UTF_8);
            replay("--events", keyed.toString(), "--patient-id-rule", "id-authority");

            await("MISS-1 to stop counting").atMost(LIMIT).untilAsserted(() -> assertThat(gauges(run.scrape()))
                    .containsExactly(1.0, 1.0));
        }
    }

    private String[] runArgs(String stateDir) {
        return withCluster(
                        "--application-id",
                        applicationId,
                        "--state-dir",
                        dir.resolve(stateDir).toString(),
                        "--config",
                        dir.resolve("client.properties").toString(),
                        "--identified-outputs",
                        "--http-port",
                        "0",
                        "--health-port",
                        "0",
                        "--http-bind-address",
                        "127.0.0.1",
                        // The fixtures are from 2020: keep their state whatever stream time does.
                        "--state-retention-days",
                        "0",
                        "--orphan-after",
                        "PT3S")
                .toArray(String[]::new);
    }

    private void replay(String... args) {
        List<String> all = new ArrayList<>(List.of("replay"));
        all.addAll(withCluster(args));
        CommandRun replay = CommandRun.execute(all.toArray(String[]::new));
        assertThat(replay.exit()).as(replay.err()).isZero();
    }

    private List<String> withCluster(String... rest) {
        List<String> args =
                new ArrayList<>(PipelineArguments.cluster(KAFKA.bootstrapServers(), REGISTRY.confluentUrl()));
        args.addAll(PipelineArguments.topics(topics));
        args.addAll(List.of(rest));
        return args;
    }

    /** {@code [patients, readings]} of the scrape. */
    private static List<Double> gauges(String scrape) {
        Map<String, Double> values = new java.util.TreeMap<>();
        Matcher m = GAUGE.matcher(scrape);
        while (m.find()) {
            values.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return List.of(values.get("biomarker_orphan_patients"), values.get("biomarker_orphan_readings"));
    }

    private List<TrajectoryPoint> points() {
        AvroSerdes serdes =
                new AvroSerdes(new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl())), false);
        List<TrajectoryPoint> points = new ArrayList<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.trajectory(),
                serdes.value(TrajectoryPoint.class).deserializer(),
                (k, v) -> points.add(v));
        return points;
    }

    private static String event(String patient, String type, String more) {
        return "{\"eventId\":\"E-" + patient + "-" + type + "\",\"patientId\":\"" + patient + "\",\"type\":\"" + type
                + "\",\"at\":\"2020-02-02T10:00:00Z\"" + more + "}";
    }

    /** An ORU^R01 with {@code results} CRP results of the patient, PID-3 with the hospital as authority. */
    private static String oru(String patient, int results) {
        StringBuilder er7 = new StringBuilder("MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|M-" + patient
                + "|P|2.5.1\nPID|1||" + patient + "^^^HOSP^MR\nOBR|1||ORD-" + patient
                + "|1988-5^CRP^LN|||20200203080000\n");
        for (int i = 1; i <= results; i++) {
            er7.append("OBX|")
                    .append(i)
                    .append("|NM|1988-5^CRP^LN|")
                    .append(i)
                    .append("|")
                    .append(10 * i)
                    .append("|mg/L|||||F|||2020020")
                    .append(2 + i)
                    .append("080000\n");
        }
        return er7.toString();
    }
}
