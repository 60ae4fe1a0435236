package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.testing.RawRecords;

class NdjsonReadingsProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2020-02-04T01:00:00Z");
    private static final List<String> FIELDS = List.of(
            "readingId",
            "revision",
            "patientId",
            "loinc",
            "analyte",
            "value",
            "unit",
            "observedAt",
            "status",
            "referenceRange",
            "abnormalFlags");

    private final NdjsonReadings readings = new NdjsonReadings(Clock.fixed(RECEIVED, ZoneOffset.UTC));

    @Property(tries = 500)
    void shouldNeverThrowWhenLineIsAnyString(@ForAll String line) {
        assertThat(readings.parse(line)).isInstanceOfAny(ParsedLine.Parsed.class, ParsedLine.Malformed.class);
    }

    @Property(tries = 500)
    void shouldNeverThrowWhenKnownFieldsHoldAnyJson(@ForAll("objectsOfKnownFields") String line) {
        assertThat(readings.parse(line)).isInstanceOfAny(ParsedLine.Parsed.class, ParsedLine.Malformed.class);
    }

    @Property(tries = 500)
    void shouldNeverNameThePatientWhenALineIsMalformed(
            @ForAll("patientIds") String patientId, @ForAll("objectsOfKnownFields") String rest) {
        String line = "{\"patientId\":\"" + patientId + "\"," + rest.substring(1);

        if (readings.parse(line) instanceof ParsedLine.Malformed<RawReading> malformed) {
            assertThat(malformed.reason()).doesNotContain(patientId);
        }
    }

    @Property(tries = 500)
    void shouldReadBackWhatWasWrittenWhenRoundTripped(@ForAll("readings") RawReading reading) {
        ParsedLine<RawReading> parsed = readings.parse(NdjsonReadings.toJson(reading));

        RawReading asRead = new RawReading(
                reading.readingId(),
                reading.revision(),
                reading.patientId(),
                reading.loinc(),
                reading.analyte(),
                reading.value(),
                reading.unit(),
                reading.observedAt(),
                reading.status(),
                reading.referenceRange(),
                reading.abnormalFlags(),
                NdjsonReadings.SOURCE,
                RECEIVED);
        assertThat(parsed).isEqualTo(new ParsedLine.Parsed<>(asRead));
    }

    @Property(tries = 500)
    void shouldWriteASingleLineWhenSerializing(@ForAll("readings") RawReading reading) {
        assertThat(NdjsonReadings.toJson(reading)).doesNotContain("\n").doesNotContain("\r");
    }

    @Provide
    Arbitrary<RawReading> readings() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(24).injectNull(0.2);
        Arbitrary<Long> revisions = Arbitraries.longs();
        Arbitrary<Instant> instants = Combinators.combine(
                        Arbitraries.longs().between(-5_000_000_000L, 10_000_000_000L),
                        Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond)
                .injectNull(0.2);
        return RawRecords.readings(text, instants);
    }

    @Provide
    Arbitrary<String> patientIds() {
        return Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars('-')
                .ofMinLength(6)
                .ofMaxLength(16);
    }

    @Provide
    Arbitrary<String> objectsOfKnownFields() {
        Arbitrary<String> field = Combinators.combine(Arbitraries.of(FIELDS), jsonValues())
                .as((name, value) -> "\"" + name + "\":" + value);
        return field.list().ofMaxSize(6).map(fields -> fields.stream().collect(Collectors.joining(",", "{", "}")));
    }

    /** JSON values of every type, including near misses for the typed fields. */
    static Arbitrary<String> jsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "null",
                        "true",
                        "false",
                        "0",
                        "-1",
                        "12.50",
                        "1e400",
                        "99999999999999999999",
                        "[]",
                        "{}",
                        "{\"a\":\"b\"}",
                        "[1,\"x\"]",
                        "\"\"",
                        "\"FINAL\"",
                        "\"deleted\"",
                        "\"2020-02-03T08:15:00+08:00\"",
                        "\"2020-02-03T08:15:00\"",
                        "\"2020-13-03T08:15:00Z\"",
                        "\"<0.5\""),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().ofMaxLength(12).map(NdjsonReadingsProperties::quoted),
                Arbitraries.maps(
                                Arbitraries.strings().alpha().ofMaxLength(4),
                                Arbitraries.strings().alpha().ofMaxLength(4))
                        .ofMaxSize(3)
                        .map(NdjsonReadingsProperties::object));
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String object(Map<String, String> labels) {
        return labels.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }
}
