package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.biomarkerstreams.avro.BiomarkerSummary;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.avro.TimeToNormalization;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.testing.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FlatRecord#toRecord} on rows the real {@link CsvFile} wrote, read with Commons CSV (not the report's reader):
 * every record comes back equal, maps, enums, timestamps and nulls included.
 */
class FlatRecordTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadBackMapsEnumsAndTimestampsWhenARowIsWhatCsvFileWrote() throws IOException {
        BiomarkerSummary one =
                OutputRecords.summary("P-1", Map.of("severity", "critical"), Map.of("BASELINE", 23.9, "D7", 8.25));
        BiomarkerSummary other = OutputRecords.summary("P-2", Map.of(), Map.of("D3", 1.0E-4));

        assertThat(roundTrip("biomarker-summaries", BiomarkerSummary.class, one, other))
                .containsExactly(one, other);
    }

    @Test
    void shouldReadBackTextWithCommasQuotesAndLineBreaks() throws IOException {
        TrajectoryPoint point = OutputRecords.point("P \"1\", ward\r\n3", "r-1", OutputRecords.DAY_3, 12.5)
                .build();
        TimeToNormalization ttn = OutputRecords.timeToNormalization("P-1", NormalizationStatus.NORMALIZED)
                .build();

        assertThat(roundTrip("biomarker-trajectory", TrajectoryPoint.class, point))
                .containsExactly(point);
        assertThat(roundTrip("time-to-normalization", TimeToNormalization.class, ttn))
                .containsExactly(ttn);
    }

    @Test
    void shouldNameTheColumnWhenACellIsNotOfItsFieldsType() {
        Map<String, String> row = new LinkedHashMap<>(
                FlatRecordTest.cells(OutputRecords.timeToNormalization("P-1", NormalizationStatus.NORMALIZED)
                        .build()));
        row.put("status", "MAYBE");

        assertThatThrownBy(() -> FlatRecord.toRecord(
                        TimeToNormalization.getClassSchema(), SpecificData.getForClass(TimeToNormalization.class), row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("column status: expected one of [");

        row.put("status", "NORMALIZED");
        row.put("anchorAt", "2020-02-07 10:00");

        assertThatThrownBy(() -> FlatRecord.toRecord(
                        TimeToNormalization.getClassSchema(), SpecificData.getForClass(TimeToNormalization.class), row))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column anchorAt: expected an ISO-8601 timestamp-millis");
    }

    /** The cells of a record as text, as a CSV file holds them; for editing one cell. */
    private static Map<String, String> cells(IndexedRecord record) {
        Map<String, String> out = new LinkedHashMap<>();
        FlatRecord.of(record).columns().forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        return out;
    }

    private List<IndexedRecord> roundTrip(String topic, Class<? extends SpecificRecord> type, IndexedRecord... records)
            throws IOException {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        CsvFile file = new CsvFile(dir, topic, schema);
        for (IndexedRecord r : records) {
            file.add(r);
        }
        file.commit();
        List<IndexedRecord> out = new ArrayList<>();
        for (Map<String, String> row : CsvTable.read(CsvFile.fileOf(dir, topic)).rows()) {
            out.add(FlatRecord.toRecord(schema, model, row));
        }
        return out;
    }
}
