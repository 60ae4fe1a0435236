package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NdjsonReadingsTest {

    private static final Instant RECEIVED = Instant.parse("2020-02-04T01:00:00Z");
    private static final String SECRET_PATIENT = "PAT-SECRET-4711";

    private final NdjsonReadings readings = new NdjsonReadings(Clock.fixed(RECEIVED, ZoneOffset.UTC));

    @Test
    void shouldReadEveryFieldWhenLineIsComplete() {
        RawReading reading = parsed("{\"readingId\":\"R1\",\"revision\":2,\"patientId\":\"P1\",\"loinc\":\"1988-5\","
                + "\"value\":\"12.5\",\"unit\":\"mg/L\",\"observedAt\":\"2020-02-03T08:15:00+08:00\","
                + "\"status\":\"CORRECTED\",\"referenceRange\":\"0-10\",\"abnormalFlags\":\"H\"}");

        assertThat(reading)
                .isEqualTo(new RawReading(
                        "R1",
                        2,
                        "P1",
                        "1988-5",
                        null,
                        "12.5",
                        "mg/L",
                        Instant.parse("2020-02-03T00:15:00Z"),
                        ResultStatus.CORRECTED,
                        "0-10",
                        "H",
                        "ndjson",
                        RECEIVED));
    }

    @Test
    void shouldReadAnalyteWhenGivenInsteadOfLoinc() {
        assertThat(parsed("{\"analyte\":\"IL6\"}").analyte()).isEqualTo("IL6");
    }

    @Test
    void shouldKeepTheWrittenTextWhenValueIsADecimalNumber() {
        assertThat(parsed("{\"value\":12.50}").value()).isEqualTo("12.50");
    }

    @Test
    void shouldKeepTheWrittenTextWhenValueIsAnExponentOrInteger() {
        assertThat(parsed("{\"value\":1.5e3}").value()).isEqualTo("1.5e3");
        assertThat(parsed("{\"value\":-7}").value()).isEqualTo("-7");
    }

    @Test
    void shouldKeepTheComparatorWhenValueIsAString() {
        assertThat(parsed("{\"value\":\"<0.5\"}").value()).isEqualTo("<0.5");
    }

    @Test
    void shouldDefaultStatusAndRevisionWhenMissing() {
        RawReading reading = parsed("{\"readingId\":\"R1\"}");

        assertThat(reading.status()).isEqualTo(ResultStatus.FINAL);
        assertThat(reading.revision()).isZero();
    }

    @Test
    void shouldLeaveFieldsNullWhenMissing() {
        RawReading reading = parsed("{}");

        assertThat(reading)
                .isEqualTo(new RawReading(
                        null,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        ResultStatus.FINAL,
                        null,
                        null,
                        "ndjson",
                        RECEIVED));
    }

    @Test
    void shouldTreatJsonNullAsMissingWhenFieldIsNull() {
        RawReading reading = parsed(
                "{\"patientId\":null,\"value\":null,\"status\":null,\"revision\":null," + "\"observedAt\":null}");

        assertThat(reading.patientId()).isNull();
        assertThat(reading.value()).isNull();
        assertThat(reading.status()).isEqualTo(ResultStatus.FINAL);
        assertThat(reading.revision()).isZero();
        assertThat(reading.observedAt()).isNull();
    }

    @Test
    void shouldIgnoreUnknownFieldsWhenTheyHoldAnyJson() {
        RawReading reading = parsed("{\"extra\":{\"deep\":[1,{\"x\":null}]},\"list\":[],\"readingId\":\"R9\","
                + "\"flag\":true,\"readingId2\":3}");

        assertThat(reading.readingId()).isEqualTo("R9");
    }

    @Test
    void shouldAcceptUtcAndFractionalSecondsWhenObservedAtHasThem() {
        assertThat(parsed("{\"observedAt\":\"2020-02-03T00:15:00.250Z\"}").observedAt())
                .isEqualTo(Instant.parse("2020-02-03T00:15:00.250Z"));
    }

    @Test
    void shouldAcceptLowerCaseAndFhirSpellingWhenStatusIsWrittenThatWay() {
        assertThat(parsed("{\"status\":\"entered-in-error\"}").status()).isEqualTo(ResultStatus.ENTERED_IN_ERROR);
        assertThat(parsed("{\"status\":\"preliminary\"}").status()).isEqualTo(ResultStatus.PRELIMINARY);
    }

    @Test
    void shouldStampReceivedAtFromTheInjectedClock() {
        Instant later = Instant.parse("2021-01-01T00:00:00Z");
        NdjsonReadings atLater = new NdjsonReadings(Clock.fixed(later, ZoneOffset.UTC));

        ParsedLine<RawReading> result = atLater.parse("{}");

        assertThat(result)
                .isInstanceOfSatisfying(ParsedLine.Parsed.class, p -> assertThat(((RawReading) p.value()).receivedAt())
                        .isEqualTo(later));
    }

    static Stream<Arguments> malformedLines() {
        String id = "\"patientId\":\"" + SECRET_PATIENT + "\",";
        return Stream.of(
                Arguments.of("not json " + SECRET_PATIENT, "not valid JSON"),
                Arguments.of("{" + id + "\"value\":", "not valid JSON"),
                Arguments.of("[{" + id + "\"value\":\"1\"}]", "not a JSON object"),
                Arguments.of("\"" + SECRET_PATIENT + "\"", "not a JSON object"),
                Arguments.of("42", "not a JSON object"),
                Arguments.of("{" + id + "\"value\":\"1\"} {}", "content after the JSON object"),
                Arguments.of("{" + id + "\"revision\":\"x\"}", "field 'revision' must be an integer, was a string"),
                Arguments.of("{" + id + "\"revision\":1.5}", "field 'revision' must be an integer, was a number"),
                Arguments.of("{" + id + "\"revision\":99999999999999999999}", "field 'revision' is out of range"),
                Arguments.of("{" + id + "\"observedAt\":\"yesterday\"}", "field 'observedAt' must be an ISO-8601"),
                Arguments.of(
                        "{" + id + "\"observedAt\":\"2020-02-03T08:15:00\"}", "field 'observedAt' must be an ISO-8601"),
                Arguments.of(
                        "{" + id + "\"observedAt\":1580688900000}",
                        "field 'observedAt' must be a string, was a number"),
                Arguments.of(
                        "{" + id + "\"status\":\"" + SECRET_PATIENT + "\"}",
                        "field 'status' must be one of FINAL, PRELIMINARY, CORRECTED, DELETED, ENTERED_IN_ERROR"),
                Arguments.of("{" + id + "\"value\":{\"v\":1}}", "field 'value' must be a string or a number"),
                Arguments.of("{" + id + "\"value\":true}", "field 'value' must be a string or a number, was a boolean"),
                Arguments.of("{\"patientId\":12345}", "field 'patientId' must be a string, was a number"),
                Arguments.of("{" + id + "\"unit\":[\"mg/L\"]}", "field 'unit' must be a string, was an array"),
                Arguments.of("{" + id + "\"revision\":1,\"revision\":2}", "field 'revision' appears more than once"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void shouldBeMalformedWithAReasonNamingTheProblemWhenLineCannotBeRead(String line, String reason) {
        ParsedLine<RawReading> result = readings.parse(line);

        assertThat(result).isInstanceOf(ParsedLine.Malformed.class);
        String actual = ((ParsedLine.Malformed<RawReading>) result).reason();
        assertThat(actual).contains(reason).doesNotContain(SECRET_PATIENT).doesNotContain("4711");
    }

    @Test
    void shouldPrefixTheLineNumberWhenAFileLineIsMalformed() {
        ParsedLine<RawReading> result = readings.parse(new NdjsonFile.Line(17, "{\"revision\":\"x\"}"));

        assertThat(result)
                .isEqualTo(new ParsedLine.Malformed<>("line 17: field 'revision' must be an integer, was a string"));
    }

    @Test
    void shouldParseAFileLineLikeItsTextWhenItIsWellFormed() {
        assertThat(readings.parse(new NdjsonFile.Line(3, "{\"value\":\"1\"}")))
                .isEqualTo(readings.parse("{\"value\":\"1\"}"));
    }

    @Test
    void shouldWriteOneLineInContractOrderWithoutNullFieldsWhenSerializing() {
        RawReading reading = new RawReading(
                "R1",
                1,
                "P1",
                null,
                "CRP",
                "<0.5",
                "mg/L",
                Instant.parse("2020-02-03T00:15:00Z"),
                ResultStatus.PRELIMINARY,
                null,
                null,
                "hl7:LAB",
                RECEIVED);

        assertThat(NdjsonReadings.toJson(reading))
                .isEqualTo("{\"readingId\":\"R1\",\"revision\":1,\"patientId\":\"P1\",\"analyte\":\"CRP\","
                        + "\"value\":\"<0.5\",\"unit\":\"mg/L\",\"observedAt\":\"2020-02-03T00:15:00Z\","
                        + "\"status\":\"PRELIMINARY\"}");
    }

    @Test
    void shouldEscapeSoTheOutputStaysOneLineWhenFieldsHoldLineBreaks() {
        RawReading reading = new RawReading(
                "R\n1", 0, "P\r\n1", null, null, "1\u2028", null, null, ResultStatus.FINAL, null, null, null, null);

        String line = NdjsonReadings.toJson(reading);

        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(parsed(line).readingId()).isEqualTo("R\n1");
    }

    private RawReading parsed(String line) {
        ParsedLine<RawReading> result = readings.parse(line);
        assertThat(result).isInstanceOf(ParsedLine.Parsed.class);
        return ((ParsedLine.Parsed<RawReading>) result).value();
    }
}
