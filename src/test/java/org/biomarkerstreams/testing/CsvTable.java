package org.biomarkerstreams.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file as its header and its rows by column name, read with Apache Commons CSV (RFC 4180): a parser other than
 * the one that writes our files (Jackson), so that a quoting mistake of the writer shows.
 */
public record CsvTable(List<String> header, List<Map<String, String>> rows) {

    public static CsvTable read(Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(in, format)) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (CSVRecord r : parser) {
                assertThat(r.isConsistent())
                        .as("%s row %d has one value per column", file.getFileName(), r.getRecordNumber())
                        .isTrue();
                rows.add(new LinkedHashMap<>(r.toMap()));
            }
            return new CsvTable(List.copyOf(parser.getHeaderNames()), rows);
        }
    }
}
