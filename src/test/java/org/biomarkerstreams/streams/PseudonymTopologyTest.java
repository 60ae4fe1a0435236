package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.streams.Fixtures.DAY_1;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_7;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.RANDOMIZATION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.anEvent;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.patient.AnalyteState;
import org.biomarkerstreams.streams.patient.PatientStores;
import org.biomarkerstreams.streams.patient.PatientViews;
import org.biomarkerstreams.streams.patient.ReadablePatientStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a pseudonym key, the output topics carry no patient id: every byte of every key and value of every
 * output topic is searched for the planted ids. The dead-letter topic is the one exception, by design: it
 * keeps the input's bytes so that a fixed record can be replayed as it came.
 */
class PseudonymTopologyTest {

    private static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] KEY =
            "a-test-key-of-at-least-32-bytes-for-hmac-sha256".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> CANARIES = List.of("CANARY-7f3a-0001", "CANARY-7f3a-0002", "CANARY-7f3a-0003");

    @TempDir
    Path dir;

    private final List<Driver> drivers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(Driver::close);
    }

    @Test
    void shouldWriteNoPatientIdToAnyOutputTopicButTheDeadLettersWhenAKeyIsSet() {
        Driver driver = new Driver(Pseudonym.withKey(KEY));
        CANARIES.forEach(driver::patientCourse);
        driver.badReading(CANARIES.get(0));
        driver.emitCohorts();

        Map<String, List<TestRecord<byte[], byte[]>>> outputs = driver.readAll();
        Topics topics = driver.config.topics();
        for (String topic : topics.outputs()) {
            assertThat(outputs.get(topic)).as("records on %s", topic).isNotEmpty();
            if (topic.equals(topics.deadLetters())) {
                continue;
            }
            for (TestRecord<byte[], byte[]> r : outputs.get(topic)) {
                for (String canary : CANARIES) {
                    assertThat(contains(r.key(), canary))
                            .as("key on %s contains %s", topic, canary)
                            .isFalse();
                    assertThat(contains(r.value(), canary))
                            .as("value on %s contains %s", topic, canary)
                            .isFalse();
                    // The reading ids were built from the patient id, as many feeds build them.
                    assertThat(contains(r.value(), canary.substring(7)))
                            .as("value on %s contains part of %s", topic, canary)
                            .isFalse();
                }
            }
        }
        Pseudonym pseudonym = Pseudonym.withKey(KEY);
        List<TrajectoryPoint> points = driver.points(outputs);
        assertThat(points)
                .extracting(TrajectoryPoint::getPatientId)
                .containsOnly(CANARIES.stream().map(pseudonym::of).toArray(String[]::new));
        assertThat(outputs.get(topics.trajectory()))
                .allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .startsWith(Pseudonym.PREFIX)
                        .contains("|" + Pseudonym.READING_PREFIX));
        assertThat(outputs.get(topics.alerts())).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                .isIn(CANARIES.stream().map(pseudonym::of).toList()));
        // One patient is one member of its cohort groups: its enrolment and its values carry the same pseudonym.
        String visits = topics.cohortVisits();
        Map<String, CohortVisitSummary> latestVisits = new java.util.LinkedHashMap<>();
        for (TestRecord<byte[], byte[]> r : outputs.get(visits)) {
            latestVisits.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    driver.serdes.value(CohortVisitSummary.class).deserializer().deserialize(visits, r.value()));
        }
        assertThat(latestVisits.values())
                .filteredOn(v -> v.getArm().equals("ALL") && v.getStratumLabel() == null)
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v.getN() + v.getNMissing())
                        .as("N of %s %s", v.getAnalyte(), v.getVisit())
                        .isEqualTo(CANARIES.size()));
    }

    @Test
    void shouldAnswerTheViewsByPatientIdWithThePseudonymInTheRecordsWhenAKeyIsSet() {
        Driver driver = new Driver(Pseudonym.withKey(KEY));
        driver.patientCourse(CANARIES.get(0));
        String pseudonym = Pseudonym.withKey(KEY).of(CANARIES.get(0));

        PatientViews views = new PatientViews(driver.config);
        ReadablePatientStores stores = new ReadablePatientStores(
                driver.driver.getKeyValueStore(PatientStores.READINGS),
                driver.driver.getKeyValueStore(PatientStores.ANALYTES),
                driver.driver.getKeyValueStore(PatientStores.PATIENTS));

        assertThat(views.shown(CANARIES.get(0))).isEqualTo(pseudonym);
        assertThat(views.trajectory(stores, CANARIES.get(0), null)).hasSize(5).allSatisfy(p -> {
            assertThat(p.getPatientId()).isEqualTo(pseudonym);
            assertThat(p.getReadingId()).startsWith(Pseudonym.READING_PREFIX);
        });
        assertThat(views.summaries(stores, CANARIES.get(0))).isNotEmpty().allSatisfy(s -> assertThat(s.getPatientId())
                .isEqualTo(pseudonym));
        assertThat(views.trajectory(stores, pseudonym, null))
                .as("no table maps a pseudonym back to its id")
                .isEmpty();
        assertThat(views.summaries(stores, pseudonym)).isEmpty();
    }

    @Test
    void shouldKeepNoPseudonymInAnyStoreWhenAKeyIsSet() {
        Driver driver = new Driver(Pseudonym.withKey(KEY));
        driver.patientCourse(CANARIES.get(0));

        assertThat(driver.driver.getAllStateStores()).doesNotContainKey(PatientStores.REMOVED_PSEUDONYMS);
        assertThat(driver.driver.getAllStateStores().keySet())
                .as("the processor stores, keyed by patient id")
                .contains(PatientStores.names());
        for (String name : PatientStores.names()) {
            org.apache.kafka.streams.state.KeyValueStore<Object, Object> store = driver.driver.getKeyValueStore(name);
            try (var it = store.all()) {
                it.forEachRemaining(kv -> assertThat(String.valueOf(kv.key)
                                + (kv.value instanceof AnalyteState st
                                        ? new String(st.encode(), StandardCharsets.ISO_8859_1)
                                        : String.valueOf(kv.value)))
                        .as("store %s: a pseudonym beside the id would map it back", name)
                        .doesNotContain(Pseudonym.PREFIX));
            }
        }
    }

    @Test
    void shouldKeepTheOriginalBytesOnTheDeadLetterTopicSoThatARecordCanBeReplayed() {
        Driver driver = new Driver(Pseudonym.withKey(KEY));
        driver.badReading(CANARIES.get(0));

        List<TestRecord<byte[], byte[]>> letters =
                driver.readAll().get(driver.config.topics().deadLetters());
        assertThat(letters).hasSize(1);
        DeadLetter letter = driver.serdes
                .value(DeadLetter.class)
                .deserializer()
                .deserialize(
                        driver.config.topics().deadLetters(), letters.get(0).value());
        assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo(CANARIES.get(0));
        LabReading original = driver.serdes
                .value(LabReading.class)
                .deserializer()
                .deserialize(driver.config.topics().readings(), bytes(letter.getPayload()));
        assertThat(original.getPatientId()).isEqualTo(CANARIES.get(0));
        assertThat(letter.getMessage()).doesNotContain(CANARIES.get(0));
    }

    @Test
    void shouldSealTheDeadLetterAndKeyItByPseudonymWhenADeadLetterKeyIsSet() {
        DeadLetterKeys keys = DeadLetterKeys.parse(new byte[32]);
        Driver driver = new Driver(Pseudonym.withKey(KEY), keys);
        driver.badReading(CANARIES.get(0));

        List<TestRecord<byte[], byte[]>> letters =
                driver.readAll().get(driver.config.topics().deadLetters());
        assertThat(letters).hasSize(1);
        TestRecord<byte[], byte[]> record = letters.get(0);
        assertThat(new String(record.key(), StandardCharsets.UTF_8))
                .isEqualTo(Pseudonym.withKey(KEY).of(CANARIES.get(0)));
        assertThat(contains(record.value(), CANARIES.get(0))).isFalse();
        assertThat(contains(record.value(), "furlongs"))
                .as("the original payload is only in the sealed content")
                .isFalse();
        DeadLetter letter = driver.serdes
                .value(DeadLetter.class)
                .deserializer()
                .deserialize(driver.config.topics().deadLetters(), record.value());
        assertThat(letter.getKey()).isNull();
        assertThat(letter.getPayload()).isNull();
        assertThat(letter.getErrorCode()).isEqualTo("UNKNOWN_UNIT");
        assertThat(letter.getSealed().getKeyId()).isEqualTo(keys.sealingKeyId());

        DeadLetter opened = DeadLetters.open(letter, keys);
        assertThat(StandardCharsets.UTF_8.decode(opened.getKey()).toString()).isEqualTo(CANARIES.get(0));
        LabReading original = driver.serdes
                .value(LabReading.class)
                .deserializer()
                .deserialize(driver.config.topics().readings(), bytes(opened.getPayload()));
        assertThat(original.getPatientId()).isEqualTo(CANARIES.get(0));
        assertThat(opened.getMessage()).isNotBlank().doesNotContain("sealed with");
        assertThat(opened.getSealed()).isNull();
    }

    @Test
    void shouldGiveThePatientTheSamePseudonymAfterARestartWithTheSameKey() {
        Driver first = new Driver(Pseudonym.withKey(KEY.clone()));
        first.patientCourse(CANARIES.get(1));
        List<String> before = keys(first.readAll().get(first.config.topics().summaries()));
        first.close();
        drivers.remove(first);

        Driver second = new Driver(Pseudonym.withKey(KEY.clone()));
        second.patientCourse(CANARIES.get(1));
        List<String> after = keys(second.readAll().get(second.config.topics().summaries()));

        assertThat(before).isNotEmpty();
        assertThat(after).containsExactlyElementsOf(before);
        assertThat(before)
                .allSatisfy(k -> assertThat(k).startsWith(Pseudonym.withKey(KEY).of(CANARIES.get(1)) + "|"));
    }

    @Test
    void shouldKeepThePatientIdOnTheOutputsWhenNoKeyIsSet() {
        Driver driver = new Driver(Pseudonym.none());
        driver.patientCourse(CANARIES.get(0));

        assertThat(driver.points(driver.readAll()))
                .extracting(TrajectoryPoint::getPatientId)
                .containsOnly(CANARIES.get(0));
    }

    private static List<String> keys(List<TestRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    static boolean contains(byte[] haystack, String needle) {
        if (haystack == null) {
            return false;
        }
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The topology under TopologyTestDriver, every output read as raw bytes. */
    private final class Driver implements AutoCloseable {

        final TopologyConfig config;
        final String scope = "pseudonym-" + UUID.randomUUID();
        final AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope(scope), true);
        final TopologyTestDriver driver;
        final TestInputTopic<String, LabReading> readings;
        final TestInputTopic<String, ClinicalEvent> events;
        final TestInputTopic<String, byte[]> rawReadings;
        final Map<String, List<TestRecord<byte[], byte[]>>> seen = new LinkedHashMap<>();

        Driver(Pseudonym pseudonym) {
            this(pseudonym, DeadLetterKeys.none());
        }

        Driver(Pseudonym pseudonym, DeadLetterKeys deadLetterKeys) {
            config = TopologyConfig.builder(Clock.fixed(WALL_CLOCK, ZoneOffset.UTC))
                    .pseudonym(pseudonym)
                    .deadLetterKeys(deadLetterKeys)
                    .build();
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pseudonym-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
            try {
                props.put(
                        StreamsConfig.STATE_DIR_CONFIG,
                        Files.createTempDirectory(dir, "state").toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            driver = new TopologyTestDriver(
                    BiomarkerTopology.build(config, serdes, new PipelineCounters(new SimpleMeterRegistry())),
                    props,
                    WALL_CLOCK);
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
                    t.readings(),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            drivers.add(this);
        }

        /** Randomized, infused, CRP high then normal, P/F ratio crossing 300 (an alert), low lymphocytes. */
        void patientCourse(String patient) {
            send(anEvent(EventType.RANDOMIZED)
                    .id(patient + "-RAND")
                    .patient(patient)
                    .at(RANDOMIZATION)
                    .arm("MSC")
                    .build());
            send(anEvent(EventType.INFUSION)
                    .id(patient + "-INF")
                    .patient(patient)
                    .at(INFUSION)
                    .build());
            send(reading(patient, "CRP", 40, "mg/L", INFUSION.minus(Duration.ofHours(2))));
            send(reading(patient, "CRP", 5, "mg/L", DAY_3));
            send(reading(patient, "PFRATIO", 350, "mm[Hg]", DAY_1));
            send(reading(patient, "PFRATIO", 250, "mm[Hg]", DAY_3));
            send(reading(patient, "LYMPH", 0.4, "10*9/L", DAY_7));
        }

        /** A reading whose unit is unknown: dead-lettered. */
        void badReading(String patient) {
            send(aReading()
                    .patient(patient)
                    .id(patient + "-BAD")
                    .of("CRP")
                    .value(3, "furlongs")
                    .at(DAY_3)
                    .build());
        }

        private RawReading reading(String patient, String analyte, double value, String unit, Instant at) {
            return aReading()
                    .patient(patient)
                    .id(patient + "-" + analyte + "-" + at.toEpochMilli())
                    .of(analyte)
                    .value(value, unit)
                    .at(at)
                    .build();
        }

        void send(RawReading r) {
            readings.pipeInput(new TestRecord<>(r.patientId(), InputMapping.toAvro(r), r.observedAt()));
        }

        void send(RawClinicalEvent e) {
            events.pipeInput(new TestRecord<>(e.patientId(), InputMapping.toAvro(e), e.at()));
        }

        void emitCohorts() {
            driver.advanceWallClockTime(config.cohortEmitInterval());
        }

        Map<String, List<TestRecord<byte[], byte[]>>> readAll() {
            for (String topic : config.topics().outputs()) {
                seen.computeIfAbsent(topic, t -> new ArrayList<>())
                        .addAll(driver.createOutputTopic(
                                        topic,
                                        Serdes.ByteArray().deserializer(),
                                        Serdes.ByteArray().deserializer())
                                .readRecordsToList());
            }
            return seen;
        }

        List<TrajectoryPoint> points(Map<String, List<TestRecord<byte[], byte[]>>> outputs) {
            String topic = config.topics().trajectory();
            return outputs.get(topic).stream()
                    .map(r -> serdes.value(TrajectoryPoint.class).deserializer().deserialize(topic, r.value()))
                    .toList();
        }

        @Override
        public void close() {
            driver.close();
            InMemorySchemaRegistry.dropScope(scope);
        }
    }
}
