package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.app.output.OutputRecords.curve;
import static org.biomarkerstreams.app.output.OutputRecords.step;
import static org.biomarkerstreams.app.output.OutputRecords.summary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.testing.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV files read back with Apache Commons CSV (RFC 4180), a parser other than the writer's. */
class CsvFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldFlattenMapsIntoDocumentedColumnsWhenWritingSummaries() throws IOException {
        Map<String, Double> firstVisits = new LinkedHashMap<>();
        firstVisits.put("D14", 2.0);
        firstVisits.put("BASELINE", 23.9);
        firstVisits.put("D3", 9.7);
        firstVisits.put("D7", null);
        CsvFile file = new CsvFile(dir, "biomarker-summaries", BiomarkerSummary.getClassSchema());
        file.add(summary("P1", Map.of("severity", "severe"), firstVisits));
        file.add(summary("P2", Map.of("site", "Wuhan"), Map.of("D28", 1.5)));

        file.commit();

        CsvTable t = CsvTable.read(dir.resolve("biomarker-summaries.csv"));
        // The documented layout (docs/architecture.md, "Output files"): fields in schema order, a map's keys in
        // natural order where the map field is.
        assertThat(t.header())
                .containsExactly(
                        "patientId",
                        "analyte",
                        "unit",
                        "arm",
                        "strata.severity",
                        "strata.site",
                        "anchorAt",
                        "baseline",
                        "baselineAt",
                        "latest",
                        "latestAt",
                        "nadir",
                        "peak",
                        "readingCount",
                        "visits.BASELINE",
                        "visits.D3",
                        "visits.D7",
                        "visits.D14",
                        "visits.D28",
                        "normalizationStatus");
        assertThat(t.rows()).hasSize(2);
        Map<String, String> p1 = t.rows().get(0);
        assertThat(p1)
                .containsEntry("patientId", "P1")
                .containsEntry("strata.severity", "severe")
                .containsEntry("strata.site", "")
                .containsEntry("anchorAt", "2020-02-07T10:00:00Z")
                .containsEntry("visits.BASELINE", "23.9")
                .containsEntry("visits.D7", "")
                .containsEntry("visits.D14", "2.0")
                .containsEntry("visits.D28", "")
                .containsEntry("normalizationStatus", "NORMALIZED");
        assertThat(t.rows().get(1)).containsEntry("strata.site", "Wuhan").containsEntry("visits.D28", "1.5");
    }

    @Test
    void shouldQuoteCommasQuotesAndLineBreaksWhenAValueHoldsThem() throws IOException {
        String awkward = "severe, \"ICU\"\nward 3";
        CsvFile file = new CsvFile(dir, "biomarker-summaries", BiomarkerSummary.getClassSchema());
        file.add(summary("P1", Map.of("severity", awkward), Map.of()));

        file.commit();

        CsvTable t = CsvTable.read(dir.resolve("biomarker-summaries.csv"));
        assertThat(t.rows()).hasSize(1);
        assertThat(t.rows().get(0)).containsEntry("strata.severity", awkward);
    }

    @Test
    void shouldWriteCurveStepsToASecondFileWhenARecordHoldsAnArrayOfRecords() throws IOException {
        LogRankTest logRank = LogRankTest.newBuilder()
                .setArms(List.of("Group A", "Group B"))
                .setChiSquare(5.63)
                .setDegreesOfFreedom(1)
                .setPValue(0.0177)
                .build();
        CsvFile file = new CsvFile(dir, "cohort-normalization-curves", NormalizationCurve.getClassSchema());
        file.add(curve("Group A", logRank, List.of(step(2.5, 4, 0.75), step(5.5, 3, 0.5))));
        file.add(curve("Group B", null, List.of(step(7.0, 2, 0.5))));

        List<TopicFile.Written> written = file.commit();

        assertThat(written).extracting(TopicFile.Written::rows).containsExactly(2L, 3L);
        CsvTable curves = CsvTable.read(dir.resolve("cohort-normalization-curves.csv"));
        assertThat(curves.header())
                .containsExactly(
                        "protocol",
                        "arm",
                        "stratumLabel",
                        "stratumValue",
                        "analyte",
                        "atRisk",
                        "events",
                        "censored",
                        "medianDays",
                        "medianLower",
                        "medianUpper",
                        "logRank.arms",
                        "logRank.chiSquare",
                        "logRank.degreesOfFreedom",
                        "logRank.pValue",
                        "updatedAt");
        assertThat(curves.rows().get(0))
                .containsEntry("logRank.arms", "Group A;Group B")
                .containsEntry("logRank.pValue", "0.0177");
        assertThat(curves.rows().get(1)).containsEntry("logRank.arms", "").containsEntry("logRank.pValue", "");

        CsvTable steps = CsvTable.read(dir.resolve("cohort-normalization-curves-steps.csv"));
        assertThat(steps.header())
                .containsExactly(
                        "protocol",
                        "arm",
                        "stratumLabel",
                        "stratumValue",
                        "analyte",
                        "step",
                        "days",
                        "atRisk",
                        "events",
                        "censored",
                        "survival",
                        "stdErr");
        assertThat(steps.rows())
                .extracting(r -> r.get("arm") + " " + r.get("step") + " " + r.get("days") + " " + r.get("survival"))
                .containsExactly("Group A 1 2.5 0.75", "Group A 2 5.5 0.5", "Group B 1 7.0 0.5");
    }

    @Test
    void shouldLeaveNoFileBehindWhenAbandoned() throws IOException {
        CsvFile file = new CsvFile(dir, "biomarker-summaries", BiomarkerSummary.getClassSchema());
        file.add(summary("P1", Map.of(), Map.of()));

        file.abandon();

        try (var left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
