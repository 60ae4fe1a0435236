package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvRecordsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldReadTheSameReadingsAsTheEquivalentNdjson() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("r.csv"),
                String.join(
                        "\n",
                        "readingId,patientId,loinc,analyte,value,unit,observedAt,status,revision",
                        "R1,P1,1988-5,,\"<0.5\",mg/dL,2020-02-03T08:15:00+08:00,FINAL,0",
                        "R2,P1,,LYMPH,1250,cells/uL,2020-02-04T08:15:00Z,CORRECTED,2",
                        "",
                        "# a comment",
                        "R3,P2,,CRP,12,mg/L,2020-02-05T08:15:00Z,,"));
        Path ndjson = Files.writeString(
                dir.resolve("r.ndjson"),
                String.join(
                        "\n",
                        "{\"readingId\":\"R1\",\"patientId\":\"P1\",\"loinc\":\"1988-5\",\"value\":\"<0.5\",\"unit\":\"mg/dL\","
                                + "\"observedAt\":\"2020-02-03T08:15:00+08:00\",\"status\":\"FINAL\",\"revision\":0}",
                        "{\"readingId\":\"R2\",\"patientId\":\"P1\",\"analyte\":\"LYMPH\",\"value\":\"1250\",\"unit\":\"cells/uL\","
                                + "\"observedAt\":\"2020-02-04T08:15:00Z\",\"status\":\"CORRECTED\",\"revision\":2}",
                        "{\"readingId\":\"R3\",\"patientId\":\"P2\",\"analyte\":\"CRP\",\"value\":\"12\",\"unit\":\"mg/L\","
                                + "\"observedAt\":\"2020-02-05T08:15:00Z\"}"));

        assertThat(readings(csv)).hasSize(3).isEqualTo(readings(ndjson));
    }

    @Test
    void shouldReadEventsWithStrataAndRetraction() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("e.csv"),
                String.join(
                        "\n",
                        "eventId,patientId,type,at,arm,strata,dose,product,revision,enteredInError",
                        "E1,P1,RANDOMIZED,2020-02-02T09:00:00Z,MSC,severity=severe;ageBand=40-59,,,0,false",
                        "E2,P1,INFUSION,2020-02-03T10:00:00Z,,,2x10^6 cells/kg,UC-MSC,1,true"));
        List<RawClinicalEvent> events = new ArrayList<>();
        FileReplay.Counts counts = FileReplay.events(csv, events::add, line -> {});

        assertThat(counts).isEqualTo(new FileReplay.Counts(2, 0, 0));
        assertThat(events.get(0).strata()).containsEntry("severity", "severe").containsEntry("ageBand", "40-59");
        assertThat(events.get(1).enteredInError()).isTrue();
        assertThat(events.get(1).revision()).isEqualTo(1);
        assertThat(events.get(1).dose()).isEqualTo("2x10^6 cells/kg");
    }

    @Test
    void shouldKeyReadingsByThePatientIdRuleWithTheAuthorityAndTypeColumns() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("keyed.csv"),
                String.join(
                        "\n",
                        "readingId,patientId,patientIdAuthority,patientIdType,analyte,value,unit,observedAt",
                        "R1,P1,HOSP,MR,CRP,12,mg/L,2020-02-05T08:15:00Z",
                        "R2,P2,,,CRP,12,mg/L,2020-02-05T08:15:00Z",
                        "R3,P3,CLINIC,MR,CRP,12,mg/L,2020-02-05T08:15:00Z"));
        List<RawReading> byIdAuthority = new ArrayList<>();
        List<RawReading> byHosp = new ArrayList<>();
        List<FileReplay.LineRejection> rejected = new ArrayList<>();

        FileReplay.readings(csv, CLOCK, PatientIdRule.ID_AUTHORITY, byIdAuthority::add, line -> {}, rejected::add);
        FileReplay.Counts counts = FileReplay.readings(
                csv, CLOCK, PatientIdRule.parse("type:MR@HOSP"), byHosp::add, line -> {}, rejected::add);

        assertThat(byIdAuthority).extracting(RawReading::patientId).containsExactly("P1^HOSP", "P2", "P3^CLINIC");
        assertThat(byHosp).extracting(RawReading::patientId).containsExactly("P1", "P2");
        assertThat(counts).isEqualTo(new FileReplay.Counts(2, 0, 1));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
            assertThat(r.message()).startsWith("line 4: ").contains("authority CLINIC");
            assertThat(r.line()).startsWith("R3,P3,CLINIC");
        });
    }

    @Test
    void shouldPassMalformedRowsOnAsRawTextForTheDeadLetterTopic() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("bad.csv"),
                String.join(
                        "\n",
                        "readingId,patientId,analyte,value,unit,observedAt,revision",
                        "R1,P1,CRP,12,mg/L,2020-02-05T08:15:00Z,not-a-number",
                        "R2,P1,CRP,12,mg/L,2020-02-05T08:15:00Z,0,extra-cell",
                        "R3,P1,CRP,\"unbalanced,mg/L,2020-02-05T08:15:00Z,0",
                        "R4,P1,CRP,12,mg/L,yesterday,0",
                        "R5,P1,CRP,12,mg/L,2020-02-05T08:15:00Z,0"));
        List<String> malformed = new ArrayList<>();
        List<RawReading> ok = new ArrayList<>();

        FileReplay.Counts counts = FileReplay.readings(csv, CLOCK, ok::add, malformed::add);

        assertThat(counts).isEqualTo(new FileReplay.Counts(1, 4, 0));
        assertThat(malformed).allSatisfy(line -> assertThat(line).startsWith("R"));
        assertThat(ok).extracting(RawReading::readingId).containsExactly("R5");
    }

    @Test
    void shouldRejectHeaderWithEmptyColumnName() {
        assertThatThrownBy(() -> CsvRecords.header("readingId,,value")).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<RawReading> readings(Path file) throws Exception {
        List<RawReading> list = new ArrayList<>();
        FileReplay.readings(file, CLOCK, list::add, line -> {
            throw new AssertionError("unexpected malformed line: " + line);
        });
        return list;
    }
}
