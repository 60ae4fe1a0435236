package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.ingest.hl7.Hl7Fixtures.CLOCK;
import static org.biomarkerstreams.ingest.hl7.Hl7MapperResultsTest.accepted;

import java.time.Instant;
import java.util.Map;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.junit.jupiter.api.Test;

class Hl7MapperEventsTest {

    private final Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(CLOCK));

    @Test
    void shouldMapAdministeredRxaToInfusionAndSkipNotAdministeredWhenRasO17() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.RAS);

        assertThat(accepted.events())
                .containsExactly(new RawClinicalEvent(
                        "INFUSION|PF-1|0|1",
                        Instant.parse("2020-02-03T03:00:00Z").toEpochMilli(),
                        "P-017",
                        EventType.INFUSION,
                        Instant.parse("2020-02-03T02:00:00Z"),
                        null,
                        Map.of(),
                        "2 10*6{cells}/kg",
                        "UC-MSC & saline",
                        false,
                        "hl7:WUHAN_UH"));
        assertThat(accepted.skipped())
                .containsExactly(new Hl7Outcome.Skipped(
                        "RXA^2^20", Hl7Outcome.SkipReason.NOT_ADMINISTERED, "completion status NA"));
        assertThat(accepted.readings()).isEmpty();
    }

    @Test
    void shouldRetractInfusionWhenRxaActionCodeIsDelete() {
        String er7 = Hl7Fixtures.read(Hl7Fixtures.RAS).replace("|CP|A", "|CP|D");

        RawClinicalEvent event =
                ((Hl7Outcome.Accepted) mapper.map(er7)).events().get(0);

        assertThat(event.enteredInError()).isTrue();
        assertThat(event.eventId()).isEqualTo("INFUSION|PF-1|0|1");
    }

    @Test
    void shouldMapAdmissionToEnrolledWithArmFromObxWhenAdtA01() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ADT_A01);

        assertThat(accepted.events())
                .containsExactly(new RawClinicalEvent(
                        "ENROLLED|visit:V-100",
                        Instant.parse("2020-02-02T01:00:00Z").toEpochMilli(),
                        "P-017",
                        EventType.ENROLLED,
                        Instant.parse("2020-02-02T00:30:00Z"),
                        "MSC",
                        Map.of(),
                        null,
                        null,
                        false,
                        "hl7:WUHAN_UH"));
    }

    @Test
    void shouldReadArmFromConfiguredFieldWhenArmFieldIsPv118() {
        Hl7Mapper pv118 = new Hl7Mapper(Hl7Settings.defaults(CLOCK).withArmField("PV1-18"));

        assertThat(accepted(pv118, Hl7Fixtures.ADT_A01).events().get(0).arm()).isEqualTo("TRIAL");
    }

    @Test
    void shouldCarryStrataLabelsWhenAdtHasStratumObservations() {
        String er7 = "MSH|^~\\&|ADT|H|||202002020900||ADT^A04|A4-2|P|2.5.1\r"
                + "EVN|A04|202002020855\r"
                + "PID|||P-9\r"
                + "PV1|1|O\r"
                + "OBX|1|ST|ARM^Arm^L||UC-MSC||||||F\r"
                + "OBX|2|ST|severity^Severity^STRATUM||critical||||||F\r"
                + "OBX|3|ST|ageBand^Age band^STRATUM||>65||||||F\r"
                + "OBX|4|ST|NOTE^Note^L||not a stratum||||||F\r";

        RawClinicalEvent event =
                ((Hl7Outcome.Accepted) mapper.map(er7)).events().get(0);

        assertThat(event.arm()).isEqualTo("UC-MSC");
        assertThat(event.strata()).containsExactly(Map.entry("ageBand", ">65"), Map.entry("severity", "critical"));
    }

    @Test
    void shouldMapRegistrationToEnrolledWhenAdtA04InV23() {
        String er7 = "MSH|^~\\&|ADT|H|||202002020900||ADT^A04|A4-1|P|2.3\r"
                + "EVN|A04|202002020855\r"
                + "PID|||P-9\r"
                + "PV1|1|O\r"
                + "OBX|1|ST|ARM^Arm^L||CONTROL||||||F\r";

        RawClinicalEvent event =
                ((Hl7Outcome.Accepted) mapper.map(er7)).events().get(0);

        assertThat(event.type()).isEqualTo(EventType.ENROLLED);
        assertThat(event.eventId()).isEqualTo("ENROLLED|msg:A4-1");
        assertThat(event.at()).isEqualTo(Instant.parse("2020-02-02T08:55:00Z")); // EVN-2, no PV1-44
        assertThat(event.arm()).isEqualTo("CONTROL");
        assertThat(event.patientId()).isEqualTo("P-9");
    }

    @Test
    void shouldMapDischargeWhenAdtA03HasNoDeath() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ADT_A03_DISCHARGED);

        assertThat(accepted.events())
                .containsExactly(new RawClinicalEvent(
                        "DISCHARGED|visit:V-100",
                        Instant.parse("2020-02-20T07:00:00Z").toEpochMilli(),
                        "P-017",
                        EventType.DISCHARGED,
                        Instant.parse("2020-02-20T06:00:00Z"),
                        null,
                        Map.of(),
                        null,
                        null,
                        false,
                        "hl7:WUHAN_UH"));
    }

    @Test
    void shouldMapDeathAtDeathTimeWhenAdtA03SaysDied() {
        Hl7Outcome.Accepted accepted = accepted(mapper, Hl7Fixtures.ADT_A03_DIED);

        assertThat(accepted.events())
                .containsExactly(new RawClinicalEvent(
                        "DIED|visit:V-121",
                        Instant.parse("2020-02-16T01:00:00Z").toEpochMilli(),
                        "P-021",
                        EventType.DIED,
                        Instant.parse("2020-02-14T19:15:00Z"),
                        null,
                        Map.of(),
                        null,
                        null,
                        false,
                        "hl7:WUHAN_UH"));
    }

    @Test
    void shouldMapDeathWhenOnlyDischargeDispositionSaysExpired() {
        String er7 = Hl7Fixtures.read(Hl7Fixtures.ADT_A03_DIED)
                .replace("|20200215031500+0800|Y", "||")
                .replace("|20|", "|EXP|");

        RawClinicalEvent event =
                ((Hl7Outcome.Accepted) mapper.map(er7)).events().get(0);

        assertThat(event.type()).isEqualTo(EventType.DIED);
        assertThat(event.at()).isEqualTo(Instant.parse("2020-02-14T20:00:00Z")); // PV1-45
    }

    @Test
    void shouldFallBackToEventTimeWhenDischargeTimeIsMissing() {
        String er7 = Hl7Fixtures.read(Hl7Fixtures.ADT_A03_DISCHARGED).replace("|20200220140000+0800", "|");

        RawClinicalEvent event =
                ((Hl7Outcome.Accepted) mapper.map(er7)).events().get(0);

        assertThat(event.at()).isEqualTo(Instant.parse("2020-02-20T06:55:00Z")); // EVN-2
    }

    @Test
    void shouldGiveSameEventWhenMessageIsResent() {
        String fixture = Hl7Fixtures.read(Hl7Fixtures.RAS);

        assertThat(mapper.map(fixture)).isEqualTo(mapper.map(fixture));
    }
}
