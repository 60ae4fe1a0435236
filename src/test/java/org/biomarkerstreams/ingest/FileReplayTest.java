package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files with one kind of error each: the refusal names the file, line and field, and keeps the line. */
class FileReplayTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String GOOD =
            "{\"readingId\":\"R1\",\"patientId\":\"P-SECRET\",\"analyte\":\"CRP\",\"value\":\"12\",\"unit\":\"mg/L\","
                    + "\"observedAt\":\"2020-02-14T08:15:00+08:00\"}";

    @TempDir
    Path dir;

    private final List<RawReading> readings = new ArrayList<>();
    private final List<FileReplay.LineRejection> refused = new ArrayList<>();

    @Test
    void shouldNameFileAndLineAndKeepTheLineWhenAJsonLineIsCutShort() throws Exception {
        String cut = GOOD.substring(0, 60);
        Path file = write("readings.ndjson", GOOD, "", cut, GOOD);

        FileReplay.Counts counts = FileReplay.readings(file, CLOCK, readings::add, refused::add);

        assertThat(counts).isEqualTo(new FileReplay.Counts(2, 1, 0));
        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.UNDESERIALIZABLE);
            assertThat(r.message())
                    .isEqualTo("readings.ndjson line 3: line is not valid JSON: it ends before its object is closed"
                            + " (cut short?)");
            assertThat(r.line()).isEqualTo(cut);
        });
    }

    @Test
    void shouldSayTheLineIsCutShortWhenItEndsBetweenTwoFields() throws Exception {
        Path file = write("readings.ndjson", "{\"readingId\":\"R1\",\"patientId\":\"P1\",");

        FileReplay.readings(file, CLOCK, readings::add, refused::add);

        assertThat(refused)
                .singleElement()
                .extracting(FileReplay.LineRejection::message)
                .isEqualTo("readings.ndjson line 1: line is not valid JSON: it ends before its object is closed"
                        + " (cut short?)");
    }

    @Test
    void shouldSayWhereJsonBreaksWhenALineIsNotJson() throws Exception {
        // {"readingId":"R1" "value":"1"}: '{' is column 1, "readingId" 2-12, ':' 13, "R1" 14-17, the space 18, and
        // the quote that should have been a comma 19.
        Path file = write("readings.ndjson", "{\"readingId\":\"R1\" \"value\":\"1\"}");

        FileReplay.readings(file, CLOCK, readings::add, refused::add);

        assertThat(refused)
                .singleElement()
                .extracting(FileReplay.LineRejection::message)
                .isEqualTo("readings.ndjson line 1: line is not valid JSON at column 19 (expected one JSON object per"
                        + " line)");
    }

    @Test
    void shouldNameTheFieldAndGiveAnExampleWhenADateIsWrittenDayMonthYear() throws Exception {
        String line = GOOD.replace("2020-02-14T08:15:00+08:00", "14/02/2020 08:15");
        Path file = write("readings.ndjson", GOOD, GOOD, line);

        FileReplay.readings(file, CLOCK, readings::add, refused::add);

        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.message())
                    .startsWith("readings.ndjson line 3: field 'observedAt' must be an ISO-8601 date-time with an"
                            + " offset, e.g. 2020-02-14T08:15:00+08:00")
                    .endsWith("it is written day/month/year or month/day/year, which is ambiguous (write 2020-02-14)")
                    .doesNotContain("P-SECRET")
                    .doesNotContain("14/02");
            assertThat(r.line()).isEqualTo(line);
        });
        assertThat(readings).hasSize(2);
    }

    @Test
    void shouldSayTheOffsetIsMissingWhenATimeHasNone() throws Exception {
        Path file = write("readings.ndjson", GOOD.replace("2020-02-14T08:15:00+08:00", "2020-02-14T08:15:00"));

        FileReplay.readings(file, CLOCK, readings::add, refused::add);

        assertThat(refused)
                .singleElement()
                .extracting(FileReplay.LineRejection::message)
                .asString()
                .startsWith("readings.ndjson line 1: field 'observedAt' must be an ISO-8601 date-time with an offset")
                .contains("it has no offset (add Z for UTC or +08:00");
    }

    @Test
    void shouldAskForTheLetterTWhenDateAndTimeAreSeparatedByASpace() throws Exception {
        Path file = write(
                "events.ndjson",
                "{\"eventId\":\"E1\",\"patientId\":\"P1\",\"type\":\"INFUSION\","
                        + "\"at\":\"2020-02-14 08:15:00+08:00\"}");
        List<RawClinicalEvent> events = new ArrayList<>();

        FileReplay.Counts counts = FileReplay.events(file, events::add, refused::add);

        assertThat(counts).isEqualTo(new FileReplay.Counts(0, 1, 0));
        assertThat(refused)
                .singleElement()
                .extracting(FileReplay.LineRejection::message)
                .asString()
                .startsWith("events.ndjson line 1: field 'at' must be")
                .endsWith("date and time must be separated by T, not a space");
    }

    @Test
    void shouldReportTheBytesReadWhenReplayingAFile() throws Exception {
        Path file = write("readings.ndjson", GOOD, GOOD, GOOD);
        List<Long> progress = new ArrayList<>();

        FileReplay.readings(
                file,
                CLOCK,
                org.biomarkerstreams.domain.PatientIdRule.BARE,
                readings::add,
                refused::add,
                progress::add);

        assertThat(progress).isNotEmpty().isSorted();
        assertThat(progress.get(progress.size() - 1)).isEqualTo(Files.size(file));
    }

    @Test
    void shouldPassAnNdjsonFileWhenColumnsAreRequired() throws Exception {
        Path file = write("readings.ndjson", "{}");

        FileReplay.requireColumns(file, CsvRecords.READINGS);

        assertThatThrownBy(() -> FileReplay.requireColumns(write("r.csv", "patientId"), CsvRecords.READINGS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Path write(String name, String... lines) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}
