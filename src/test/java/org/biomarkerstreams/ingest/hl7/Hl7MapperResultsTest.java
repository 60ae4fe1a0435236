package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.ingest.hl7.Hl7Fixtures.CLOCK;
import static org.biomarkerstreams.ingest.hl7.Hl7Fixtures.RECEIVED;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;
import org.junit.jupiter.api.Test;

class Hl7MapperResultsTest {

    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(CLOCK));

    @Test
    void shouldMapEveryObxWhenV251CarriesLoincSnValuesAndOffsets() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ORU_V251);

        long revisionTime = Instant.parse("2020-02-03T01:10:00Z").toEpochMilli(); // OBR-22
        assertThat(accepted.readings())
                .containsExactly(
                        new RawReading(
                                "LAB-1234|1988-5|",
                                revisionTime * 10 + 2,
                                "P-017",
                                "1988-5",
                                null,
                                "<0.5",
                                "mg/L",
                                Instant.parse("2020-02-03T00:15:00Z"),
                                ResultStatus.FINAL,
                                "0-10",
                                "N",
                                "hl7:WUHAN_UH_LAB",
                                RECEIVED),
                        new RawReading(
                                "LAB-1234|26881-3|1",
                                revisionTime * 10 + 2,
                                "P-017",
                                "26881-3",
                                null,
                                "12.5",
                                "pg/mL",
                                Instant.parse("2020-02-03T00:15:12Z"),
                                ResultStatus.FINAL,
                                "<7",
                                "H~HH",
                                "hl7:WUHAN_UH_LAB",
                                RECEIVED),
                        new RawReading(
                                "LAB-1234|731-0|",
                                revisionTime * 10 + 1,
                                "P-017",
                                "731-0",
                                null,
                                "0.62",
                                "10*9/L",
                                Instant.parse("2020-02-03T08:15:00Z"),
                                ResultStatus.PRELIMINARY,
                                "1.1-3.2",
                                "L",
                                "hl7:WUHAN_UH_LAB",
                                RECEIVED),
                        new RawReading(
                                "LAB-1234|48065-7|",
                                revisionTime * 10 + 2,
                                "P-017",
                                "48065-7",
                                null,
                                ">1000",
                                "ng/mL{FEU}",
                                Instant.parse("2020-02-03T00:00:00Z"), // no OBX-14: SPM-17
                                ResultStatus.FINAL,
                                "<500",
                                "H",
                                "hl7:WUHAN_UH_LAB",
                                RECEIVED));
        assertThat(accepted.events()).isEmpty();
        assertThat(accepted.skipped()).isEmpty();
    }

    @Test
    void shouldUseAlternateLoincAndLocalCodesWhenV23SendsLocalCodesWithoutSecondsOrOffset() {
        Hl7Mapper shanghai = new Hl7Mapper(Hl7Settings.defaults(CLOCK)
                .withSiteZone(ZoneId.of("Asia/Shanghai"))
                .withLocalCode("CRPL^L", "1988-5"));

        Hl7Outcome.Accepted accepted = accepted(shanghai, Hl7Fixtures.ORU_V23);

        long revision = Instant.parse("2020-02-03T23:30:00Z").toEpochMilli() * 10 + 2; // MSH-7, site zone
        Instant drawn = Instant.parse("2020-02-03T22:15:00Z");
        assertThat(accepted.readings())
                .containsExactly(
                        new RawReading(
                                "FL-5501|LYMA|1",
                                revision,
                                "556677",
                                "731-0",
                                null,
                                "0.8",
                                "10*9/L",
                                drawn,
                                ResultStatus.FINAL,
                                "1.1-3.2",
                                "L",
                                "hl7:CITYHOSP",
                                RECEIVED),
                        new RawReading(
                                "FL-5501|CRPL|",
                                revision,
                                "556677",
                                "1988-5",
                                null,
                                "45",
                                "mg/L",
                                drawn,
                                ResultStatus.FINAL,
                                "<10",
                                "H",
                                "hl7:CITYHOSP",
                                RECEIVED),
                        new RawReading(
                                "FL-5501|HSCRP|",
                                revision,
                                "556677",
                                null,
                                "HSCRP",
                                "3.1",
                                "mg/L",
                                drawn,
                                ResultStatus.FINAL,
                                null,
                                null,
                                "hl7:CITYHOSP",
                                RECEIVED));
    }

    @Test
    void shouldReadTimesInUtcWhenNoSiteZoneIsConfigured() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ORU_V23);

        assertThat(accepted.readings().get(0).observedAt()).isEqualTo(Instant.parse("2020-02-04T06:15:00Z"));
    }

    @Test
    void shouldSendUnmappedLocalCodeAsAnalyteWhenNoLoincIsKnown() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ORU_V23);

        assertThat(accepted.readings().get(1).loinc()).isNull();
        assertThat(accepted.readings().get(1).analyte()).isEqualTo("CRPL");
    }

    @Test
    void shouldDecodeCustomEscapesAndSkipNotDoneWhenV24UsesOtherEncodingCharacters() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ORU_V24);

        long sent = Instant.parse("2020-02-05T10:15:30Z").toEpochMilli(); // MSH-7, no OBR-22
        Instant ordered = Instant.parse("2020-02-05T09:00:00Z"); // OBR-7
        assertThat(accepted.readings())
                .containsExactly(
                        new RawReading(
                                "F-3003|1988-5|",
                                sent * 10 + 3,
                                "99887766",
                                "1988-5",
                                null,
                                "15.2",
                                "mg/dL",
                                ordered,
                                ResultStatus.CORRECTED,
                                null,
                                "H~A",
                                "hl7:ST&MARY",
                                RECEIVED),
                        new RawReading(
                                "F-3003|731-0|",
                                sent * 10 + 2,
                                "99887766",
                                "731-0",
                                null,
                                "see comment|hemolysed",
                                "10^9/L",
                                ordered,
                                ResultStatus.FINAL,
                                "1.1-3.2",
                                null,
                                "hl7:ST&MARY",
                                RECEIVED),
                        new RawReading(
                                "F-3003|48066-5|",
                                sent * 10 + 2,
                                "99887766",
                                "48066-5",
                                null,
                                "310",
                                "ng/mL",
                                ordered,
                                ResultStatus.FINAL,
                                null,
                                null,
                                "hl7:ST&MARY",
                                RECEIVED));
        assertThat(accepted.skipped())
                .containsExactly(new Hl7Outcome.Skipped("OBX^2^11", Hl7Outcome.SkipReason.NOT_DONE, "result status X"));
        assertThat(accepted.notDone()).isEqualTo(1);
    }

    @Test
    void shouldGiveCorrectionHigherRevisionAndSameIdWhenSentAfterFinal() {
        String fin = message("20200203091500", "F", "12.5");
        String corrected = message("20200203101500", "C", "13.5");

        RawReading first = single(mapper.map(fin));
        RawReading second = single(mapper.map(corrected));

        assertThat(second.readingId()).isEqualTo(first.readingId());
        assertThat(second.revision()).isGreaterThan(first.revision());
        assertThat(second.status()).isEqualTo(ResultStatus.CORRECTED);
    }

    @Test
    void shouldGiveCorrectionHigherRevisionWhenBothCarryTheSameTime() {
        RawReading fin = single(mapper.map(message("20200203091500", "F", "12.5")));
        RawReading corrected = single(mapper.map(message("20200203091500", "C", "13.5")));
        RawReading deleted = single(mapper.map(message("20200203091500", "D", "")));

        assertThat(corrected.revision()).isGreaterThan(fin.revision());
        assertThat(deleted.revision()).isGreaterThan(corrected.revision());
        assertThat(deleted.status()).isEqualTo(ResultStatus.DELETED);
        assertThat(deleted.value()).isNull();
    }

    @Test
    void shouldGiveSameReadingWhenMessageIsResent() {
        String fixture = Hl7Fixtures.read(Hl7Fixtures.ORU_V251);

        assertThat(mapper.map(fixture)).isEqualTo(mapper.map(fixture));
    }

    @Test
    void shouldMapWrongPatientStatusToDeletedWhenObx11IsW() {
        assertThat(single(mapper.map(message("20200203091500", "W", "12.5"))).status())
                .isEqualTo(ResultStatus.DELETED);
    }

    @Test
    void shouldDecodeDefaultEscapesWhenTextFieldsCarryThem() {
        String er7 = "MSH|^~\\&|LIS|LAB \\T\\ PATH|||20200203091500||ORU^R01|M1|P|2.5.1\r"
                + "PID|||P1\r"
                + "OBR|1||F1\r"
                + "OBX|1|ST|731-0^Lymph^LN||a\\F\\b\\S\\c\\R\\d\\E\\e|10\\S\\9/L|||||F|||202002030800\r";

        RawReading reading = single(mapper.map(er7));

        assertThat(reading.value()).isEqualTo("a|b^c~d\\e");
        assertThat(reading.unit()).isEqualTo("10^9/L");
        assertThat(reading.source()).isEqualTo("hl7:LAB & PATH");
    }

    @Test
    void shouldKeepRangeAsTextWhenSnIsARange() {
        String er7 = message("20200203091500", "F", "^1^-^5").replace("|NM|", "|SN|");

        assertThat(single(mapper.map(er7)).value()).isEqualTo("1-5");
    }

    @Test
    void shouldUsePlacerOrderNumberWhenFillerIsMissing() {
        String er7 = "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|M1|P|2.5.1\rPID|||P1\rOBR|1|PLC-9\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F|||202002030800\r";

        assertThat(single(mapper.map(er7)).readingId()).isEqualTo("PLC-9|1988-5|");
    }

    @Test
    void shouldPassNullTimeWhenNoObservationTimeIsSent() {
        String er7 = "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|M1|P|2.5.1\rPID|||P1\rOBR|1||F1\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r";

        assertThat(single(mapper.map(er7)).observedAt()).isNull();
    }

    @Test
    void shouldMapParsedMessageOfAnotherVersionModel() throws Exception {
        ca.uhn.hl7v2.model.Message v23 = new ca.uhn.hl7v2.DefaultHapiContext()
                .getPipeParser()
                .parse(Hl7Fixtures.read(Hl7Fixtures.ORU_V23).replace("\r\n", "\r"));

        assertThat(mapper.map(v23)).isEqualTo(mapper.map(Hl7Fixtures.read(Hl7Fixtures.ORU_V23)));
    }

    static Hl7Outcome.Accepted accepted(Hl7Mapper mapper, String fixture) {
        Hl7Outcome outcome = mapper.map(Hl7Fixtures.read(fixture));
        assertThat(outcome).isInstanceOf(Hl7Outcome.Accepted.class);
        return (Hl7Outcome.Accepted) outcome;
    }

    private static RawReading single(Hl7Outcome outcome) {
        assertThat(outcome).isInstanceOf(Hl7Outcome.Accepted.class);
        List<RawReading> readings = ((Hl7Outcome.Accepted) outcome).readings();
        assertThat(readings).hasSize(1);
        return readings.get(0);
    }

    private static String message(String statusTime, String status, String value) {
        return "MSH|^~\\&|LIS|LAB|||" + statusTime + "||ORU^R01|M-" + statusTime + status + "|P|2.5.1\r"
                + "PID|||P1^^^H\r"
                + "OBR|1||F1||||202002030800|||||||||||||||" + statusTime + "\r"
                + "OBX|1|NM|1988-5^CRP^LN||" + value + "|mg/L|||||" + status + "|||202002030800\r";
    }
}
