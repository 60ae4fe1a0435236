package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NdjsonEventsTest {

    private static final String SECRET_PATIENT = "PAT-SECRET-4711";

    @Test
    void shouldReadEveryFieldWhenLineIsComplete() {
        RawClinicalEvent event =
                parsed("{\"eventId\":\"E1\",\"revision\":3,\"patientId\":\"P1\",\"type\":\"RANDOMIZED\","
                        + "\"at\":\"2020-02-01T10:00:00+08:00\",\"arm\":\"UC-MSC\","
                        + "\"strata\":{\"severity\":\"severe\",\"ageBand\":\"40-59\"},\"dose\":\"1x10^6 cells/kg\","
                        + "\"product\":\"UC-MSC\",\"enteredInError\":true}");

        assertThat(event)
                .isEqualTo(new RawClinicalEvent(
                        "E1",
                        3,
                        "P1",
                        EventType.RANDOMIZED,
                        Instant.parse("2020-02-01T02:00:00Z"),
                        "UC-MSC",
                        Map.of("severity", "severe", "ageBand", "40-59"),
                        "1x10^6 cells/kg",
                        "UC-MSC",
                        true,
                        "ndjson"));
    }

    @Test
    void shouldKeyByIdAndAuthorityLikeHl7WhenTheRuleIsIdAuthority() {
        String line = "{\"eventId\":\"E1\",\"patientId\":\"P1\",\"patientIdAuthority\":\"HOSP\",\"type\":\"INFUSION\","
                + "\"at\":\"2020-02-01T10:00:00Z\"}";

        assertThat(((ParsedLine.Parsed<RawClinicalEvent>) NdjsonEvents.parse(line, PatientIdRule.ID_AUTHORITY))
                        .value()
                        .patientId())
                .isEqualTo("P1^HOSP");
        assertThat(parsed(line).patientId()).as("bare, the default").isEqualTo("P1");
    }

    @Test
    void shouldRejectWithTheLineNumberWhenTheIdentifierIsNotTheOneTheRuleSelects() {
        String line = "{\"eventId\":\"E1\",\"patientId\":\"" + SECRET_PATIENT
                + "\",\"patientIdType\":\"SS\",\"type\":\"INFUSION\",\"at\":\"2020-02-01T10:00:00Z\"}";

        ParsedLine<RawClinicalEvent> parsed =
                NdjsonEvents.parse(new NdjsonFile.Line(7, line), PatientIdRule.parse("type:MR"));

        assertThat(parsed).isInstanceOf(ParsedLine.Rejected.class);
        Rejection rejection = ((ParsedLine.Rejected<RawClinicalEvent>) parsed).rejection();
        assertThat(rejection.code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(rejection.message())
                .startsWith("line 7: ")
                .contains("type SS")
                .doesNotContain(SECRET_PATIENT);
    }

    @Test
    void shouldLeaveFieldsNullAndStrataEmptyWhenMissing() {
        assertThat(parsed("{}"))
                .isEqualTo(
                        new RawClinicalEvent(null, 0, null, null, null, null, Map.of(), null, null, false, "ndjson"));
    }

    @Test
    void shouldTreatNullStrataAsEmptyWhenStrataIsJsonNull() {
        assertThat(parsed("{\"strata\":null}").strata()).isEmpty();
    }

    @Test
    void shouldKeepTheWrittenTextWhenDoseIsANumber() {
        assertThat(parsed("{\"dose\":2.0}").dose()).isEqualTo("2.0");
    }

    @Test
    void shouldReadEveryTypeWhenNamedInAnyCase() {
        for (EventType type : EventType.values()) {
            assertThat(parsed("{\"type\":\"" + type.name().toLowerCase() + "\"}")
                            .type())
                    .isEqualTo(type);
        }
    }

    static Stream<Arguments> malformedLines() {
        String id = "\"patientId\":\"" + SECRET_PATIENT + "\",";
        return Stream.of(
                Arguments.of("{" + id, "not valid JSON"),
                Arguments.of("[]", "not a JSON object"),
                Arguments.of(
                        "{" + id + "\"type\":\"SURGERY\"}",
                        "field 'type' must be one of ENROLLED, RANDOMIZED, INFUSION, DISCHARGED, DIED"),
                Arguments.of("{" + id + "\"at\":\"yesterday\"}", "field 'at' must be an ISO-8601"),
                Arguments.of("{" + id + "\"revision\":\"x\"}", "field 'revision' must be an integer"),
                Arguments.of("{" + id + "\"strata\":\"severe\"}", "field 'strata' must be an object of string labels"),
                Arguments.of(
                        "{" + id + "\"strata\":{\"age\":61}}",
                        "field 'strata' must hold only string labels, one label was a number"),
                Arguments.of("{" + id + "\"enteredInError\":\"yes\"}", "field 'enteredInError' must be true or false"),
                Arguments.of("{" + id + "\"arm\":1}", "field 'arm' must be a string, was a number"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void shouldBeMalformedWithAReasonNamingTheProblemWhenLineCannotBeRead(String line, String reason) {
        ParsedLine<RawClinicalEvent> result = NdjsonEvents.parse(line);

        assertThat(result).isInstanceOf(ParsedLine.Malformed.class);
        assertThat(((ParsedLine.Malformed<RawClinicalEvent>) result).reason())
                .contains(reason)
                .doesNotContain(SECRET_PATIENT);
    }

    @Test
    void shouldPrefixTheLineNumberWhenAFileLineIsMalformed() {
        assertThat(NdjsonEvents.parse(new NdjsonFile.Line(5, "{\"type\":1}")))
                .isEqualTo(new ParsedLine.Malformed<>("line 5: field 'type' must be a string, was a number"));
    }

    @Test
    void shouldWriteStrataSortedAndOmitDefaultsWhenSerializing() {
        RawClinicalEvent event = new RawClinicalEvent(
                "E2",
                0,
                "P1",
                EventType.INFUSION,
                Instant.parse("2020-02-02T15:00:00Z"),
                null,
                Map.of("severity", "critical", "ageBand", "60+"),
                "1x10^6 cells/kg",
                null,
                false,
                "ndjson");

        assertThat(NdjsonEvents.toJson(event))
                .isEqualTo("{\"eventId\":\"E2\",\"revision\":0,\"patientId\":\"P1\",\"type\":\"INFUSION\","
                        + "\"at\":\"2020-02-02T15:00:00Z\",\"strata\":{\"ageBand\":\"60+\",\"severity\":\"critical\"},"
                        + "\"dose\":\"1x10^6 cells/kg\"}");
    }

    @Test
    void shouldWriteEnteredInErrorWhenTrue() {
        RawClinicalEvent event = new RawClinicalEvent("E3", 1, null, null, null, null, null, null, null, true, null);

        assertThat(NdjsonEvents.toJson(event)).isEqualTo("{\"eventId\":\"E3\",\"revision\":1,\"enteredInError\":true}");
    }

    private static RawClinicalEvent parsed(String line) {
        ParsedLine<RawClinicalEvent> result = NdjsonEvents.parse(line);
        assertThat(result).isInstanceOf(ParsedLine.Parsed.class);
        return ((ParsedLine.Parsed<RawClinicalEvent>) result).value();
    }
}
