package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.app.DurableHl7Handler;
import org.biomarkerstreams.app.Pipeline;
import org.biomarkerstreams.app.StreamsRuntime;
import org.biomarkerstreams.app.TopicExport;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;
import org.biomarkerstreams.testing.CanaryLog;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.biomarkerstreams.testing.MllpExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patient ids never reach a log line. Canary patient ids go through the real pipeline with a pseudonym key:
 * HL7 over MLLP (accepted, AE and AR paths), direct Kafka input with every kind of bad input the topology
 * dead-letters, the HTTP API asked by the id (answering with the pseudonym) and by a pseudonym, and the {@code replay} command with
 * NDJSON, malformed lines and HL7. Every log line of the run, at DEBUG and above, and everything printed,
 * is searched for the canaries and for the pseudonym key.
 */
class CanaryLogIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final String KEY = "CANARY-KEY-3b9d-never-log-this-pseudonym-key-material";
    private static final String C1 = "CANARY-7f3a-c0ffee-0001";
    private static final String C2 = "CANARY-7f3a-c0ffee-0002";
    private static final String C3 = "CANARY-7f3a-c0ffee-0003";
    /** What a leak would show: any part that names a planted patient, and the key. */
    private static final List<String> WATCHED = List.of("CANARY-7f3a", "7f3a-c0ffee", "c0ffee-000", KEY, "3b9d-never");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldLogNoPatientIdWhenCanariesGoThroughMllpTheTopologyDeadLettersAndTheHttpApi() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("pseudonym.key"), KEY + "\n");
        String scope = "canary-" + UUID.randomUUID();
        List<DeadLetter> letters = new ArrayList<>();
        CanaryLog log = CanaryLog.watch(WATCHED);
        try {
            PipelineOptions options = new PipelineOptions();
            options.pseudonymKeyFile = keyFile;
            Pseudonym pseudonym = options.pseudonym();
            Topics topics = KAFKA.createPipelineTopics(1);
            AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope(scope), true);
            TopologyConfig config = TopologyConfig.builder(Clock.systemUTC())
                    .topics(topics)
                    // The fixtures are from 2020 and the dead letters carry today's time: without this the
                    // patients' follow-up would close, and their state be purged, as soon as stream time jumps.
                    .stateRetention(Duration.ZERO)
                    .pseudonym(pseudonym)
                    .build();
            StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                    KAFKA.bootstrapServers(),
                    "canary-" + UUID.randomUUID(),
                    Files.createDirectories(dir.resolve("state")),
                    StreamsConfig.EXACTLY_ONCE_V2,
                    1,
                    Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100"));
            try (Pipeline pipeline = Pipeline.onCluster(
                            settings, Map.of(), serdes, config, Optional.of(Pipeline.Http.loopback()));
                    InputPublisher publisher = new InputPublisher(Map.of(), KAFKA.bootstrapServers(), topics, serdes);
                    MllpListener listener = MllpListener.start(
                            0,
                            new DurableHl7Handler(
                                    Hl7Settings.defaults(Clock.systemUTC()), publisher, Duration.ofSeconds(30)),
                            new SimpleMeterRegistry())) {
                // HL7 ids are the bare id of PID-3 (the default patient id rule), as trial systems key them.
                for (String patient : List.of(C1, C2)) {
                    publisher.event(event(patient, EventType.RANDOMIZED, "2020-02-02T01:00:00Z", "MSC"));
                    publisher.event(event(patient, EventType.INFUSION, "2020-02-02T02:00:00Z", null));
                }
                int port = listener.port();
                assertThat(send(port, oru(C1, "ORD-" + C1, "MSG-1"))).contains("MSA|AA|");
                assertThat(send(port, oru(C2, "ORD-" + C2, "MSG-2"))).contains("MSA|AA|");
                // Not a message type we take: AE, and a dead letter.
                assertThat(send(
                                port,
                                "MSH|^~\\&|ADT|LAB|||20200203091500||ADT^A08|MSG-3|P|2.5.1\rPID|1||" + C3
                                        + "^^^H^MR||Canary^Carl\r"))
                        .contains("MSA|AE|MSG-3");
                // A result message without results: AE.
                assertThat(send(
                                port,
                                "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|MSG-4|P|2.5.1\rPID|1||" + C3
                                        + "^^^H^MR\rOBR|1|ORD-" + C3 + "|" + C3 + "|24323-8^Panel^LN\r"))
                        .containsPattern("MSA\\|A[AE]\\|MSG-4");
                // Broken structure carrying the id: an AE (or AR) from the parser path.
                assertThat(send(
                                port,
                                "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|MSG-5|P|2.5.1\rPID|1||" + C3
                                        + "\rOBX|1|NM|1988-5^CRP^LN||" + C3 + "|mg/L|||||F|||garbage-" + C3 + "\r"))
                        .containsPattern("MSA\\|A[ER]\\|");
                // Not HL7 at all: a bare AR.
                assertThat(send(port, "hello " + C3 + " this is not HL7")).contains("MSA|AR");

                Instant day1 = Instant.parse("2020-02-03T08:00:00Z");
                publisher.reading(reading(C1, "BAD-UNIT-" + C1, "1988-5", "12", "furlongs", day1));
                // The value itself carries the id: rejection messages quote values, logs must not.
                publisher.reading(reading(C1, "NON-NUM-" + C1, "1988-5", "lots-" + C1, "mg/L", day1));
                publisher.reading(reading(C1, "UNKNOWN-" + C1, "99999-9", "12", "mg/L", day1));
                publisher.reading(reading(
                        C2,
                        "FUTURE-" + C2,
                        "1988-5",
                        "12",
                        "mg/L",
                        Instant.now().plus(Duration.ofDays(2))));
                publisher.reading(reading(C2, "IMPLAUSIBLE-" + C2, "1988-5", "-5", "mg/L", day1));
                publisher.malformedReading("{\"patientId\":\"" + C3 + "\", \"value\": broken");
                publisher.malformedEvent("{\"patientId\":\"" + C3 + "\", \"type\": \"INFUSION\"");
                publisher.flush();
                pipeline.awaitProcessed(LIMIT);

                int httpPort = pipeline.httpPort().orElseThrow();
                List<String> shown = new ArrayList<>();
                TopicExport.read(
                        Map.of(),
                        KAFKA.bootstrapServers(),
                        topics.trajectory(),
                        serdes.value(TrajectoryPoint.class).deserializer(),
                        (k, v) -> shown.add(v.getPatientId()));
                assertThat(shown).isNotEmpty().allMatch(Pseudonym::looksLike);
                // The API is asked by the patient id and answers with the pseudonym; no table maps a pseudonym back.
                String id = C1;
                String psn = pseudonym.of(id);
                await("the trajectory of a canary patient by its id")
                        .atMost(LIMIT)
                        .untilAsserted(
                                () -> assertThat(get(httpPort, id, "trajectory").statusCode())
                                        .isEqualTo(200));
                HttpResponse<String> byId = get(httpPort, id, "trajectory");
                assertThat(byId.body()).contains(psn).doesNotContain("CANARY");
                assertThat(get(httpPort, psn, "summary").statusCode())
                        .as("a pseudonym is not an id the API knows")
                        .isEqualTo(404);
                assertThat(get(httpPort, id, "trajectory?analyte=NOPE").statusCode())
                        .isEqualTo(400);

                TopicExport.read(
                        Map.of(),
                        KAFKA.bootstrapServers(),
                        topics.deadLetters(),
                        serdes.value(DeadLetter.class).deserializer(),
                        (k, v) -> letters.add(v));
            }
        } finally {
            log.close();
            InMemorySchemaRegistry.dropScope(scope);
        }
        assertThat(letters)
                .extracting(DeadLetter::getErrorCode)
                .as("the bad input took the dead-letter paths")
                .contains(
                        "UNKNOWN_UNIT",
                        "NON_NUMERIC",
                        "UNKNOWN_ANALYTE",
                        "FUTURE_TIMESTAMP",
                        "IMPLAUSIBLE_VALUE",
                        "UNDESERIALIZABLE",
                        "UNSUPPORTED_MESSAGE");
        assertThat(log.debugEvents()).as("DEBUG lines were watched").isPositive();
        assertThat(log.leaks())
                .as("log lines naming a canary patient or the key")
                .isEmpty();
    }

    @Test
    void shouldLogAndPrintNoPatientIdWhenTheReplayCommandRunsCanaryFiles() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("pseudonym.key"), KEY);
        Path readings = Files.writeString(
                dir.resolve("readings.ndjson"),
                String.join(
                        "\n",
                        ndjsonReading(C1, "R-" + C1 + "-1", "1988-5", "40", "mg/L", "2020-02-02T00:00:00Z"),
                        ndjsonReading(C1, "R-" + C1 + "-2", "1988-5", "4", "mg/L", "2020-02-05T00:00:00Z"),
                        ndjsonReading(C1, "R-" + C1 + "-3", "50984-4", "250", "mm[Hg]", "2020-02-05T00:00:00Z"),
                        ndjsonReading(C2, "R-" + C2 + "-1", "1988-5", "12", "parsecs", "2020-02-05T00:00:00Z"),
                        "{\"readingId\":\"R-" + C2 + "-x\",\"patientId\":\"" + C2 + "\",\"value\":",
                        "not json at all " + C3,
                        ""));
        Path events = Files.writeString(
                dir.resolve("events.ndjson"),
                String.join(
                        "\n",
                        "{\"eventId\":\"E-" + C1 + "-R\",\"patientId\":\"" + C1
                                + "\",\"type\":\"RANDOMIZED\",\"at\":\"2020-02-01T09:00:00Z\",\"arm\":\"MSC\"}",
                        "{\"eventId\":\"E-" + C1 + "-I\",\"patientId\":\"" + C1
                                + "\",\"type\":\"INFUSION\",\"at\":\"2020-02-02T10:00:00Z\"}",
                        "{\"eventId\":\"E-" + C3 + "-X\",\"patientId\":\"" + C3 + "\",\"type\":\"LEVITATED\"}",
                        ""));
        Path hl7 = Files.writeString(
                dir.resolve("messages.hl7"),
                String.join(
                        "\n\n",
                        oru(C2, "ORD-" + C2, "H-1").replace('\r', '\n'),
                        ("MSH|^~\\&|ADT|LAB|||20200203091500||ADT^A08|H-2|P|2.5.1\rPID|1||" + C3 + "^^^H^MR\r")
                                .replace('\r', '\n'),
                        resource("adt-a01-enrolled.hl7").replace("P-017", C3)));
        Path out = dir.resolve("out");

        int exit;
        CanaryLog log = CanaryLog.watch(WATCHED);
        try {
            exit = Main.commandLine()
                    .execute(
                            "replay",
                            "--readings",
                            readings.toString(),
                            "--events",
                            events.toString(),
                            "--hl7",
                            hl7.toString(),
                            "--out",
                            out.toString(),
                            "--pseudonym-key-file",
                            keyFile.toString());
        } finally {
            log.close();
        }

        assertThat(exit).isZero();
        String dlq = Files.readString(out.resolve("lab-readings-dlq.ndjson"));
        assertThat(dlq).contains("UNKNOWN_UNIT").contains("UNSUPPORTED_MESSAGE");
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().startsWith("lab-readings-dlq"))
                    .toList()) {
                assertThat(Files.readString(f)).as("%s", f.getFileName()).doesNotContain("CANARY");
            }
        }
        assertThat(Files.readString(out.resolve("biomarker-trajectory-points.ndjson")))
                .contains(
                        Pseudonym.withKey(KEY.getBytes(StandardCharsets.UTF_8)).of(C1));
        assertThat(log.debugEvents()).as("DEBUG lines were watched").isPositive();
        assertThat(log.leaks())
                .as("log lines naming a canary patient or the key")
                .isEmpty();
    }

    private static RawClinicalEvent event(String patient, EventType type, String at, String arm) {
        return new RawClinicalEvent(
                patient + "-" + type, 0, patient, type, Instant.parse(at), arm, Map.of(), null, null, false, "test");
    }

    private static RawReading reading(String patient, String id, String loinc, String value, String unit, Instant at) {
        return new RawReading(
                id, 0, patient, loinc, null, value, unit, at, ResultStatus.FINAL, null, null, "test", Instant.now());
    }

    private static String ndjsonReading(String patient, String id, String loinc, String value, String unit, String at) {
        return "{\"readingId\":\"" + id + "\",\"patientId\":\"" + patient + "\",\"loinc\":\"" + loinc
                + "\",\"value\":\"" + value + "\",\"unit\":\"" + unit + "\",\"observedAt\":\"" + at
                + "\",\"status\":\"FINAL\",\"revision\":0}";
    }

    /** The bundled v2.5.1 ORU with the patient, filler order number and control id replaced. */
    private static String oru(String patient, String filler, String controlId) throws IOException {
        return resource("oru-v251-loinc.hl7")
                .replace("P-017", patient)
                .replace("ORD-9001", filler)
                .replace("MSG00001", controlId)
                .replace("\r\n", "\r")
                .replace('\n', '\r');
    }

    private HttpResponse<String> get(int port, String patient, String route) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/patients/"
                + URLEncoder.encode(patient, StandardCharsets.UTF_8) + "/" + route);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String send(int port, String message) throws IOException {
        return MllpExchange.send(port, message);
    }

    private static String resource(String name) throws IOException {
        return MllpExchange.sample(name);
    }
}
