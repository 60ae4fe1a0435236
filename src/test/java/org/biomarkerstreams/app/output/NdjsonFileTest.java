package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.biomarkerstreams.app.output.OutputRecords.DAY_3;
import static org.biomarkerstreams.app.output.OutputRecords.curve;
import static org.biomarkerstreams.app.output.OutputRecords.point;
import static org.biomarkerstreams.app.output.OutputRecords.step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.biomarkerstreams.avro.LogRankTest;
import org.biomarkerstreams.streams.AvroJson;
import org.biomarkerstreams.testing.AvroJsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteLinesAvrosJsonDecoderReadsWithTheWriterSchema() throws IOException {
        Path target = dir.resolve("cohort-normalization-curves.ndjson");
        NdjsonFile file = new NdjsonFile(target);
        LogRankTest logRank = LogRankTest.newBuilder()
                .setArms(List.of("A", "B"))
                .setChiSquare(1.5)
                .setDegreesOfFreedom(1)
                .setPValue(0.22)
                .build();
        file.add(curve("A", logRank, List.of(step(1.5, 3, 0.66))));
        file.add(curve("B", null, List.of()));

        assertThat(file.commit()).containsExactly(new TopicFile.Written(target, 2));

        List<String> lines = Files.readAllLines(target);
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            GenericRecord decoded = AvroJsonLines.decode(line, AvroJsonLines.schema("NormalizationCurve"));
            assertThat(AvroJson.toJson(decoded)).isEqualTo(line);
        }
    }

    @Test
    void shouldBeRefusedByTheSchemaCheckWhenALineLacksAField() throws IOException {
        Path target = dir.resolve("biomarker-trajectory-points.ndjson");
        NdjsonFile file = new NdjsonFile(target);
        file.add(point("P1", "r1", DAY_3, 9.7).build());
        file.commit();
        String line = Files.readAllLines(target).get(0);

        assertThat(AvroJsonLines.decode(line, AvroJsonLines.schema("TrajectoryPoint"))
                        .get("readingId")
                        .toString())
                .isEqualTo("r1");
        assertThatThrownBy(() -> AvroJsonLines.decode(
                        line.replace("\"readingId\":\"r1\",", ""), AvroJsonLines.schema("TrajectoryPoint")))
                .hasMessageContaining("readingId");
    }
}
