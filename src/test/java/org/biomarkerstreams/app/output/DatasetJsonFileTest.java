package org.biomarkerstreams.app.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.biomarkerstreams.app.output.OutputRecords.DAY_3;
import static org.biomarkerstreams.app.output.OutputRecords.DAY_MINUS_1;
import static org.biomarkerstreams.app.output.OutputRecords.point;
import static org.biomarkerstreams.app.output.OutputRecords.timeToNormalization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.avro.NormalizationStatus;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.testing.DatasetJsonSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetJsonFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StudyMetadata STUDY = new StudyMetadata(
            "seed-002",
            ZoneId.of("Europe/Berlin"),
            List.of(new VisitWindow("D3", 3, 2, 4), new VisitWindow("D7", 7, 6, 8)),
            Map.of("CRP", "C-reactive protein"),
            Instant.parse("2026-12-07T08:00:00.123Z"),
            "1.2.3");

    @TempDir
    Path dir;

    @Test
    void shouldWriteAnAdlbTheOfficialSchemaAcceptsWhenGivenTrajectoryPoints() throws IOException {
        JsonNode adlb = adlb();

        assertThat(DatasetJsonSchema.errors(adlb)).isEmpty();
        assertThat(adlb.get("datasetJSONVersion").asText()).isEqualTo("1.1.0");
        assertThat(adlb.get("datasetJSONCreationDateTime").asText()).isEqualTo("2026-12-07T08:00:00Z");
        assertThat(adlb.get("name").asText()).isEqualTo("ADLB");
        assertThat(adlb.get("itemGroupOID").asText()).isEqualTo("IG.ADLB");
        assertThat(adlb.get("records").asInt())
                .isEqualTo(adlb.get("rows").size())
                .isEqualTo(2);
        assertThat(names(adlb))
                .containsExactly(
                        "STUDYID", "USUBJID", "PARAMCD", "PARAM", "LBREFID", "ADTM", "ADT", "ADY", "AVISIT", "AVAL",
                        "AVALU", "BASE", "CHG", "PCHG", "ABLFL", "ANRLO", "ANRHI", "ANRIND");
    }

    @Test
    void shouldDeriveBaseVisitAndLocalDatesWhenWritingAdlbRows() throws IOException {
        JsonNode adlb = adlb();

        Map<String, JsonNode> baseline = row(adlb, 0);
        Map<String, JsonNode> day3 = row(adlb, 1);
        assertThat(baseline.get("ABLFL").asText()).isEqualTo("Y");
        assertThat(baseline.get("AVISIT").asText()).isEqualTo("BASELINE");
        assertThat(day3.get("ABLFL").isNull()).isTrue();
        // pdy 3 lies in the D3 window [2, 4].
        assertThat(day3.get("AVISIT").asText()).isEqualTo("D3");
        // BASE is the baseline point's value, on every row of the patient and analyte.
        assertThat(day3.get("BASE").asDouble()).isEqualTo(23.9);
        assertThat(day3.get("CHG").asDouble()).isEqualTo(-14.2);
        // 2020-02-10T23:35Z is 00:35 on the 11th in Berlin (UTC+1 in February): the site's calendar date.
        assertThat(day3.get("ADTM").asText()).isEqualTo("2020-02-11T00:35:00");
        assertThat(day3.get("ADT").asText()).isEqualTo("2020-02-11");
        assertThat(day3.get("PARAM").asText()).isEqualTo("C-reactive protein (mg/L)");
        assertThat(day3.get("ANRHI").asDouble()).isEqualTo(10.0);
        assertThat(day3.get("ANRLO").isNull()).isTrue();
    }

    @Test
    void shouldLeaveRetractedReadingsOutWhenWritingAdlb() throws IOException {
        JsonNode adlb = adlb();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < adlb.get("rows").size(); i++) {
            ids.add(row(adlb, i).get("LBREFID").asText());
        }
        assertThat(ids).containsExactly("r-base", "r-d3");
    }

    @Test
    void shouldWriteAnAdtteRowPerPatientAtRiskWhenGivenTimeToNormalization() throws IOException {
        DatasetJsonFile file = DatasetJsonFile.adtte(dir, STUDY);
        file.add(timeToNormalization("P2", NormalizationStatus.NORMALIZED)
                .setCnsr(0)
                .setAval(3.5)
                .setAdt(Instant.parse("2020-02-10T22:00:00Z"))
                .setEvntdesc("NORMALIZED")
                .build());
        file.add(timeToNormalization("P1", NormalizationStatus.NO_BASELINE).build());

        file.commit();

        JsonNode adtte = JSON.readTree(dir.resolve("adtte.json").toFile());
        assertThat(DatasetJsonSchema.errors(adtte)).isEmpty();
        assertThat(adtte.get("records").asInt()).isEqualTo(1);
        Map<String, JsonNode> p2 = row(adtte, 0);
        assertThat(p2.get("USUBJID").asText()).isEqualTo("P2");
        assertThat(p2.get("PARAMCD").asText()).isEqualTo("CRP");
        assertThat(p2.get("AVAL").asDouble()).isEqualTo(3.5);
        assertThat(p2.get("CNSR").asInt()).isZero();
        assertThat(p2.get("EVNTDESC").asText()).isEqualTo("NORMALIZED");
        assertThat(p2.get("STARTDT").asText()).isEqualTo("2020-02-07");
        assertThat(p2.get("ADT").asText()).isEqualTo("2020-02-10");
        assertThat(p2.get("PARAM").asText()).isEqualTo("Time to normalization of C-reactive protein (days)");
    }

    @Test
    void shouldBeRejectedByTheSchemaWhenRequiredMetadataIsMissing() throws IOException {
        ObjectNode broken = (ObjectNode) adlb();
        broken.remove("records");
        ((ObjectNode) broken.get("columns").get(0)).remove("dataType");

        // The validator really checks: without this the tests above could pass on any JSON.
        assertThat(DatasetJsonSchema.errors(broken)).hasSize(2);
    }

    private JsonNode adlb() throws IOException {
        DatasetJsonFile file = DatasetJsonFile.adlb(dir, STUDY);
        file.add(point("P1", "r-d3", DAY_3, 9.7)
                .setAdy(4)
                .setPdy(3)
                .setChg(-14.2)
                .setPchg(-59.4)
                .build());
        file.add(point("P1", "r-base", DAY_MINUS_1, 23.9)
                .setAdy(-1)
                .setPdy(-1)
                .setBaselineFlag(true)
                .build());
        file.add(point("P1", "r-gone", DAY_3.plusSeconds(60), 50.0)
                .setRetracted(true)
                .build());
        file.commit();
        return JSON.readTree(dir.resolve("adlb.json").toFile());
    }

    private static List<String> names(JsonNode dataset) {
        List<String> names = new ArrayList<>();
        dataset.get("columns").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static Map<String, JsonNode> row(JsonNode dataset, int index) {
        List<String> names = names(dataset);
        JsonNode row = dataset.get("rows").get(index);
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), row.get(i));
        }
        return out;
    }
}
