package org.biomarkerstreams.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.biomarkerstreams.app.report.CohortFixtures.curve;
import static org.biomarkerstreams.app.report.CohortFixtures.logRank;
import static org.biomarkerstreams.app.report.CohortFixtures.visit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.biomarkerstreams.app.output.CsvFile;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.CurveStep;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CohortRecords#fromFiles} on the files of {@code --format csv}, written by the real {@link CsvFile}. */
class CohortRecordsCsvTest {

    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryFieldWhenTheFilesAreCsv() throws IOException {
        CohortVisitSummary plain = visit("MSC", "CRP", "D7", 10, 2, 8.1, 5.0, 12.6);
        plain.setMean(9.25);
        plain.setSd(3.5);
        plain.setMin(1.0E-5);
        plain.setMax(1234567.875);
        plain.setNImputed(1);
        // A stratum (label and value), a visit with no values: median and quartiles null.
        CohortVisitSummary empty =
                visit("CONTROL", "severity", "critical, ICU", "LYMPH", "D28", 0, 7, null, null, null);
        NormalizationCurve tested = curve(
                "MSC", null, null, "CRP", 12, 10, 6.5, 4.0, null, logRank(List.of("CONTROL", "MSC"), 6.3, 1, 0.012));
        tested.setSteps(List.of(
                step(0.5, 12, 1, 0, 11.0 / 12, 0.0798),
                step(3.0, 11, 0, 1, 11.0 / 12, null),
                // events == atRisk: survival 0 and a NaN standard error, as R gives.
                step(7.25, 10, 10, 0, 0.0, Double.NaN)));
        NormalizationCurve untested = curve("ALL", "severity", "moderate", "LYMPH", 3, 0, null, null, null, null);
        write(TOPICS.cohortVisits(), CohortVisitSummary.getClassSchema(), plain, empty);
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema(), tested, untested);

        CohortRecords records = CohortRecords.fromFiles(dir, TOPICS);

        assertThat(records.visits()).containsExactly(plain, empty);
        assertThat(records.curves()).containsExactly(tested, untested);
        assertThat(records.visits().get(1).getStratumValue()).isEqualTo("critical, ICU");
        assertThat(records.curves().get(1).getLogRank()).isNull();
        assertThat(records.curves().get(0).getSteps().get(2).getStdErr()).isNaN();
    }

    @Test
    void shouldGiveEachRecordOfAChangeLogItsOwnStepsAndKeepTheLastWhenWrittenWithoutLatest() throws IOException {
        NormalizationCurve first = curve("MSC", null, null, "CRP", 2, 1, null, null, null, null);
        first.setSteps(List.of(step(4.0, 2, 1, 0, 0.5, 0.35), step(6.0, 1, 0, 1, 0.5, 0.35)));
        // The same key emptied (no patients, so no steps), then filled again.
        NormalizationCurve emptied = curve("MSC", null, null, "CRP", 0, 0, null, null, null, null);
        emptied.setSteps(List.of());
        NormalizationCurve other = curve("CONTROL", null, null, "CRP", 1, 1, 2.0, null, null, null);
        other.setSteps(List.of(step(2.0, 1, 1, 0, 0.0, null)));
        NormalizationCurve last = curve("MSC", null, null, "CRP", 3, 2, 5.0, null, null, null);
        last.setSteps(List.of(step(1.0, 3, 1, 0, 2.0 / 3, 0.27), step(5.0, 2, 1, 1, 1.0 / 3, 0.27)));
        write(TOPICS.cohortVisits(), CohortVisitSummary.getClassSchema());
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema(), first, emptied, other, last);

        CohortRecords records = CohortRecords.fromFiles(dir, TOPICS);

        assertThat(records.curves()).containsExactly(other, last);
    }

    @Test
    void shouldReadTheCurvesWithoutStepsWhenTheStepsFileIsNotThere() throws IOException {
        NormalizationCurve curve = curve("MSC", null, null, "CRP", 12, 10, 6.5, 4.0, 9.0, null);
        write(TOPICS.cohortVisits(), CohortVisitSummary.getClassSchema());
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema(), curve);
        Files.delete(CsvFile.fileOf(dir, TOPICS.cohortCurves(), "steps"));

        CohortRecords records = CohortRecords.fromFiles(dir, TOPICS);

        assertThat(records.curves()).hasSize(1);
        assertThat(records.curves().get(0).getSteps()).isEmpty();
        assertThat(records.curves().get(0).getMedianUpper()).isEqualTo(9.0);
    }

    @Test
    void shouldPreferTheNdjsonFilesWhenBothFormatsAreThere() throws IOException {
        CohortVisitSummary visit = visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0);
        Files.writeString(
                dir.resolve(TOPICS.cohortVisits() + ".ndjson"), AvroJson.toJson(visit) + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(TOPICS.cohortCurves() + ".ndjson"), "", StandardCharsets.UTF_8);
        Files.writeString(CsvFile.fileOf(dir, TOPICS.cohortVisits()), "not,the\r\nsame\r\n", StandardCharsets.UTF_8);
        Files.writeString(CsvFile.fileOf(dir, TOPICS.cohortCurves()), "", StandardCharsets.UTF_8);

        assertThat(CohortRecords.fromFiles(dir, TOPICS).visits()).containsExactly(visit);
    }

    @Test
    void shouldNameTheFileLineAndColumnWhenACellCannotBeRead() throws IOException {
        write(
                TOPICS.cohortVisits(),
                CohortVisitSummary.getClassSchema(),
                visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0),
                visit("MSC", "CRP", "D14", 4, 8, 20.0, 10.0, 30.0));
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema());
        Path visits = CsvFile.fileOf(dir, TOPICS.cohortVisits());
        // Line 3 is the second record: its median 20.0 becomes text.
        List<String> lines = Files.readAllLines(visits, StandardCharsets.UTF_8);
        lines.set(2, lines.get(2).replaceFirst(",20\\.0,", ",twenty,"));
        Files.writeString(visits, String.join("\r\n", lines) + "\r\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(visits + ", line 3: column median: expected a number");
    }

    @Test
    void shouldNameTheLineWhenARowHasTooFewCellsOrAColumnIsMissing() throws IOException {
        Path visits = CsvFile.fileOf(dir, TOPICS.cohortVisits());
        Files.writeString(visits, "protocol,arm\r\ntrial-x\r\n", StandardCharsets.UTF_8);
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema());

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(visits + ", line 2: 1 cells, the header has 2 columns");

        Files.writeString(visits, "protocol,arm\r\ntrial-x,\"MSC\r\nline two\"\r\ntrial-x\r\n", StandardCharsets.UTF_8);

        // The quoted cell spans lines 2 and 3, so the second record is on line 4.
        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(visits + ", line 4: 1 cells, the header has 2 columns");

        Files.writeString(visits, "protocol,arm\r\ntrial-x,MSC\r\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(visits + ", line 2: column analyte is missing");
    }

    @Test
    void shouldNameTheStepsFileWhenItsStepsDoNotFitTheCurves() throws IOException {
        NormalizationCurve curve = curve("MSC", null, null, "CRP", 12, 10, 6.5, 4.0, 9.0, null);
        write(TOPICS.cohortVisits(), CohortVisitSummary.getClassSchema());
        write(TOPICS.cohortCurves(), NormalizationCurve.getClassSchema(), curve);
        Path steps = CsvFile.fileOf(dir, TOPICS.cohortCurves(), "steps");
        String text = Files.readString(steps, StandardCharsets.UTF_8);
        Files.writeString(steps, text.replace(",MSC,", ",CONTROL,"), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cohort-normalization-curves.csv, line 2: the curve has 12 patients at risk but "
                        + steps + " has no (more) steps for it");
    }

    @Test
    void shouldNameBothFormatsFilesWhenTheDirectoryHasNeither() throws IOException {
        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        dir + " has no cohort-visit-summaries.ndjson and cohort-normalization-curves.ndjson,"
                                + " nor cohort-visit-summaries.csv and cohort-normalization-curves.csv");

        write(TOPICS.cohortVisits(), CohortVisitSummary.getClassSchema());

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir + " has no cohort-normalization-curves.csv");
    }

    private static CurveStep step(double days, int atRisk, int events, int censored, double survival, Double stdErr) {
        return CurveStep.newBuilder()
                .setDays(days)
                .setAtRisk(atRisk)
                .setEvents(events)
                .setCensored(censored)
                .setSurvival(survival)
                .setStdErr(stdErr)
                .build();
    }

    private void write(String topic, Schema schema, IndexedRecord... records) throws IOException {
        CsvFile file = new CsvFile(dir, topic, schema);
        for (IndexedRecord r : records) {
            file.add(r);
        }
        file.commit();
    }
}
