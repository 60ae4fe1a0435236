package org.biomarkerstreams.app.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a CSV file with a header row, as {@code replay --out DIR --format csv} writes them (RFC 4180, UTF-8),
 * each as column name to cell text ("" for a blank cell) with the line it starts on.
 */
final class CsvRows {

    private static final CsvMapper CSV = new CsvMapper();

    /** One row after the header, {@code line} counted from 1 as an editor shows it (the header is line 1). */
    record Row(int line, Map<String, String> cells) {}

    private CsvRows() {}

    /**
     * @throws IllegalArgumentException naming the file and line that is no CSV row of the header's columns
     */
    static List<Row> read(Path file) {
        List<Row> rows = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                MappingIterator<String[]> it = CSV.readerFor(String[].class)
                        .with(CsvSchema.emptySchema())
                        .with(CsvParser.Feature.WRAP_AS_ARRAY)
                        .readValues(in)) {
            if (!it.hasNextValue()) {
                throw new IllegalArgumentException(file + ": empty, expected a header row");
            }
            String[] header = it.nextValue();
            if (header.length > 0 && header[0].startsWith("\uFEFF")) {
                header[0] = header[0].substring(1); // a byte-order mark a spreadsheet may have added
            }
            Set<String> seen = new HashSet<>();
            for (String column : header) {
                if (!seen.add(column)) {
                    throw new IllegalArgumentException(file + ", line 1: column " + column + " appears twice");
                }
            }
            // Counted from the cells rather than asked of the parser: a quoted cell may span lines.
            int line = 1 + lineBreaks(header) + 1;
            while (it.hasNextValue()) {
                String[] cells = it.nextValue();
                boolean blankLine = cells.length == 1 && cells[0].isEmpty() && header.length > 1;
                if (!blankLine) {
                    if (cells.length != header.length) {
                        throw new IllegalArgumentException(file + ", line " + line + ": " + cells.length
                                + " cells, the header has " + header.length + " columns");
                    }
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < header.length; i++) {
                        row.put(header[i], cells[i]);
                    }
                    rows.add(new Row(line, row));
                }
                line += lineBreaks(cells) + 1;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + ", line " + e.getLocation().getLineNr() + ": not CSV (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return rows;
    }

    private static int lineBreaks(String[] cells) {
        int breaks = 0;
        for (String cell : cells) {
            for (int i = 0; i < cell.length(); i++) {
                char c = cell.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == cell.length() || cell.charAt(i + 1) != '\n'))) {
                    breaks++;
                }
            }
        }
        return breaks;
    }
}
