package org.biomarkerstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BiomarkerTopology;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks measure the accept path only if their input is what the topology accepts. */
class BenchCohortTest {

    @TempDir
    Path stateDir;

    @Test
    void shouldKeepEveryPatientsReadingsInTimeOrderWithDistinctIdsWhenStretched() {
        for (int perPatient : new int[] {10, 100, 1_000}) {
            BenchCohort cohort = new BenchCohort(5, perPatient, 3);
            Map<String, Instant> last = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (long i = 0; i < cohort.readings(); i++) {
                RawReading r = cohort.reading(i);
                Instant before = last.put(r.patientId(), r.observedAt());
                assertThat(before == null || !r.observedAt().isBefore(before))
                        .as("reading %d of %d per patient", i, perPatient)
                        .isTrue();
                assertThat(ids.add(r.readingId())).isTrue();
            }
            assertThat(last).hasSize(5);
        }
    }

    @Test
    void shouldGiveOnlyReadingsTheTopologyAcceptsWhenRunThroughIt() {
        BenchCohort cohort = new BenchCohort(20, 60, 9);
        BenchCohort other = new BenchCohort(3, 10, 9, "W");
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        TopologyConfig config = TopologyConfig.defaults(Clock.systemUTC());
        Topics topics = config.topics();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-cohort-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put("processing.exception.handler.global.enabled", "true"); // as StreamsRuntime
        try (TopologyTestDriver driver = new TopologyTestDriver(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(new SimpleMeterRegistry())),
                p,
                Instant.now())) {
            TestInputTopic<String, ClinicalEvent> events = driver.createInputTopic(
                    topics.events(),
                    new StringSerializer(),
                    serdes.value(ClinicalEvent.class).serializer());
            TestInputTopic<String, LabReading> readings = driver.createInputTopic(
                    topics.readings(),
                    new StringSerializer(),
                    serdes.value(LabReading.class).serializer());
            Set<String> sent = new HashSet<>();
            for (BenchCohort c : new BenchCohort[] {other, cohort}) {
                for (RawClinicalEvent e : c.events()) {
                    events.pipeInput(e.patientId(), InputMapping.toAvro(e));
                }
                for (long i = 0; i < c.readings(); i++) {
                    RawReading r = c.reading(i);
                    sent.add(r.readingId());
                    readings.pipeInput(r.patientId(), InputMapping.toAvro(r));
                }
            }
            Set<String> pointed = new HashSet<>();
            driver.createOutputTopic(
                            topics.trajectory(),
                            new StringDeserializer(),
                            serdes.value(TrajectoryPoint.class).deserializer())
                    .readValuesToList()
                    .forEach(point -> pointed.add(point.getReadingId()));
            assertThat(driver.createOutputTopic(
                                    topics.deadLetters(), new StringDeserializer(), new StringDeserializer())
                            .getQueueSize())
                    .isZero();
            assertThat(pointed).containsAll(sent);
        }
    }
}
