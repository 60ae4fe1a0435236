package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.demo.CohortSpec;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.streams.patient.PatientViews;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the application (same application id, own state directories and HTTP ports) on the
 * real broker, inputs with two partitions: every patient's trajectory is answered by either instance,
 * the one that does not own the patient forwarding to the one that does.
 */
class MultiInstanceQueryIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Duration LIMIT = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    private final String registryScope = "multi-" + UUID.randomUUID();
    private final AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope(registryScope), true);
    private final HttpClient http = HttpClient.newHttpClient();
    private Pipeline first;
    private Pipeline second;

    @AfterEach
    void close() {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        InMemorySchemaRegistry.dropScope(registryScope);
    }

    @Test
    void shouldAnswerEveryPatientsTrajectoryFromEitherInstanceWhenPartitionsAreSplit() throws Exception {
        Topics topics = KAFKA.createPipelineTopics(2);
        String applicationId = "multi-instance-" + UUID.randomUUID();
        TopologyConfig config =
                TopologyConfig.builder(Clock.systemUTC()).topics(topics).build();
        first = instance(applicationId, config, "a");
        second = instance(applicationId, config, "b");

        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(10, 42));
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            for (RawClinicalEvent e : cohort.events()) {
                publisher.event(e);
            }
            for (RawReading r : cohort.readings()) {
                publisher.reading(r);
            }
            publisher.flush();
        }
        await("both instances to own one input partition each")
                .atMost(LIMIT)
                .until(() -> distinctHosts(ownersOf(cohort)) == 2);
        first.awaitProcessed(LIMIT);

        Map<String, Set<String>> expected = currentPoints(topics);
        Set<String> patients =
                cohort.readings().stream().map(RawReading::patientId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected.keySet()).containsExactlyInAnyOrderElementsOf(patients);

        for (Pipeline instance : List.of(first, second)) {
            int port = instance.httpPort().orElseThrow();
            for (String patient : patients) {
                await("the trajectory of a patient through port " + port)
                        .atMost(LIMIT)
                        .untilAsserted(() -> {
                            HttpResponse<String> r = get(port, patient, "");
                            assertThat(r.statusCode()).isEqualTo(200);
                            Map<String, Object> json = AvroJson.parse(r.body());
                            assertThat(json).containsEntry("patientId", patient);
                            assertThat(readingIds(json)).isEqualTo(expected.get(patient));
                        });
            }
        }
        assertThat(distinctHosts(ownersOf(cohort)))
                .as("patients are spread over both instances, so each instance forwarded some requests")
                .isEqualTo(2);
    }

    @Test
    void shouldAnswerEveryPatientByIdWithItsPseudonymFromEitherInstanceWhenAKeyIsSet() throws Exception {
        Topics topics = KAFKA.createPipelineTopics(2);
        String applicationId = "multi-instance-" + UUID.randomUUID();
        Pseudonym pseudonym =
                Pseudonym.withKey("multi-instance-test-key-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
        TopologyConfig config = TopologyConfig.builder(Clock.systemUTC())
                .topics(topics)
                .pseudonym(pseudonym)
                .build();
        first = instance(applicationId, config, "a");
        second = instance(applicationId, config, "b");

        SyntheticCohort cohort = SyntheticCohort.generate(CohortSpec.scaled(10, 7));
        try (InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes)) {
            cohort.events().forEach(publisher::event);
            cohort.readings().forEach(publisher::reading);
            publisher.flush();
        }
        await("both instances to own one input partition each")
                .atMost(LIMIT)
                .until(() -> distinctHosts(ownersOf(cohort)) == 2);
        first.awaitProcessed(LIMIT);

        Map<String, Set<String>> expected = currentPoints(topics);
        Set<String> patients =
                cohort.readings().stream().map(RawReading::patientId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(expected.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        patients.stream().map(pseudonym::of).toList());

        for (Pipeline instance : List.of(first, second)) {
            int port = instance.httpPort().orElseThrow();
            for (String patient : patients) {
                String psn = pseudonym.of(patient);
                await("the trajectory of a patient by id through port " + port)
                        .atMost(LIMIT)
                        .untilAsserted(() -> {
                            HttpResponse<String> r = get(port, patient, "");
                            assertThat(r.statusCode()).isEqualTo(200);
                            Map<String, Object> json = AvroJson.parse(r.body());
                            assertThat(json).containsEntry("patientId", psn);
                            assertThat(readingIds(json)).isEqualTo(expected.get(psn));
                            assertThat(r.body()).doesNotContain(patient);
                        });
                assertThat(get(port, psn, "").statusCode())
                        .as("no table maps a pseudonym back to its id")
                        .isEqualTo(404);
            }
        }
    }

    @Test
    void shouldAnswer404ForUnknownPatientAnd400ForUnknownAnalyteFromEitherInstance() throws Exception {
        Topics topics = KAFKA.createPipelineTopics(2);
        String applicationId = "multi-instance-" + UUID.randomUUID();
        TopologyConfig config =
                TopologyConfig.builder(Clock.systemUTC()).topics(topics).build();
        first = instance(applicationId, config, "a");
        second = instance(applicationId, config, "b");
        await("both instances running")
                .atMost(LIMIT)
                .until(() -> first.runtime().state() == KafkaStreams.State.RUNNING
                        && second.runtime().state() == KafkaStreams.State.RUNNING);

        for (Pipeline instance : List.of(first, second)) {
            int port = instance.httpPort().orElseThrow();
            await("a 404 from port " + port).atMost(LIMIT).untilAsserted(() -> assertThat(
                            get(port, "no-such-patient", "").statusCode())
                    .isEqualTo(404));
            assertThat(get(port, "no-such-patient", "?analyte=NOPE").statusCode())
                    .isEqualTo(400);
        }
    }

    private Pipeline instance(String applicationId, TopologyConfig config, String name) throws Exception {
        Path state = Files.createDirectories(dir.resolve(name));
        StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                KAFKA.bootstrapServers(),
                applicationId,
                state,
                StreamsConfig.AT_LEAST_ONCE,
                1,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
        return Pipeline.onCluster(settings, Map.of(), serdes, config, Optional.of(Pipeline.Http.loopback()));
    }

    /** Which instance owns each patient, as the first instance's metadata says. */
    private Map<String, HostInfo> ownersOf(SyntheticCohort cohort) {
        Map<String, HostInfo> owners = new TreeMap<>();
        for (RawReading r : cohort.readings()) {
            var metadata = first.runtime()
                    .streams()
                    .queryMetadataForKey(
                            PatientViews.LOCATOR_STORE,
                            r.patientId(),
                            Serdes.String().serializer());
            if (metadata.activeHost().port() > 0) {
                owners.put(r.patientId(), metadata.activeHost());
            }
        }
        return owners;
    }

    private static int distinctHosts(Map<String, HostInfo> owners) {
        return new HashSet<>(owners.values()).size();
    }

    /** Reading ids of the current, not retracted, points of each patient on the compacted output topic. */
    private Map<String, Set<String>> currentPoints(Topics topics) {
        Map<String, TrajectoryPoint> latest = new HashMap<>();
        TopicExport.read(
                Map.of(),
                KAFKA.bootstrapServers(),
                topics.trajectory(),
                serdes.value(TrajectoryPoint.class).deserializer(),
                latest::put);
        Map<String, Set<String>> byPatient = new TreeMap<>();
        latest.values().stream().filter(p -> !p.getRetracted()).forEach(p -> byPatient
                .computeIfAbsent(p.getPatientId(), k -> new TreeSet<>())
                .add(p.getReadingId()));
        return byPatient;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> readingIds(Map<String, Object> json) {
        return ((List<Map<String, Object>>) json.get("points"))
                .stream().map(p -> (String) p.get("readingId")).collect(Collectors.toCollection(TreeSet::new));
    }

    private HttpResponse<String> get(int port, String patient, String query) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/patients/"
                + URLEncoder.encode(patient, StandardCharsets.UTF_8) + "/trajectory" + query);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
