package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.ingest.hl7.Hl7Fixtures.CLOCK;

import java.util.List;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.junit.jupiter.api.Test;

/**
 * The patient key of real HL7 messages by {@code --patient-id-rule}: PID-3 parsed by HAPI (repetitions, components,
 * subcomponents, escape sequences, custom encoding characters), then the rule.
 */
class Hl7MapperPatientIdTest {

    /** The v2.5.1 fixture's PID-3: {@code P-017^^^WUHAN_UH^MR~88123^^^NATIONAL^NI}. */
    @Test
    void shouldKeyTheFixtureByEachRule() {
        assertThat(keys("bare", Hl7Fixtures.read(Hl7Fixtures.ORU_V251))).containsOnly("P-017");
        assertThat(keys("id-authority", Hl7Fixtures.read(Hl7Fixtures.ORU_V251))).containsOnly("P-017^WUHAN_UH");
        assertThat(keys("type:NI", Hl7Fixtures.read(Hl7Fixtures.ORU_V251))).containsOnly("88123");
        assertThat(keys("authority:NATIONAL", Hl7Fixtures.read(Hl7Fixtures.ORU_V251)))
                .containsOnly("88123");
        assertThat(keys("type:MR@WUHAN_UH", Hl7Fixtures.read(Hl7Fixtures.ORU_V251)))
                .containsOnly("P-017");
    }

    @Test
    void shouldDeadLetterAsNoMatchingPatientIdAtPid3WhenNoRepetitionMatches() {
        Hl7Outcome outcome = mapper("type:MR@OTHER_HOSPITAL").map(Hl7Fixtures.read(Hl7Fixtures.ORU_V251));

        assertThat(outcome).isInstanceOf(Hl7Outcome.Rejected.class);
        Hl7Outcome.Rejected rejected = (Hl7Outcome.Rejected) outcome;
        assertThat(rejected.errorCode()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(rejected.errSegmentLocation()).isEqualTo("PID^1^3");
        assertThat(rejected.message())
                .contains("type MR and authority WUHAN_UH", "type NI and authority NATIONAL", "type:MR@OTHER_HOSPITAL")
                .doesNotContain("P-017")
                .doesNotContain("88123");
    }

    @Test
    void shouldKeyEventsOfEveryMessageTypeByTheSameRule() {
        for (String fixture : List.of(Hl7Fixtures.RAS, Hl7Fixtures.ADT_A01, Hl7Fixtures.ADT_A03_DISCHARGED)) {
            Hl7Outcome.Accepted bare = (Hl7Outcome.Accepted) mapper("bare").map(Hl7Fixtures.read(fixture));
            Hl7Outcome.Accepted qualified =
                    (Hl7Outcome.Accepted) mapper("id-authority").map(Hl7Fixtures.read(fixture));
            assertThat(bare.events())
                    .as(fixture)
                    .extracting(RawClinicalEvent::patientId)
                    .containsOnly("P-017");
            assertThat(qualified.events())
                    .as(fixture)
                    .extracting(RawClinicalEvent::patientId)
                    .containsOnly("P-017^WUHAN_UH");
            Hl7Outcome missing = mapper("type:NI").map(Hl7Fixtures.read(fixture));
            assertThat(((Hl7Outcome.Rejected) missing).errorCode())
                    .as(fixture)
                    .isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        }
    }

    @Test
    void shouldDecodeEscapeSequencesInIdAndAuthorityBeforeTheRuleSeesThem() {
        String er7 = oru("12\\T\\34^^^ST\\S\\MARY^MR~X\\F\\1^^^NAT^NI");

        assertThat(keys("bare", er7)).containsOnly("12&34");
        assertThat(keys("id-authority", er7)).containsOnly("12&34^ST^MARY");
        assertThat(keys("authority:ST^MARY", er7)).containsOnly("12&34");
        assertThat(keys("type:NI", er7)).containsOnly("X|1");
    }

    @Test
    void shouldMatchAnAuthoritySentOnlyAsAUniversalIdInItsSubcomponents() {
        String er7 = oru("P9^^^&2.16.840.1.113883.19.5&ISO^MR");

        assertThat(keys("id-authority", er7)).containsOnly("P9^2.16.840.1.113883.19.5");
        assertThat(keys("authority:2.16.840.1.113883.19.5", er7)).containsOnly("P9");
        assertThat(keys("type:MR@2.16.840.1.113883.19.5", er7)).containsOnly("P9");
    }

    @Test
    void shouldReadRepetitionsAndEscapesWithTheMessagesOwnEncodingCharacters() {
        // MSH-2 ^!#& : repetition '!', escape '#'
        String er7 = "MSH|^!#&|LABSYS|LAB|||20200205101530||ORU^R01|LS-1|P|2.4\r"
                + "PID|||12#T#34^^^HOSP^MR!S-9^^^TRIAL^RI\r"
                + "OBR|1||F-1|PANEL^Panel^L|||20200205090000\r"
                + "OBX|1|NM|1988-5^CRP^LN||15.2|mg/L|||||F\r";

        assertThat(keys("bare", er7)).containsOnly("12&34");
        assertThat(keys("type:RI@TRIAL", er7)).containsOnly("S-9");
    }

    @Test
    void shouldSkipAnEmptyFirstRepetitionButRejectAFirstIdentifierWithoutAnId() {
        String emptyFirst = oru("~P2^^^HOSP^MR");
        String idless = oru("^^^HOSP^MR~P2^^^NAT^NI");

        assertThat(keys("bare", emptyFirst)).containsOnly("P2");
        Hl7Outcome.Rejected missing = (Hl7Outcome.Rejected) mapper("bare").map(idless);
        assertThat(missing.errorCode()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(missing.errSegmentLocation()).isEqualTo("PID^1^3");
        assertThat(keys("type:NI", idless)).containsOnly("P2");
        Hl7Outcome.Rejected idlessMatch =
                (Hl7Outcome.Rejected) mapper("type:MR").map(idless);
        assertThat(idlessMatch.errorCode()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(idlessMatch.message()).contains("type MR and authority HOSP without an id");
    }

    @Test
    void shouldKeyAV23MessageWithOnlyAnAuthority() {
        String v23 = Hl7Fixtures.read(Hl7Fixtures.ORU_V23);

        assertThat(keys("bare", v23)).containsOnly("556677");
        assertThat(keys("id-authority", v23)).containsOnly("556677^CITYHOSP");
        assertThat(keys("authority:CITYHOSP", v23)).containsOnly("556677");
    }

    @Test
    void shouldKeyEachPatientOfAMessageWithSeveralPatientsByItsOwnPid() {
        String er7 = "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|M-2|P|2.5.1\r"
                + "PID|1||A1^^^HOSP^MR~S-1^^^TRIAL^RI\r"
                + "OBR|1||F-1|1988-5^CRP^LN|||202002030800\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r"
                + "PID|2||A2^^^HOSP^MR~S-2^^^TRIAL^RI\r"
                + "OBR|1||F-2|1988-5^CRP^LN|||202002030800\r"
                + "OBX|1|NM|1988-5^CRP^LN||4|mg/L|||||F\r";

        assertThat(keys("type:RI", er7)).containsExactly("S-1", "S-2");
    }

    private static Hl7Mapper mapper(String rule) {
        return new Hl7Mapper(Hl7Settings.defaults(CLOCK).withPatientIdRule(PatientIdRule.parse(rule)));
    }

    private static List<String> keys(String rule, String er7) {
        Hl7Outcome outcome = mapper(rule).map(er7);
        assertThat(outcome).as(rule).isInstanceOf(Hl7Outcome.Accepted.class);
        return ((Hl7Outcome.Accepted) outcome)
                .readings().stream().map(RawReading::patientId).toList();
    }

    private static String oru(String pid3) {
        return "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|M-1|P|2.5.1\r"
                + "PID|1||" + pid3 + "\r"
                + "OBR|1||F-1|1988-5^CRP^LN|||202002030800\r"
                + "OBX|1|NM|1988-5^CRP^LN||3|mg/L|||||F\r";
    }
}
