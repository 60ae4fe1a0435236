package org.biomarkerstreams.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A third-party client registers each {@code schemas/*.avsc} file as it is, with plain HTTP, through the REST API
 * of a real Confluent-compatible registry (Apicurio 2.6, which compares schema text); the project's serializer then
 * writes that record type with the id the third party got, whatever its {@link WriterSchemaMode}, and adds no
 * version to the subject.
 */
class ContractRegistrationIT {

    @RegisterExtension
    static final ApicurioRegistryExtension APICURIO = new ApicurioRegistryExtension();

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static Stream<Path> contractFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("schemas"))) {
            List<Path> avsc =
                    files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
            assertThat(avsc).hasSizeGreaterThanOrEqualTo(11);
            return avsc.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("contractFiles")
    void shouldWriteWithTheIdAThirdPartyGotWhenItRegisteredTheFileAsItIs(Path file) throws Exception {
        String name = file.getFileName().toString().replace(".avsc", "");
        String topic = "contract-" + RUN + "-" + name;
        String subject = topic + "-value";
        int thirdPartyId = registerAsThirdParty(subject, Files.readString(file, StandardCharsets.UTF_8));
        Class<? extends SpecificRecord> type =
                Class.forName("org.biomarkerstreams.avro." + name).asSubclass(SpecificRecord.class);

        for (WriterSchemaMode mode : WriterSchemaMode.values()) {
            // A fresh client per mode: nothing cached from the mode before.
            try (ConfluentRegistryClient client =
                    new ConfluentRegistryClient(RegistryConfig.of(APICURIO.confluentUrl()))) {
                SpecificAvroSerde<? extends SpecificRecord> serde = new SpecificAvroSerde<>(client, type, false, mode);

                assertThat(serde.writerSchemaId(topic)).as(name + " " + mode).isEqualTo(thirdPartyId);
            }
        }
        assertThat(versions(subject))
                .as("the subject keeps the third party's version only")
                .containsExactly(1);
    }

    @Test
    void shouldFrameRecordsWithTheThirdPartysIdSoThatItReadsThemWithTheSchemaItRegistered() throws Exception {
        String topic = "contract-" + RUN + "-framed";
        int thirdPartyId = registerAsThirdParty(
                topic + "-value", Files.readString(Path.of("schemas/LabReading.avsc"), StandardCharsets.UTF_8));
        byte[] bytes;
        try (ConfluentRegistryClient client = new ConfluentRegistryClient(RegistryConfig.of(APICURIO.confluentUrl()))) {
            bytes = new SpecificAvroSerde<>(client, LabReading.class, false, WriterSchemaMode.AUTO_REGISTER)
                    .serializer()
                    .serialize(topic, LabReadings.aCrpReading());
        }

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(thirdPartyId);
        Schema theirs = new Schema.Parser().parse(schemaById(thirdPartyId));
        GenericRecord read = new GenericDatumReader<GenericRecord>(theirs)
                .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
        assertThat(read.get("readingId")).hasToString(LabReadings.aCrpReading().getReadingId());
        assertThat(read.get("status")).hasToString("CORRECTED");
    }

    /** What any client does: POST the file's text as it is to {@code /subjects/{subject}/versions}. */
    private static int registerAsThirdParty(String subject, String schemaText) throws Exception {
        String body = JSON.createObjectNode().put("schema", schemaText).toString();
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(APICURIO.confluentUrl() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body()).get("id").asInt();
    }

    private static List<Integer> versions(String subject) throws Exception {
        JsonNode answer = get("/subjects/" + subject + "/versions");
        List<Integer> versions = new ArrayList<>();
        answer.forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    private static String schemaById(int id) throws Exception {
        return get("/schemas/ids/" + id).get("schema").asText();
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(APICURIO.confluentUrl() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }
}
