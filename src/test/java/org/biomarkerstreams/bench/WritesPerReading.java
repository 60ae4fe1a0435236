package org.biomarkerstreams.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * The accounting of records written per reading, per topic, without a broker and without timing: the product's
 * topology under TopologyTestDriver, fed {@link BenchCohort}'s input in the benchmark's order (events first, then
 * readings round-robin over patients), counting every record the driver saw produced (outputs, store changelogs,
 * repartition topics). Not a speed figure. Differences with a real run: the test driver commits (and so flushes
 * any record cache) after every input record, and writes no transaction markers; the cohort groups render on the
 * wall clock, which is advanced by {@code --wall-ms-per-reading} per reading (default 0.14 ms, about a run at
 * 7,000 readings/s).
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:$(cat target/bench-classpath.txt)
 * org.biomarkerstreams.bench.WritesPerReading [patients] [readingsPerPatient]}.
 */
public final class WritesPerReading {

    private WritesPerReading() {}

    public static void main(String[] args) throws IOException {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int perPatient = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        double wallMsPerReading = args.length > 2 ? Double.parseDouble(args[2]) : 0.14;
        Map<String, Long> counts = count(new BenchCohort(patients, perPatient, 42L), wallMsPerReading);
        long readings = (long) patients * perPatient;
        long total = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            total += e.getValue();
            System.out.printf("%-55s %6.2f%n", e.getKey(), e.getValue() / (double) readings);
        }
        System.out.printf("%-55s %6.2f%n", "total records written per reading", total / (double) readings);
    }

    /** Records produced per topic over the whole feed. */
    static Map<String, Long> count(BenchCohort cohort, double wallMsPerReading) throws IOException {
        Instant wallStart = Instant.parse("2030-01-01T00:00:00Z");
        TopologyConfig config = TopologyConfig.defaults(Clock.fixed(wallStart, ZoneOffset.UTC));
        AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope("writes-" + System.nanoTime()), true);
        Path stateDir = Files.createTempDirectory("writes-per-reading");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Map<String, Long> counts = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(new SimpleMeterRegistry())),
                props,
                wallStart)) {
            TestInputTopic<String, ClinicalEvent> events = driver.createInputTopic(
                    config.topics().events(),
                    Serdes.String().serializer(),
                    serdes.value(ClinicalEvent.class).serializer());
            TestInputTopic<String, LabReading> readings = driver.createInputTopic(
                    config.topics().readings(),
                    Serdes.String().serializer(),
                    serdes.value(LabReading.class).serializer());
            for (RawClinicalEvent e : cohort.events()) {
                events.pipeInput(e.patientId(), InputMapping.toAvro(e), e.at());
            }
            drain(driver, counts, true);
            double wall = 0;
            for (long i = 0; i < cohort.readings(); i++) {
                var r = cohort.reading(i);
                readings.pipeInput(r.patientId(), InputMapping.toAvro(r), r.observedAt());
                wall += wallMsPerReading;
                if (wall >= 100) {
                    driver.advanceWallClockTime(Duration.ofMillis((long) wall));
                    wall = 0;
                }
                if (i % 1000 == 999) {
                    drain(driver, counts, false);
                }
            }
            driver.advanceWallClockTime(Duration.ofSeconds(2));
            drain(driver, counts, false);
        }
        return counts;
    }

    /** Counts and discards what the driver holds per topic; with {@code reset} the counts start again. */
    private static void drain(TopologyTestDriver driver, Map<String, Long> counts, boolean reset) {
        for (String topic : driver.producedTopicNames()) {
            var out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            long n = out.getQueueSize();
            out.readRecordsToList();
            counts.merge(topic.replaceFirst("^app-", "<app>-"), n, Long::sum);
        }
        if (reset) {
            counts.clear();
        }
    }
}
