package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatientIdRuleTest {

    private static final String SECRET = "MRN-SECRET-4711";

    private static final PatientIdentifier MRN = new PatientIdentifier(SECRET, "MR", "HOSP", null);
    private static final PatientIdentifier NATIONAL = new PatientIdentifier("880101-1234", "NI", "NATIONAL", null);
    private static final PatientIdentifier OID_MRN =
            new PatientIdentifier("MRN-77", "MR", null, "2.16.840.1.113883.19.5");
    private static final PatientIdentifier SUBJECT = new PatientIdentifier("S-017", "RI", "TRIAL", null);

    // ------------------------------------------------------------------ parsing

    @Test
    void shouldReadEveryFormOfTheSyntaxWhenParsed() {
        assertThat(PatientIdRule.parse("bare")).isEqualTo(PatientIdRule.BARE);
        assertThat(PatientIdRule.parse("id-authority")).isEqualTo(PatientIdRule.ID_AUTHORITY);
        assertThat(PatientIdRule.parse("type:MR")).isEqualTo(PatientIdRule.select("MR", null));
        assertThat(PatientIdRule.parse("type:MR@HOSP")).isEqualTo(PatientIdRule.select("MR", "HOSP"));
        assertThat(PatientIdRule.parse("authority:HOSP")).isEqualTo(PatientIdRule.select(null, "HOSP"));
        assertThat(PatientIdRule.parse("authority:2.16.840.1.113883.19.5").authority())
                .isEqualTo("2.16.840.1.113883.19.5");
    }

    @Test
    void shouldReadKeywordsInAnyCaseAndKeepValuesAsWrittenWhenParsed() {
        assertThat(PatientIdRule.parse("  BARE ")).isEqualTo(PatientIdRule.BARE);
        assertThat(PatientIdRule.parse("Id-Authority")).isEqualTo(PatientIdRule.ID_AUTHORITY);
        PatientIdRule rule = PatientIdRule.parse("TYPE:mr@St Mary");
        assertThat(rule.kind()).isEqualTo(PatientIdRule.Kind.SELECT);
        assertThat(rule.type()).isEqualTo("mr");
        assertThat(rule.authority()).isEqualTo("St Mary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bare", "id-authority", "type:MR", "type:MR@HOSP", "authority:HOSP", "type:PI@1.2.3"})
    void shouldParseWhatItWritesWhenPrinted(String text) {
        assertThat(PatientIdRule.parse(text).toString()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "first", "type:", "type:@HOSP", "type:MR@", "authority:", "authority: ", "mr"})
    void shouldNameTheSyntaxWhenTheRuleIsNotOne(String text) {
        assertThatThrownBy(() -> PatientIdRule.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a patient id rule")
                .hasMessageContaining(PatientIdRule.SYNTAX);
    }

    // ------------------------------------------------------------------ several identifiers (HL7 PID-3)

    @Test
    void shouldKeyByTheFirstIdentifiersBareIdWhenRuleIsBare() {
        assertThat(PatientIdRule.BARE.keyOf(List.of(MRN, NATIONAL), "PID-3").value())
                .isEqualTo(SECRET);
    }

    @Test
    void shouldKeyByIdAndAuthorityWhenRuleIsIdAuthority() {
        assertThat(PatientIdRule.ID_AUTHORITY
                        .keyOf(List.of(MRN, NATIONAL), "PID-3")
                        .value())
                .isEqualTo(SECRET + "^HOSP");
    }

    @Test
    void shouldWriteTheUniversalIdWhenTheAuthorityHasNoNamespaceId() {
        assertThat(PatientIdRule.ID_AUTHORITY.keyOf(List.of(OID_MRN), "PID-3").value())
                .isEqualTo("MRN-77^2.16.840.1.113883.19.5");
    }

    @Test
    void shouldKeyByTheIdAloneWhenTheIdentifierHasNoAuthority() {
        assertThat(PatientIdRule.ID_AUTHORITY
                        .keyOf(List.of(PatientIdentifier.of("P1")), "PID-3")
                        .value())
                .isEqualTo("P1");
    }

    @Test
    void shouldSkipEntirelyEmptyRepetitionsWhenTakingTheFirst() {
        PatientIdentifier empty = new PatientIdentifier(null, null, null, null);

        assertThat(PatientIdRule.BARE.keyOf(List.of(empty, NATIONAL), "PID-3").value())
                .isEqualTo("880101-1234");
    }

    @Test
    void shouldRejectAsMissingFieldWhenTheFirstIdentifierHasNoIdOrThereIsNone() {
        PatientIdentifier authorityOnly = new PatientIdentifier(" ", "MR", "HOSP", null);

        Result<String> noId = PatientIdRule.BARE.keyOf(List.of(authorityOnly, NATIONAL), "PID-3");
        Result<String> none = PatientIdRule.ID_AUTHORITY.keyOf(List.of(), "PID-3");

        assertThat(noId.rejection().code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(none.rejection().code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(none.rejection().message()).contains("PID-3");
    }

    @Test
    void shouldKeyByTheIdentifierOfTheTypeWhenItIsNotTheFirst() {
        PatientIdRule rule = PatientIdRule.parse("type:RI");

        assertThat(rule.keyOf(List.of(MRN, NATIONAL, SUBJECT), "PID-3").value()).isEqualTo("S-017");
    }

    @Test
    void shouldTakeTheFirstOfTheTypeAssignedByTheAuthorityWhenSeveralHaveTheType() {
        PatientIdentifier otherMrn = new PatientIdentifier("MRN-9", "MR", "CLINIC", null);

        assertThat(PatientIdRule.parse("type:MR")
                        .keyOf(List.of(otherMrn, MRN), "PID-3")
                        .value())
                .isEqualTo("MRN-9");
        assertThat(PatientIdRule.parse("type:MR@HOSP")
                        .keyOf(List.of(otherMrn, MRN), "PID-3")
                        .value())
                .isEqualTo(SECRET);
    }

    @Test
    void shouldMatchTheAuthorityByNamespaceOrUniversalIdInAnyCase() {
        assertThat(PatientIdRule.parse("authority:hosp")
                        .keyOf(List.of(NATIONAL, MRN), "PID-3")
                        .value())
                .isEqualTo(SECRET);
        assertThat(PatientIdRule.parse("type:mr@2.16.840.1.113883.19.5")
                        .keyOf(List.of(MRN, OID_MRN), "PID-3")
                        .value())
                .isEqualTo("MRN-77");
    }

    @Test
    void shouldSkipAMatchingIdentifierWithoutAnIdWhenSelecting() {
        PatientIdentifier emptyMrn = new PatientIdentifier(null, "MR", "HOSP", null);
        PatientIdentifier secondMrn = new PatientIdentifier("MRN-2", "MR", "HOSP", null);

        assertThat(PatientIdRule.parse("type:MR")
                        .keyOf(List.of(emptyMrn, secondMrn), "PID-3")
                        .value())
                .isEqualTo("MRN-2");
    }

    @Test
    void shouldRejectAsNoMatchingPatientIdNamingWhatItSawButNoIdWhenNoIdentifierMatches() {
        Result<String> key = PatientIdRule.parse("type:MR@CITY").keyOf(List.of(MRN, NATIONAL), "PID-3");

        assertThat(key.rejection().code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(key.rejection().message())
                .contains("of type MR assigned by CITY")
                .contains("PID-3")
                .contains("type MR and authority HOSP")
                .contains("type NI and authority NATIONAL")
                .contains("type:MR@CITY")
                .doesNotContain(SECRET)
                .doesNotContain("880101");
    }

    @Test
    void shouldRejectAsNoMatchingPatientIdWhenTheIdentifierHasNoTypeAtAll() {
        Result<String> key = PatientIdRule.parse("type:MR").keyOf(List.of(PatientIdentifier.of("P1")), "PID-3");

        assertThat(key.rejection().code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(key.rejection().message()).contains("no type and no authority");
    }

    // ------------------------------------------------------------------ one identifier (NDJSON, CSV)

    @Test
    void shouldKeyASoleIdentifierAsSentWhenRuleIsBare() {
        assertThat(PatientIdRule.BARE.keyOfSole(MRN).value()).isEqualTo(SECRET);
        assertThat(PatientIdRule.BARE.keyOfSole(PatientIdentifier.of(" P 1 ")).value())
                .isEqualTo(" P 1 ");
    }

    @Test
    void shouldKeyASoleIdentifierWithItsAuthorityLikeHl7WhenRuleIsIdAuthority() {
        List<PatientIdentifier> pid3 = List.of(MRN);

        assertThat(PatientIdRule.ID_AUTHORITY.keyOfSole(MRN).value())
                .isEqualTo(SECRET + "^HOSP")
                .isEqualTo(PatientIdRule.ID_AUTHORITY.keyOf(pid3, "PID-3").value());
        assertThat(PatientIdRule.ID_AUTHORITY
                        .keyOfSole(PatientIdentifier.of("P1"))
                        .value())
                .isEqualTo("P1");
    }

    @Test
    void shouldTakeASoleIdentifierThatStatesNoTypeOrAuthorityAsTheSelectedOne() {
        assertThat(PatientIdRule.parse("type:MR@HOSP")
                        .keyOfSole(PatientIdentifier.of("P1"))
                        .value())
                .isEqualTo("P1");
        assertThat(PatientIdRule.parse("type:MR@HOSP").keyOfSole(new PatientIdentifier("P1", "mr", null, null)))
                .extracting(Result::value)
                .isEqualTo("P1");
    }

    @Test
    void shouldRejectASoleIdentifierThatStatesAnotherTypeOrAuthority() {
        Result<String> otherType = PatientIdRule.parse("type:MR").keyOfSole(NATIONAL);
        Result<String> otherAuthority = PatientIdRule.parse("authority:CITY").keyOfSole(MRN);

        assertThat(otherType.rejection().code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(otherType.rejection().message()).contains("type NI").doesNotContain("880101");
        assertThat(otherAuthority.rejection().code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
        assertThat(otherAuthority.rejection().message())
                .contains("authority HOSP")
                .doesNotContain(SECRET);
    }
}
