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
import org.apache.avro.generic.IndexedRecord;
import org.biomarkerstreams.avro.CohortVisitSummary;
import org.biomarkerstreams.avro.NormalizationCurve;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortRecordsTest {

    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheLastRecordOfEachKeyWhenAFileIsAChangeLog() throws IOException {
        CohortVisitSummary first = visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0);
        CohortVisitSummary other = visit("CONTROL", "CRP", "D7", 5, 0, 40.0, 30.0, 50.0);
        CohortVisitSummary last = visit("MSC", "CRP", "D7", 10, 2, 8.1, 5.0, 12.6);
        NormalizationCurve curve = curve(
                "MSC", null, null, "CRP", 12, 10, 6.5, 4.0, null, logRank(List.of("CONTROL", "MSC"), 6.3, 1, 0.012));
        write(TOPICS.cohortVisits(), first, other, last);
        write(TOPICS.cohortCurves(), curve);

        CohortRecords records = CohortRecords.fromFiles(dir, TOPICS);

        assertThat(records.visits()).containsExactly(other, last);
        // Every field back as it was written, steps and test included.
        assertThat(records.curves()).containsExactly(curve);
    }

    @Test
    void shouldNameTheMissingFileWhenATopicWasNotWritten() throws IOException {
        write(TOPICS.cohortVisits(), visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0));

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir + " has no cohort-normalization-curves.ndjson")
                .hasMessageContaining("replay --out DIR");
    }

    @Test
    void shouldNameTheFileLineAndFieldWhenALineCannotBeRead() throws IOException {
        String good = AvroJson.toJson(visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0));
        Files.writeString(
                dir.resolve(TOPICS.cohortVisits() + ".ndjson"),
                good + "\n" + good.replace("\"n\":3", "\"n\":\"three\"") + "\n",
                StandardCharsets.UTF_8);
        write(TOPICS.cohortCurves());

        assertThatThrownBy(() -> CohortRecords.fromFiles(dir, TOPICS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cohort-visit-summaries.ndjson, line 2: field n: expected a whole number");
    }

    @Test
    void shouldRefuseRecordsOfAnotherProtocolNamingItWhenNoneAreOfThisOne() throws IOException {
        write(TOPICS.cohortVisits(), visit("MSC", "CRP", "D7", 3, 9, 20.0, 10.0, 30.0));
        write(TOPICS.cohortCurves());
        CohortRecords records = CohortRecords.fromFiles(dir, TOPICS);

        assertThatThrownBy(() -> records.ofProtocol("seed-000", "DIR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DIR holds the cohort outputs of protocol trial-x, not of seed-000: give --protocol as the"
                        + " pipeline ran");
        assertThat(records.ofProtocol(CohortFixtures.PROTOCOL, "DIR").visits()).hasSize(1);
    }

    private void write(String topic, IndexedRecord... records) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (IndexedRecord r : records) {
            lines.append(AvroJson.toJson(r)).append('\n');
        }
        Files.writeString(dir.resolve(topic + ".ndjson"), lines, StandardCharsets.UTF_8);
    }
}
