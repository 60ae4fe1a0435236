package org.biomarkerstreams.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * CSV input with a header row named like the NDJSON fields ({@code readingId,patientId,loinc,value,
 * unit,observedAt,...}). Each row becomes the equivalent NDJSON object, so CSV and NDJSON go through
 * the same parser and the same rules. Empty cells are missing fields; {@code strata} is written
 * {@code severity=severe;ageBand=40-59}. Quoted cells may contain commas but not line breaks.
 */
public final class CsvRecords {

    private static final CsvMapper CSV = new CsvMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");

    private CsvRecords() {}

    /** Column names of the header row. */
    public static List<String> header(String line) {
        List<String> names = new ArrayList<>();
        for (String cell : cells(line)) {
            names.add(cell.strip());
        }
        if (names.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("the header row has an empty column name");
        }
        return names;
    }

    /**
     * The NDJSON object for one data row.
     *
     * @throws IllegalArgumentException when the row cannot be read or has more cells than the header;
     *     the message names the problem, never a cell's content
     */
    public static String toJson(List<String> header, String line) {
        String[] cells = cells(line);
        if (cells.length > header.size()) {
            throw new IllegalArgumentException(
                    "row has " + cells.length + " cells but the header has " + header.size() + " columns");
        }
        ObjectNode object = JSON.createObjectNode();
        for (int i = 0; i < cells.length; i++) {
            String name = header.get(i);
            String cell = cells[i];
            if (cell == null || cell.isBlank()) {
                continue;
            }
            switch (name) {
                case "revision" -> {
                    if (INTEGER.matcher(cell.strip()).matches()) {
                        object.put(name, Long.parseLong(cell.strip()));
                    } else {
                        object.put(name, cell);
                    }
                }
                case "enteredInError" -> {
                    String b = cell.strip().toLowerCase(Locale.ROOT);
                    if (b.equals("true") || b.equals("false")) {
                        object.put(name, Boolean.parseBoolean(b));
                    } else {
                        object.put(name, cell);
                    }
                }
                case "strata" -> object.set(name, strata(cell));
                default -> object.put(name, cell);
            }
        }
        return object.toString();
    }

    private static ObjectNode strata(String cell) {
        ObjectNode strata = JSON.createObjectNode();
        for (String pair : cell.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("strata must be written label=value;label=value");
            }
            strata.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return strata;
    }

    private static String[] cells(String line) {
        try {
            String[] cells =
                    CSV.readerFor(String[].class).with(CsvSchema.emptySchema()).readValue(line);
            return cells == null ? new String[0] : cells;
        } catch (IOException e) {
            throw new IllegalArgumentException("row is not valid CSV (unbalanced quotes?)");
        }
    }
}
