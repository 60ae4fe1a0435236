package org.biomarkerstreams.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CSV input with a header row named like the NDJSON fields ({@code readingId,patientId,loinc,value,
 * unit,observedAt,...}). Each row becomes the equivalent NDJSON object, so CSV and NDJSON go through
 * the same parser and the same rules. Empty cells are missing fields; {@code strata} is written
 * {@code severity=severe;ageBand=40-59}. Quoted cells may contain the delimiter but not line breaks.
 *
 * <p>The delimiter is read from the header row: {@code ;} when it has more semicolons than commas (what a
 * spreadsheet writes where the comma is the decimal separator), else {@code ,}. Column names are matched
 * without regard to case; a header that lacks a required column refuses the whole file ({@link Columns#require}).
 */
public final class CsvRecords {

    private static final CsvMapper CSV = new CsvMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");

    /**
     * The columns a kind of record has: those it cannot do without, groups of which one is needed, and the others
     * it reads.
     *
     * @param what what a file of such records is called in messages, e.g. "a readings CSV"
     */
    public record Columns(String what, List<String> required, List<List<String>> oneOf, List<String> optional) {

        /**
         * Fails unless {@code header} has every required column and one of each group.
         *
         * @throws IllegalArgumentException naming the missing columns, the columns expected and those not known
         */
        public void require(Header header) {
            List<String> missing = new ArrayList<>();
            for (String column : required) {
                if (!header.names().contains(column)) {
                    missing.add(column);
                }
            }
            for (List<String> group : oneOf) {
                if (group.stream().noneMatch(header.names()::contains)) {
                    missing.add(String.join(" or ", group));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            List<String> unknown =
                    header.names().stream().filter(n -> known(n).isEmpty()).toList();
            // Unknown names are quoted only when the row looks like a header (a known name, or no digit at all): the
            // first row of a file without one is data, has a date, and may hold a patient id.
            boolean headerLike = unknown.size() < header.names().size()
                    || header.names().stream().noneMatch(n -> n.chars().anyMatch(Character::isDigit));
            String hint = !headerLike
                    ? ". The first row has no known column name: a CSV file starts with a header row naming its columns"
                    : unknown.isEmpty() ? "" : ". Not known: " + String.join(", ", unknown);
            throw new IllegalArgumentException("the header lacks the required column"
                    + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " (read as '" + header.delimiter() + "'-separated). " + what
                    + " needs the columns " + expected() + "; it may have " + String.join(", ", optional) + hint);
        }

        private String expected() {
            List<String> all = new ArrayList<>(required);
            oneOf.forEach(group -> all.add(String.join(" or ", group)));
            return String.join(", ", all);
        }

        /** The column's name as this kind spells it, matched without regard to case. */
        Optional<String> known(String name) {
            return java.util.stream.Stream.of(
                            required, oneOf.stream().flatMap(List::stream).toList(), optional)
                    .flatMap(List::stream)
                    .filter(column -> column.equalsIgnoreCase(name))
                    .findFirst();
        }
    }

    /** The columns of readings: the fields of {@link NdjsonReadings}. */
    public static final Columns READINGS = new Columns(
            "A readings CSV",
            List.of("readingId", "patientId", "value", "observedAt"),
            List.of(List.of("loinc", "analyte")),
            List.of(
                    "unit",
                    "status",
                    "revision",
                    "referenceRange",
                    "abnormalFlags",
                    "patientIdAuthority",
                    "patientIdType"));

    /** The columns of clinical events: the fields of {@link NdjsonEvents}. */
    public static final Columns EVENTS = new Columns(
            "An events CSV",
            List.of("eventId", "patientId", "type", "at"),
            List.of(),
            List.of(
                    "arm",
                    "strata",
                    "dose",
                    "product",
                    "revision",
                    "enteredInError",
                    "patientIdAuthority",
                    "patientIdType"));

    /**
     * The header row of a file: its column names (known ones in their canonical spelling) and the delimiter of
     * every row.
     */
    public record Header(List<String> names, char delimiter) {}

    private CsvRecords() {}

    /**
     * The header row, its delimiter detected and the names of {@code columns} spelt canonically.
     *
     * @throws IllegalArgumentException when a column name is empty
     */
    public static Header header(String line, Columns columns) {
        char delimiter = delimiterOf(line);
        List<String> names = new ArrayList<>();
        for (String cell : cells(line, delimiter)) {
            String name = cell == null ? "" : cell.strip();
            names.add(columns.known(name).orElse(name));
        }
        if (names.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("the header row has an empty column name");
        }
        return new Header(List.copyOf(names), delimiter);
    }

    /** {@code ;} when the header has more semicolons than commas outside quotes, else {@code ,}. */
    static char delimiterOf(String headerLine) {
        int commas = 0;
        int semicolons = 0;
        boolean quoted = false;
        for (int i = 0; i < headerLine.length(); i++) {
            char c = headerLine.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == ',') {
                commas++;
            } else if (!quoted && c == ';') {
                semicolons++;
            }
        }
        return semicolons > commas ? ';' : ',';
    }

    /**
     * The NDJSON object for one data row of a file with {@code header}.
     *
     * @throws IllegalArgumentException when the row cannot be read or has more cells than the header;
     *     the message names the problem, never a cell's content
     */
    public static String toJson(Header header, String line) {
        String[] cells = cells(line, header.delimiter());
        if (cells.length > header.names().size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells but the header has "
                    + header.names().size()
                    + " columns (read as '" + header.delimiter() + "'-separated; quote a cell that holds a '"
                    + header.delimiter() + "')");
        }
        ObjectNode object = JSON.createObjectNode();
        for (int i = 0; i < cells.length; i++) {
            String name = header.names().get(i);
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

    private static String[] cells(String line, char delimiter) {
        try {
            String[] cells = CSV.readerFor(String[].class)
                    .with(CsvSchema.emptySchema().withColumnSeparator(delimiter))
                    .readValue(line);
            return cells == null ? new String[0] : cells;
        } catch (IOException e) {
            throw new IllegalArgumentException("row is not valid CSV (unbalanced quotes?)");
        }
    }
}
