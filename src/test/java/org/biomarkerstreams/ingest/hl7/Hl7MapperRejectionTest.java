package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.ingest.hl7.Hl7Fixtures.CLOCK;

import org.biomarkerstreams.domain.ErrorCode;
import org.junit.jupiter.api.Test;

class Hl7MapperRejectionTest {

    private static final String SECRET_PATIENT = "PAT-SECRET-4711";

    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(CLOCK));

    @Test
    void shouldRejectAsFutureTimestampWhenTheStatusTimeThatSetsTheRevisionIsBeyondTheTolerance() {
        // The probe: OBR-22 in 2099 made a forged value win over every later genuine correction.
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||" + SECRET_PATIENT + "\r"
                + "OBR|1||F1" + "|".repeat(19) + "209901010000\r"
                + "OBX|1|NM|1988-5^CRP^LN||999|mg/L|||||C\r";

        Hl7Outcome.Rejected rejected = (Hl7Outcome.Rejected) mapper.map(er7);

        assertThat(rejected.errorCode()).isEqualTo(ErrorCode.FUTURE_TIMESTAMP);
        assertThat(rejected.errSegmentLocation()).isEqualTo("OBR^1^22");
        assertThat(rejected.message()).doesNotContain(SECRET_PATIENT);
    }

    @Test
    void shouldRejectAsFutureTimestampWhenMessageTimeOrObservationTimeIsBeyondTheTolerance() {
        String futureMsh7 = "MSH|^~\\&|L|H|||209901010000||ORU^R01|X1|P|2.5.1\rPID|||P1\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F|||202002020800\r";
        String futureObx14 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||P1\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F|||209901010000\r";

        assertThat(((Hl7Outcome.Rejected) mapper.map(futureMsh7)).errSegmentLocation())
                .isEqualTo("MSH^1^7");
        assertThat(((Hl7Outcome.Rejected) mapper.map(futureObx14)).errorCode()).isEqualTo(ErrorCode.FUTURE_TIMESTAMP);
    }

    @Test
    void shouldAcceptAStatusTimeWithinTheTolerance() {
        Hl7Mapper lenient =
                new Hl7Mapper(Hl7Settings.defaults(CLOCK).withFutureTolerance(java.time.Duration.ofDays(1)));
        String later = java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm")
                .withZone(java.time.ZoneOffset.UTC)
                .format(CLOCK.instant().plus(java.time.Duration.ofHours(2)));
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||P1\r"
                + "OBR|1||F1" + "|".repeat(19) + later + "\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r";

        assertThat(lenient.map(er7)).isInstanceOf(Hl7Outcome.Accepted.class);
        assertThat(mapper.map(er7)).isInstanceOf(Hl7Outcome.Rejected.class);
    }

    @Test
    void shouldRejectAsUndeserializableWhenTextIsNotHl7() {
        assertThat(mapper.map("{\"readingId\":\"R1\"}"))
                .isEqualTo(new Hl7Outcome.Rejected(
                        ErrorCode.UNDESERIALIZABLE,
                        "not an HL7 v2 message: it does not start with an MSH segment",
                        null));
        assertThat(mapper.map("")).isInstanceOf(Hl7Outcome.Rejected.class);
        assertThat(mapper.map((String) null)).isInstanceOf(Hl7Outcome.Rejected.class);
    }

    @Test
    void shouldRejectAsUnsupportedWhenMessageTypeIsNotMapped() {
        String er7 = "MSH|^~\\&|ADT|H|||202002020900||ADT^A08|X1|P|2.5.1\rEVN|A08\rPID|||" + SECRET_PATIENT + "\r";

        Hl7Outcome.Rejected rejected = (Hl7Outcome.Rejected) mapper.map(er7);

        assertThat(rejected.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_MESSAGE);
        assertThat(rejected.message()).contains("ADT^A08").doesNotContain(SECRET_PATIENT);
        assertThat(rejected.errSegmentLocation()).isEqualTo("MSH^1^9");
    }

    @Test
    void shouldRejectAsMissingFieldWhenPid3IsEmpty() {
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|1\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r";

        assertThat(mapper.map(er7))
                .isEqualTo(new Hl7Outcome.Rejected(
                        ErrorCode.MISSING_FIELD, "PID^1^3 (patient identifier) is missing", "PID^1^3"));
    }

    @Test
    void shouldRejectAsMissingFieldWhenNoOrderNumberIdentifiesTheResults() {
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||" + SECRET_PATIENT + "\rOBR|1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r";

        Hl7Outcome.Rejected rejected = (Hl7Outcome.Rejected) mapper.map(er7);

        assertThat(rejected.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(rejected.errSegmentLocation()).isEqualTo("OBR^1^3");
    }

    @Test
    void shouldRejectAsMissingFieldWhenOruHasNoObx() {
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||P1\rOBR|1||F1\r";

        assertThat(((Hl7Outcome.Rejected) mapper.map(er7)).errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
    }

    @Test
    void shouldRejectWithLocationWhenObservationTimeIsMalformed() {
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||" + SECRET_PATIENT + "\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F|||20200203\r"
                + "OBX|2|NM|1988-5^CRP^LN||3|mg/L|||||F|||2020020308xx\r";

        Hl7Outcome.Rejected rejected = (Hl7Outcome.Rejected) mapper.map(er7);

        assertThat(rejected.errorCode()).isEqualTo(ErrorCode.UNDESERIALIZABLE);
        assertThat(rejected.errSegmentLocation()).isEqualTo("OBX^1^14"); // a date alone is not precise enough
        assertThat(rejected.message()).doesNotContain(SECRET_PATIENT);
    }

    @Test
    void shouldRejectWithLocationWhenMonthIsOutOfRange() {
        String er7 = "MSH|^~\\&|L|H|||202002020900||ORU^R01|X1|P|2.5.1\rPID|||P1\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F|||202013030800\r";

        assertThat(((Hl7Outcome.Rejected) mapper.map(er7)).errSegmentLocation()).isEqualTo("OBX^1^14");
    }

    @Test
    void shouldRejectAsUndeserializableWhenMshIsTruncated() {
        Hl7Outcome outcome = mapper.map("MSH|^~\\&|L|H|||2020\r");

        assertThat(outcome).isInstanceOf(Hl7Outcome.Rejected.class);
    }
}
