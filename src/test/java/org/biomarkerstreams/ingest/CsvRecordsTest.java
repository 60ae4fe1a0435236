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
        FileReplay.Counts counts = FileReplay.events(csv, events::add, line -> {
            throw new AssertionError("unexpected refused line: " + line.message());
        });

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

        FileReplay.readings(csv, CLOCK, PatientIdRule.ID_AUTHORITY, byIdAuthority::add, rejected::add, bytes -> {});
        FileReplay.Counts counts = FileReplay.readings(
                csv, CLOCK, PatientIdRule.parse("type:MR@HOSP"), byHosp::add, rejected::add, bytes -> {});

        assertThat(byIdAuthority).extracting(RawReading::patientId).containsExactly("P1^HOSP", "P2", "P3^CLINIC");
        assertThat(byHosp).extracting(RawReading::patientId).containsExactly("P1", "P2");
        assertThat(counts).isEqualTo(new FileReplay.Counts(2, 0, 1));
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.NO_MATCHING_PATIENT_ID);
            assertThat(r.message()).startsWith("keyed.csv line 4: ").contains("authority CLINIC");
            assertThat(r.line()).startsWith("R3,P3,CLINIC");
        });
    }

    @Test
    void shouldRefuseMalformedRowsWithTheirTextForTheDeadLetterTopic() throws Exception {
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
        List<FileReplay.LineRejection> malformed = new ArrayList<>();
        List<RawReading> ok = new ArrayList<>();

        FileReplay.Counts counts = FileReplay.readings(csv, CLOCK, ok::add, malformed::add);

        assertThat(counts).isEqualTo(new FileReplay.Counts(1, 4, 0));
        assertThat(malformed)
                .extracting(FileReplay.LineRejection::line)
                .containsExactly(
                        "R1,P1,CRP,12,mg/L,2020-02-05T08:15:00Z,not-a-number",
                        "R2,P1,CRP,12,mg/L,2020-02-05T08:15:00Z,0,extra-cell",
                        "R3,P1,CRP,\"unbalanced,mg/L,2020-02-05T08:15:00Z,0",
                        "R4,P1,CRP,12,mg/L,yesterday,0");
        assertThat(malformed)
                .extracting(FileReplay.LineRejection::message)
                .containsExactly(
                        "bad.csv line 2: field 'revision' must be an integer, was a string",
                        "bad.csv line 3: row has 8 cells but the header has 7 columns (read as ','-separated; quote a"
                                + " cell that holds a ',')",
                        "bad.csv line 4: row is not valid CSV (unbalanced quotes?)",
                        "bad.csv line 5: field 'observedAt' must be an ISO-8601 date-time with an offset, e.g."
                                + " 2020-02-14T08:15:00+08:00 or 2020-02-14T00:15:00Z; it is not an ISO-8601 date-time");
        assertThat(malformed).extracting(FileReplay.LineRejection::code).containsOnly(ErrorCode.UNDESERIALIZABLE);
        assertThat(ok).extracting(RawReading::readingId).containsExactly("R5");
    }

    @Test
    void shouldRejectHeaderWithEmptyColumnName() {
        assertThatThrownBy(() -> CsvRecords.header("readingId,,value", CsvRecords.READINGS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldReadASemicolonSeparatedFileLikeACommaSeparatedOne() throws Exception {
        Path semicolons = Files.writeString(
                dir.resolve("semicolons.csv"),
                String.join(
                        "\n",
                        "readingId;patientId;analyte;value;unit;observedAt",
                        "R1;P1;CRP;12.5;mg/L;2020-02-14T08:15:00+08:00",
                        "R2;P1;LYMPH;\"0,8\";10*9/L;2020-02-15T08:15:00+08:00"));
        Path commas = Files.writeString(
                dir.resolve("commas.csv"),
                String.join(
                        "\n",
                        "readingId,patientId,analyte,value,unit,observedAt",
                        "R1,P1,CRP,12.5,mg/L,2020-02-14T08:15:00+08:00",
                        "R2,P1,LYMPH,\"0,8\",10*9/L,2020-02-15T08:15:00+08:00"));

        assertThat(readings(semicolons)).hasSize(2).isEqualTo(readings(commas));
    }

    @Test
    void shouldDetectTheDelimiterFromTheHeaderRow() {
        assertThat(CsvRecords.header("readingId;patientId;value", CsvRecords.READINGS))
                .isEqualTo(new CsvRecords.Header(List.of("readingId", "patientId", "value"), ';'));
        assertThat(CsvRecords.header("readingId,patientId;x,value", CsvRecords.READINGS)
                        .delimiter())
                .isEqualTo(',');
        assertThat(CsvRecords.header("\"a;b;c\",value", CsvRecords.READINGS).delimiter())
                .isEqualTo(',');
    }

    @Test
    void shouldMatchColumnNamesWithoutRegardToCase() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("case.csv"),
                String.join(
                        "\n",
                        "READINGID,PatientId,Analyte,VALUE,unit,observedat",
                        "R1,P1,CRP,12,mg/L,2020-02-14T08:15:00+08:00"));

        assertThat(readings(csv)).singleElement().satisfies(r -> {
            assertThat(r.readingId()).isEqualTo("R1");
            assertThat(r.observedAt()).isEqualTo(Instant.parse("2020-02-14T00:15:00Z"));
        });
    }

    @Test
    void shouldRefuseTheFileListingTheMissingColumnsWhenTheHeaderLacksRequiredOnes() throws Exception {
        Path csv = Files.writeString(
                dir.resolve("wrong.csv"),
                String.join("\n", "id,patient,test,result,units,date", "R1,P-SECRET,CRP,12,mg/L,2020-02-14T08:15:00Z"));
        List<RawReading> sent = new ArrayList<>();

        assertThatThrownBy(() -> FileReplay.requireColumns(csv, CsvRecords.READINGS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wrong.csv line 1: the header lacks the required columns readingId, patientId, value,"
                        + " observedAt, loinc or analyte (read as ','-separated). A readings CSV needs the columns"
                        + " readingId, patientId, value, observedAt, loinc or analyte; it may have unit, status,"
                        + " revision, referenceRange, abnormalFlags, patientIdAuthority, patientIdType. Not known: id,"
                        + " patient, test, result, units, date");
        assertThatThrownBy(() -> FileReplay.readings(csv, CLOCK, sent::add, line -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("wrong.csv line 1: the header lacks");
        assertThat(sent).isEmpty();
    }

    @Test
    void shouldNameOnlyTheMissingColumnWhenAnEventsHeaderLacksOne() throws Exception {
        Path csv = Files.writeString(dir.resolve("events.csv"), "eventId;patientId;type;arm\n");

        assertThatThrownBy(() -> FileReplay.requireColumns(csv, CsvRecords.EVENTS))
                .hasMessageStartingWith("events.csv line 1: the header lacks the required column at (read as"
                        + " ';'-separated). An events CSV needs the columns eventId, patientId, type, at;");
    }

    @Test
    void shouldNotQuoteTheFirstRowWhenAFileHasNoHeader() throws Exception {
        Path csv = Files.writeString(dir.resolve("noheader.csv"), "R1,P-SECRET,CRP,12,mg/L,2020-02-14T08:15:00Z\n");

        assertThatThrownBy(() -> FileReplay.requireColumns(csv, CsvRecords.READINGS))
                .hasMessageContaining("The first row has no known column name: a CSV file starts with a header row")
                .message()
                .doesNotContain("P-SECRET");
    }

    private static List<RawReading> readings(Path file) throws Exception {
        List<RawReading> list = new ArrayList<>();
        FileReplay.readings(file, CLOCK, list::add, line -> {
            throw new AssertionError("unexpected refused line: " + line.message());
        });
        return list;
    }
}
