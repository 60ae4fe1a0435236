package org.biomarkerstreams.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {

    @Test
    void shouldWriteAHeaderAndOneRecordPerRowEachAsWideAsTheHeader() {
        List<List<String>> records = parse(CsvTable.render(TextTableTest.armsReport(false)));

        assertThat(records.get(0)).containsExactly("analyte", "unit", "row", "hUC-MSC (N=12)", "CONTROL (N=29)");
        assertThat(records).allSatisfy(r -> assertThat(r).hasSize(5));
        assertThat(records)
                .contains(
                        List.of(
                                "CRP",
                                "mg/L",
                                "BASELINE",
                                "45.2 [30.4\u201360.8] (12/12)",
                                "50.0 [35.1\u201370.3] (29/29)"),
                        List.of("CRP", "mg/L", "D7", "8.1 [5.0\u201312.6] (10/12)", "- (0/29)"),
                        List.of(
                                "CRP",
                                "mg/L",
                                "Time to normalization",
                                "10/12; 6.5 d (95% CI 4.0\u20139.0)",
                                "9/29; NR (95% CI 14.0\u2013NR)"),
                        List.of("CRP", "mg/L", "log-rank", "p = 0.012 (chi-square 6.29, 1 df; CONTROL vs hUC-MSC)", ""),
                        List.of("LYMPH", "10*9/L", "BASELINE", "0.62 [0.41\u20130.80] (12/12)", "-"));
    }

    @Test
    void shouldQuoteAFieldWithACommaAndEndRecordsWithCrlf() {
        String csv = CsvTable.render(TextTableTest.armsReport(false));

        assertThat(csv).contains(",\"p = 0.012 (chi-square 6.29, 1 df; CONTROL vs hUC-MSC)\",\r\n");
        assertThat(csv).endsWith("\r\n");
        assertThat(csv.replace("\r\n", "")).doesNotContain("\n");
    }

    /** RFC 4180 records: quoted fields may hold commas and doubled quotes. */
    static List<List<String>> parse(String csv) {
        List<List<String>> records = new ArrayList<>();
        for (String line : csv.split("\r\n")) {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            fields.add(field.toString());
            records.add(fields);
        }
        return records;
    }
}
