package org.biomarkerstreams.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.ingest.FileReplay;
import org.biomarkerstreams.ingest.NdjsonEvents;
import org.biomarkerstreams.ingest.NdjsonReadings;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay --hl7} gives the same per-patient outputs as the same readings given as NDJSON. */
class Hl7ReplayIT {

    private static final List<String> FIXTURES = List.of(
            "oru-v251-loinc.hl7",
            "oru-v23-local-codes.hl7",
            "oru-v24-custom-encoding.hl7",
            "ras-o17-infusion.hl7",
            "adt-a01-enrolled.hl7",
            "adt-a03-discharged.hl7");

    @TempDir
    Path dir;

    @Test
    void shouldGiveSameOutputsAsTheEquivalentNdjsonAndDeadLetterUnusableMessages() throws Exception {
        StringBuilder feed = new StringBuilder();
        for (String fixture : FIXTURES) {
            feed.append('\u000b').append(resource(fixture)).append('\u001c').append('\r');
        }
        feed.append('\u000b').append("this is not HL7").append('\u001c').append('\r');
        Path hl7 = Files.writeString(dir.resolve("feed.hl7"), feed, StandardCharsets.UTF_8);

        List<RawReading> readings = new ArrayList<>();
        List<RawClinicalEvent> events = new ArrayList<>();
        FileReplay.hl7(
                hl7,
                StandardCharsets.ISO_8859_1,
                new Hl7Mapper(Hl7Settings.defaults(Clock.systemUTC())),
                readings::add,
                events::add,
                r -> {});
        assertThat(readings).hasSizeGreaterThan(5);
        assertThat(events).isNotEmpty();
        Path ndjsonReadings = dir.resolve("readings.ndjson");
        Path ndjsonEvents = dir.resolve("events.ndjson");
        Files.write(
                ndjsonReadings, readings.stream().map(NdjsonReadings::toJson).toList());
        Files.write(ndjsonEvents, events.stream().map(NdjsonEvents::toJson).toList());

        Path fromHl7 = dir.resolve("out-hl7");
        Path fromNdjson = dir.resolve("out-ndjson");
        assertThat(Main.commandLine().execute("replay", "--hl7", hl7.toString(), "--out", fromHl7.toString()))
                .isZero();
        assertThat(Main.commandLine()
                        .execute(
                                "replay",
                                "--readings",
                                ndjsonReadings.toString(),
                                "--events",
                                ndjsonEvents.toString(),
                                "--out",
                                fromNdjson.toString()))
                .isZero();

        Map<String, Map<String, Object>> viaHl7 = ReplayOracleIT.actual(fromHl7);
        assertThat(viaHl7).isNotEmpty().anySatisfy((k, v) -> assertThat(k).startsWith("ttn:"));
        assertThat(OutputDiff.of(ReplayOracleIT.actual(fromNdjson), viaHl7)).isEmpty();
        List<String> deadLetters = Files.readAllLines(fromHl7.resolve("lab-readings-dlq.ndjson"));
        assertThat(deadLetters).anySatisfy(line -> {
            Map<String, Object> letter = AvroJson.parse(line);
            assertThat(letter).containsEntry("errorCode", "UNDESERIALIZABLE");
            assertThat((String) letter.get("payload")).startsWith("this is not HL7");
        });
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Hl7ReplayIT.class.getResourceAsStream("/hl7/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
