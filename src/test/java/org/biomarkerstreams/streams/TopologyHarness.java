package org.biomarkerstreams.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;

/**
 * The whole topology under TopologyTestDriver with an in-memory schema registry: send domain input
 * records (or raw bytes), read every output topic, and keep the latest value per key as a consumer
 * of the compacted topics would.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");

    final TopologyConfig config;
    final MeterRegistry meters;
    private final String registryScope = "harness-" + UUID.randomUUID();
    private final AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope(registryScope), true);
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, LabReading> readings;
    private final TestInputTopic<String, ClinicalEvent> events;
    private final TestInputTopic<String, byte[]> rawReadings;
    private final TestInputTopic<String, byte[]> rawEvents;
    private final TestOutputTopic<String, TrajectoryPoint> trajectory;
    private final TestOutputTopic<String, BiomarkerSummary> summaries;
    private final TestOutputTopic<String, TimeToNormalization> ttn;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private final TestOutputTopic<String, CohortVisitSummary> cohortVisits;
    private final TestOutputTopic<String, NormalizationCurve> cohortCurves;
    private final TestOutputTopic<String, BiomarkerAlert> alerts;

    final Map<String, TrajectoryPoint> points = new LinkedHashMap<>();
    final Map<String, BiomarkerSummary> summaryByKey = new LinkedHashMap<>();
    final Map<String, TimeToNormalization> ttnByKey = new LinkedHashMap<>();
    final List<DeadLetter> deadLetterList = new ArrayList<>();
    final List<TrajectoryPoint> pointHistory = new ArrayList<>();
    final List<BiomarkerSummary> summaryHistory = new ArrayList<>();
    final List<TimeToNormalization> ttnHistory = new ArrayList<>();
    /** Latest cohort records per key; a tombstone removes the key. */
    final Map<String, CohortVisitSummary> visitByKey = new LinkedHashMap<>();

    final Map<String, NormalizationCurve> curveByKey = new LinkedHashMap<>();
    /** Every cohort record in emission order, tombstones as null values. */
    final List<TestRecord<String, ?>> cohortHistory = new ArrayList<>();

    final List<BiomarkerAlert> alertList = new ArrayList<>();

    TopologyHarness() {
        this(TopologyConfig.defaults(Clock.fixed(WALL_CLOCK, ZoneOffset.UTC)));
    }

    TopologyHarness(TopologyConfig config) {
        this(config, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    /** @param wallClock the clock of the latency and freshness meters */
    TopologyHarness(TopologyConfig config, MeterRegistry meters, Clock wallClock) {
        this.config = config;
        this.meters = meters;
        try {
            stateDir = Files.createTempDirectory("topology-test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "biomarker-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(meters, wallClock)), props, WALL_CLOCK);
        Topics t = config.topics();
        readings = driver.createInputTopic(
                t.readings(),
                Serdes.String().serializer(),
                serdes.value(LabReading.class).serializer());
        events = driver.createInputTopic(
                t.events(),
                Serdes.String().serializer(),
                serdes.value(ClinicalEvent.class).serializer());
        rawReadings = driver.createInputTopic(
                t.readings(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        rawEvents = driver.createInputTopic(
                t.events(), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        trajectory = driver.createOutputTopic(
                t.trajectory(),
                Serdes.String().deserializer(),
                serdes.value(TrajectoryPoint.class).deserializer());
        summaries = driver.createOutputTopic(
                t.summaries(),
                Serdes.String().deserializer(),
                serdes.value(BiomarkerSummary.class).deserializer());
        ttn = driver.createOutputTopic(
                t.timeToNormalization(),
                Serdes.String().deserializer(),
                serdes.value(TimeToNormalization.class).deserializer());
        deadLetters = driver.createOutputTopic(
                t.deadLetters(),
                Serdes.String().deserializer(),
                serdes.value(DeadLetter.class).deserializer());
        cohortVisits = driver.createOutputTopic(
                t.cohortVisits(),
                Serdes.String().deserializer(),
                serdes.value(CohortVisitSummary.class).deserializer());
        cohortCurves = driver.createOutputTopic(
                t.cohortCurves(),
                Serdes.String().deserializer(),
                serdes.value(NormalizationCurve.class).deserializer());
        alerts = driver.createOutputTopic(
                t.alerts(),
                Serdes.String().deserializer(),
                serdes.value(BiomarkerAlert.class).deserializer());
    }

    /** Lets the cohort views' wall-clock schedule fire once, so they emit what changed. */
    TopologyHarness emitCohorts() {
        driver.advanceWallClockTime(config.cohortEmitInterval());
        return drain();
    }

    /** Moves the wall clock on, so wall-clock schedules (cohort views, the orphan tally) fire. */
    TopologyHarness advanceWallClock(java.time.Duration by) {
        driver.advanceWallClockTime(by);
        return drain();
    }

    /** The value of a gauge of the topology's meters. */
    double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    TopologyHarness send(RawReading reading) {
        return send(reading, reading.patientId());
    }

    TopologyHarness send(RawReading reading, String key) {
        LabReading avro = InputMapping.toAvro(reading);
        long ts = reading.observedAt() == null
                ? WALL_CLOCK.toEpochMilli()
                : reading.observedAt().toEpochMilli();
        readings.pipeInput(new TestRecord<>(key, avro, Instant.ofEpochMilli(Math.max(0, ts))));
        return drain();
    }

    TopologyHarness send(RawClinicalEvent event) {
        ClinicalEvent avro = InputMapping.toAvro(event);
        long ts = event.at() == null ? WALL_CLOCK.toEpochMilli() : event.at().toEpochMilli();
        events.pipeInput(new TestRecord<>(event.patientId(), avro, Instant.ofEpochMilli(Math.max(0, ts))));
        return drain();
    }

    TopologyHarness sendRawReading(String key, byte[] bytes) {
        rawReadings.pipeInput(key, bytes, WALL_CLOCK);
        return drain();
    }

    TopologyHarness sendRawEvent(String key, byte[] bytes) {
        rawEvents.pipeInput(key, bytes, WALL_CLOCK);
        return drain();
    }

    private TopologyHarness drain() {
        for (TestRecord<String, TrajectoryPoint> r : trajectory.readRecordsToList()) {
            points.put(r.key(), r.value());
            pointHistory.add(r.value());
        }
        summaries.readRecordsToList().forEach(r -> {
            summaryByKey.put(r.key(), r.value());
            summaryHistory.add(r.value());
        });
        ttn.readRecordsToList().forEach(r -> {
            ttnByKey.put(r.key(), r.value());
            ttnHistory.add(r.value());
        });
        deadLetters.readRecordsToList().forEach(r -> deadLetterList.add(r.value()));
        for (TestRecord<String, CohortVisitSummary> r : cohortVisits.readRecordsToList()) {
            cohortHistory.add(r);
            if (r.value() == null) {
                visitByKey.remove(r.key());
            } else {
                visitByKey.put(r.key(), r.value());
            }
        }
        for (TestRecord<String, NormalizationCurve> r : cohortCurves.readRecordsToList()) {
            cohortHistory.add(r);
            if (r.value() == null) {
                curveByKey.remove(r.key());
            } else {
                curveByKey.put(r.key(), r.value());
            }
        }
        alerts.readRecordsToList().forEach(r -> alertList.add(r.value()));
        return this;
    }

    TrajectoryPoint point(String patientId, String readingId) {
        return points.get(patientId + '|' + readingId);
    }

    BiomarkerSummary summary(String patientId, String analyte) {
        return summaryByKey.get(patientId + '|' + analyte);
    }

    CohortVisitSummary visit(String arm, String label, String value, String analyte, String visit) {
        return visitByKey.get(CohortKey.visit(arm, label, value, analyte, visit));
    }

    NormalizationCurve curve(String arm, String label, String value, String analyte) {
        return curveByKey.get(CohortKey.curve(arm, label, value, analyte));
    }

    TimeToNormalization ttn(String patientId, String analyte) {
        return ttnByKey.get(patientId + '|' + analyte);
    }

    /** Every key currently in a state store, decoded as UTF-8 (binary parts included). */
    List<String> storeKeys(String store) {
        List<String> keys = new ArrayList<>();
        try (var it = driver.getKeyValueStore(store).all()) {
            while (it.hasNext()) {
                Object key = it.next().key;
                keys.add(
                        key instanceof org.apache.kafka.common.utils.Bytes b
                                ? new String(b.get(), java.nio.charset.StandardCharsets.UTF_8)
                                : String.valueOf(key));
            }
        }
        return keys;
    }

    /** A state store of the topology, typed as the topology materializes it. */
    <K, V> org.apache.kafka.streams.state.KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** The serdes of the topology's topics. */
    AvroSerdes serdes() {
        return serdes;
    }

    /** The registry the topology's serdes use, where a test registers what another producer writes with. */
    org.biomarkerstreams.registry.SchemaRegistry registry() {
        return serdes.registry();
    }

    double counter(String name) {
        return PipelineCounters.total(meters, name);
    }

    /** The outputs as a consumer of the compacted topics ends up seeing them. */
    Map<String, SpecificRecord> finalState() {
        Map<String, SpecificRecord> all = new LinkedHashMap<>();
        points.forEach((k, v) -> all.put("point:" + k, v));
        summaryByKey.forEach((k, v) -> all.put("summary:" + k, v));
        ttnByKey.forEach((k, v) -> all.put("ttn:" + k, v));
        return all;
    }

    @Override
    public void close() {
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // best effort: a temp dir
        }
    }
}
