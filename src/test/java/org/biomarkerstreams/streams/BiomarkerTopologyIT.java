package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.biomarkerstreams.streams.Fixtures.DAY_3;
import static org.biomarkerstreams.streams.Fixtures.DAY_MINUS_1;
import static org.biomarkerstreams.streams.Fixtures.INFUSION;
import static org.biomarkerstreams.streams.Fixtures.aReading;
import static org.biomarkerstreams.streams.Fixtures.anEvent;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.BiomarkerAlert;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.registry.ConfluentRegistryClient;
import org.biomarkerstreams.registry.ContractSchema;
import org.biomarkerstreams.registry.RegistryConfig;
import org.biomarkerstreams.registry.WireFormat;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.NewerContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The topology on a real KRaft broker with exactly_once_v2, against a real Confluent-compatible registry. */
class BiomarkerTopologyIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    @TempDir
    Path stateDir;

    private Topics topics;
    private AvroSerdes serdes;
    private ConfluentRegistryClient registryClient;
    private StreamsRuntime runtime;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        String suffix = "-" + UUID.randomUUID().toString().substring(0, 8);
        topics = KAFKA.createPipelineTopics(Topics.defaults().withSuffix(suffix), 2);
        registryClient = new ConfluentRegistryClient(RegistryConfig.of(REGISTRY.confluentUrl()));
        serdes = new AvroSerdes(registryClient, true);
        TopologyConfig config =
                TopologyConfig.builder(Clock.systemUTC()).topics(topics).build();
        runtime = StreamsRuntime.start(
                BiomarkerTopology.build(config, serdes, new PipelineCounters(meters)),
                new StreamsRuntime.Settings(
                        KAFKA.bootstrapServers(),
                        "biomarker-it" + suffix,
                        stateDir,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        1,
                        Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100")));
        runtime.awaitRunning(Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        runtime.close(Duration.ofSeconds(30));
        registryClient.close();
    }

    @Test
    void shouldEmitTimeToNormalizationInConfluentWireFormatWhenPatientNormalizes() {
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            publisher.event(anEvent(EventType.RANDOMIZED)
                    .patient("IT-1")
                    .arm("MSC")
                    .at(INFUSION.minusSeconds(3600))
                    .build());
            publisher.event(
                    anEvent(EventType.INFUSION).patient("IT-1").at(INFUSION).build());
            publisher.reading(aReading()
                    .patient("IT-1")
                    .id("b")
                    .of("LYMPH")
                    .value(0.6, "10^9/L")
                    .at(DAY_MINUS_1)
                    .build());
            publisher.reading(aReading()
                    .patient("IT-1")
                    .id("d3")
                    .of("LYMPH")
                    .value(1250, "cells/uL")
                    .at(DAY_3)
                    .build());
            publisher.flush();
        }

        await("time to normalization committed to its topic")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(latestTtn().get("IT-1|LYMPH"))
                        .isNotNull()
                        .extracting(TimeToNormalization::getStatus)
                        .isEqualTo(NormalizationStatus.NORMALIZED));

        List<byte[]> raw = new ArrayList<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.timeToNormalization(),
                new ByteArrayDeserializer(),
                (k, v) -> raw.add(v));
        byte[] last = raw.get(raw.size() - 1);
        assertThat(last[0]).isEqualTo(WireFormat.MAGIC);
        int id = ByteBuffer.wrap(last, 1, 4).getInt();
        assertThat(registryClient.schemaById(id)).isEqualTo(ContractSchema.of(TimeToNormalization.class));
    }

    @Test
    void shouldDeadLetterPoisonPillsAndKeepProcessingGoodRecords() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.readings(), "IT-2", "not avro".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topics.readings(), "IT-2", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2}));
            producer.send(new ProducerRecord<>(topics.events(), "IT-2", new byte[] {1}));
            producer.flush();
        }
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            publisher.reading(
                    aReading().patient("IT-2").id("u").value("12", "furlongs").build());
            publisher.reading(aReading()
                    .patient("IT-2")
                    .id("ok")
                    .value(12, "mg/L")
                    .at(DAY_3)
                    .build());
            publisher.flush();
        }

        await("dead letters and the good reading committed")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> {
                    assertThat(deadLetters())
                            .extracting(DeadLetter::getErrorCode)
                            .containsExactlyInAnyOrder(
                                    // 0x7f7f is a schema id the registry does not have
                                    "UNDESERIALIZABLE", "UNKNOWN_SCHEMA", "UNDESERIALIZABLE", "UNKNOWN_UNIT");
                    assertThat(latestSummaries()).containsKey("IT-2|CRP");
                });
        assertThat(deadLetters())
                .filteredOn(d -> d.getSourceTopic().equals(topics.readings()))
                .extracting(d -> d.getPartition() >= 0 && d.getOffset() >= 0)
                .containsOnly(true);
        assertThat(PipelineCounters.total(meters, PipelineCounters.IN))
                .isEqualTo(PipelineCounters.total(meters, PipelineCounters.ACCEPTED)
                        + PipelineCounters.total(meters, PipelineCounters.DEAD_LETTERED)
                        + PipelineCounters.total(meters, PipelineCounters.DUPLICATES));
    }

    @Test
    void shouldDeadLetterAReadingWhoseStatusANewerProducerAddedInsteadOfReadingItAsFinal() throws Exception {
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            publisher.event(
                    anEvent(EventType.INFUSION).patient("IT-5").at(INFUSION).build());
            publisher.reading(aReading()
                    .patient("IT-5")
                    .id("base")
                    .value(40, "mg/L")
                    .at(DAY_MINUS_1)
                    .build());
            publisher.flush();
        }
        // A producer built from a newer contract whose ResultStatus has AMENDED registers its schema (BACKWARD
        // compatible: it reads everything written before) and writes an amended reading with it.
        Schema newer = NewerContract.withSymbol(LabReading.class, "ResultStatus", "AMENDED");
        int newerId = registryClient.register(topics.readings() + "-value", newer);
        byte[] amended = NewerContract.framed(
                newerId,
                NewerContract.as(
                        newer,
                        InputMapping.toAvro(aReading()
                                .patient("IT-5")
                                .id("amended")
                                .value(4, "mg/L")
                                .at(DAY_3)
                                .build()),
                        "status",
                        "AMENDED"));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.readings(), "IT-5", amended));
            producer.flush();
        }

        await("the amended reading dead-lettered, the baseline summarized")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> {
                    assertThat(deadLetters())
                            .extracting(DeadLetter::getErrorCode)
                            .containsExactly("UNKNOWN_STATUS");
                    assertThat(latestSummaries()).containsKey("IT-5|CRP");
                });
        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getSourceTopic()).isEqualTo(topics.readings());
        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(amended));
        BiomarkerSummary summary = latestSummaries().get("IT-5|CRP");
        assertThat(summary.getReadingCount())
                .as("the amended reading is not counted")
                .isEqualTo(1);
        assertThat(summary.getLatest()).isEqualTo(40.0);
        assertThat(latestTtn().get("IT-5|CRP").getStatus()).isNotEqualTo(NormalizationStatus.NORMALIZED);
    }

    @Test
    void shouldEmitCohortViewsAndAnAlertWhenPatientsReport() {
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            for (String patient : List.of("IT-3", "IT-4")) {
                publisher.event(anEvent(EventType.RANDOMIZED)
                        .patient(patient)
                        .arm("MSC")
                        .at(INFUSION.minusSeconds(3600))
                        .build());
                publisher.event(anEvent(EventType.INFUSION)
                        .patient(patient)
                        .at(INFUSION)
                        .build());
            }
            publisher.reading(aReading()
                    .patient("IT-3")
                    .id("b3")
                    .of("LYMPH")
                    .value(0.4, "10^9/L")
                    .at(DAY_MINUS_1)
                    .build());
            publisher.reading(aReading()
                    .patient("IT-3")
                    .id("d3")
                    .of("LYMPH")
                    .value(1.5, "10^9/L")
                    .at(DAY_3)
                    .build());
            publisher.reading(aReading()
                    .patient("IT-4")
                    .id("b4")
                    .of("LYMPH")
                    .value(0.9, "10^9/L")
                    .at(DAY_MINUS_1)
                    .build());
            publisher.flush();
        }

        await("cohort views and the alert committed to their topics")
                .atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> {
                    CohortVisitSummary d3 = latest(topics.cohortVisits(), CohortVisitSummary.class)
                            .get(CohortKey.visit("MSC", null, null, "LYMPH", "D3"));
                    assertThat(d3).isNotNull();
                    assertThat(d3.getN()).isEqualTo(1);
                    assertThat(d3.getNMissing()).isEqualTo(1);
                    assertThat(d3.getMedian()).isEqualTo(1.5);
                    NormalizationCurve curve = latest(topics.cohortCurves(), NormalizationCurve.class)
                            .get(CohortKey.curve("ALL", null, null, "LYMPH"));
                    assertThat(curve).isNotNull();
                    assertThat(curve.getAtRisk()).isEqualTo(2);
                    assertThat(curve.getEvents()).isEqualTo(1);
                    assertThat(latest(topics.alerts(), BiomarkerAlert.class).values())
                            .extracting(BiomarkerAlert::getAlertId)
                            .containsExactly("LYMPH_LT_0_5:b3");
                });
    }

    private <T extends org.apache.avro.specific.SpecificRecord> Map<String, T> latest(String topic, Class<T> type) {
        Map<String, T> latest = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(), KAFKA.bootstrapServers(), topic, serdes.value(type).deserializer(), latest::put);
        return latest;
    }

    private Map<String, TimeToNormalization> latestTtn() {
        Map<String, TimeToNormalization> latest = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.timeToNormalization(),
                serdes.value(TimeToNormalization.class).deserializer(),
                latest::put);
        return latest;
    }

    private Map<String, BiomarkerSummary> latestSummaries() {
        Map<String, BiomarkerSummary> latest = new LinkedHashMap<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.summaries(),
                serdes.value(BiomarkerSummary.class).deserializer(),
                latest::put);
        return latest;
    }

    private List<DeadLetter> deadLetters() {
        List<DeadLetter> list = new ArrayList<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.deadLetters(),
                serdes.value(DeadLetter.class).deserializer(),
                (k, v) -> list.add(v));
        return list;
    }
}
