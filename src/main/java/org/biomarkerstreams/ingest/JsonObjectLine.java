package org.biomarkerstreams.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One line of NDJSON read as a JSON object, with typed accessors that fail with a reason naming the field.
 *
 * <p>It uses Jackson's streaming parser rather than a tree so that a number keeps the text it was written with
 * ({@code 12.50} stays {@code 12.50}). Reasons never quote a value: any value, even a misplaced one, may be PHI.
 */
final class JsonObjectLine {

    /** A field's value: its JSON token, the parser's text for scalars, and the members of an object. */
    private record Value(JsonToken token, String text, Map<String, Value> members) {}

    /** Why a line or one of its fields cannot be read; internal, turned into {@link ParsedLine.Malformed}. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final Map<String, Value> fields;
    private final Set<String> repeated;

    private JsonObjectLine(Map<String, Value> fields, Set<String> repeated) {
        this.fields = fields;
        this.repeated = repeated;
    }

    static JsonObjectLine read(String line) throws Unreadable {
        try (JsonParser parser = JSON.createParser(line)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new Unreadable("line is not a JSON object");
            }
            Set<String> repeated = new HashSet<>();
            Map<String, Value> fields = readMembers(parser, repeated);
            if (parser.nextToken() != null) {
                throw new Unreadable("line has content after the JSON object");
            }
            return new JsonObjectLine(fields, repeated);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending token, which may be PHI: report only where it broke.
            JsonLocation where = e.getLocation();
            if (e instanceof JsonEOFException
                    || (where != null && where.getCharOffset() >= line.strip().length())) {
                throw new Unreadable("line is not valid JSON: it ends before its object is closed (cut short?)");
            }
            String column = where == null || where.getColumnNr() < 0 ? "" : " at column " + where.getColumnNr();
            throw new Unreadable("line is not valid JSON" + column + " (expected one JSON object per line)");
        } catch (IOException e) {
            throw new Unreadable("line is not valid JSON");
        }
    }

    private static Map<String, Value> readMembers(JsonParser parser, Set<String> repeated) throws IOException {
        Map<String, Value> members = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            Value value =
                    switch (token) {
                        case START_OBJECT -> new Value(token, null, readMembers(parser, new HashSet<>()));
                        case START_ARRAY -> {
                            parser.skipChildren();
                            yield new Value(token, null, null);
                        }
                        default -> new Value(token, parser.getText(), null);
                    };
            if (members.put(name, value) != null) {
                repeated.add(name);
            }
        }
        return members;
    }

    /** A string field; null when missing or JSON null. */
    String string(String name) throws Unreadable {
        Value value = value(name);
        if (value == null) {
            return null;
        }
        if (value.token() != JsonToken.VALUE_STRING) {
            throw wrongType(name, "a string", value);
        }
        return value.text();
    }

    /** A string or number field as text; a number keeps the text it was written with. */
    String stringOrNumber(String name) throws Unreadable {
        Value value = value(name);
        if (value == null) {
            return null;
        }
        return switch (value.token()) {
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> value.text();
            default -> throw wrongType(name, "a string or a number", value);
        };
    }

    /** An integer field that fits in a long, or {@code absent} when missing or JSON null. */
    long integer(String name, long absent) throws Unreadable {
        Value value = value(name);
        if (value == null) {
            return absent;
        }
        if (value.token() != JsonToken.VALUE_NUMBER_INT) {
            throw wrongType(name, "an integer", value);
        }
        try {
            return Long.parseLong(value.text());
        } catch (NumberFormatException e) {
            throw new Unreadable("field '" + name + "' is out of range for a 64-bit integer");
        }
    }

    /** A boolean field, or {@code absent} when missing or JSON null. */
    boolean bool(String name, boolean absent) throws Unreadable {
        Value value = value(name);
        if (value == null) {
            return absent;
        }
        return switch (value.token()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw wrongType(name, "true or false", value);
        };
    }

    /** What a date-time field must look like, with an example: said in every message about one. */
    static final String DATE_TIME_EXPECTED =
            "an ISO-8601 date-time with an offset, e.g. 2020-02-14T08:15:00+08:00 or 2020-02-14T00:15:00Z";

    private static final Pattern SLASHED_DATE = Pattern.compile("\\d{1,2}[/.]\\d{1,2}[/.]\\d{2,4}\\b.*");

    /**
     * An ISO-8601 date-time with an offset, e.g. {@code 2020-02-14T08:15:00+08:00}. A local date-time is refused:
     * without an offset the instant of the draw, and so its study day, would be a guess.
     */
    Instant instant(String name) throws Unreadable {
        String text = string(name);
        if (text == null) {
            return null;
        }
        String strip = text.strip();
        try {
            return OffsetDateTime.parse(strip, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new Unreadable("field '" + name + "' must be " + DATE_TIME_EXPECTED + "; " + shapeOf(strip));
        }
    }

    /** What is wrong with a date-time, by its shape: never the value, which may be PHI. */
    private static String shapeOf(String text) {
        if (SLASHED_DATE.matcher(text).matches()) {
            return "it is written day/month/year or month/day/year, which is ambiguous (write 2020-02-14)";
        }
        if (parses(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME)) {
            return "it has no offset (add Z for UTC or +08:00 for the site's offset: without one the instant of the"
                    + " draw, and so its study day, would be a guess)";
        }
        if (parses(text, DateTimeFormatter.ISO_LOCAL_DATE)) {
            return "it is a date without a time";
        }
        if (parses(text.replaceFirst(" ", "T"), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                || parses(text.replaceFirst(" ", "T"), DateTimeFormatter.ISO_LOCAL_DATE_TIME)) {
            return "date and time must be separated by T, not a space";
        }
        return "it is not an ISO-8601 date-time";
    }

    private static boolean parses(String text, DateTimeFormatter format) {
        try {
            format.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * One of the constants of {@code type}, by name; case-insensitive and with FHIR's hyphens read as underscores
     * ({@code entered-in-error}). Null when missing or JSON null.
     */
    <E extends Enum<E>> E constant(String name, Class<E> type) throws Unreadable {
        String text = string(name);
        if (text == null) {
            return null;
        }
        String symbol = text.strip().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E candidate : type.getEnumConstants()) {
            if (candidate.name().equals(symbol)) {
                return candidate;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        throw new Unreadable("field '" + name + "' must be one of " + allowed);
    }

    /** An object whose members are all strings; empty when missing or JSON null. */
    Map<String, String> stringMap(String name) throws Unreadable {
        Value value = value(name);
        if (value == null) {
            return Map.of();
        }
        if (value.token() != JsonToken.START_OBJECT) {
            throw wrongType(name, "an object of string labels", value);
        }
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, Value> member : value.members().entrySet()) {
            if (member.getValue().token() != JsonToken.VALUE_STRING) {
                throw new Unreadable("field '" + name + "' must hold only string labels, one label was "
                        + describe(member.getValue().token()));
            }
            labels.put(member.getKey(), member.getValue().text());
        }
        return labels;
    }

    private Value value(String name) throws Unreadable {
        if (repeated.contains(name)) {
            throw new Unreadable("field '" + name + "' appears more than once");
        }
        Value value = fields.get(name);
        return value == null || value.token() == JsonToken.VALUE_NULL ? null : value;
    }

    private static Unreadable wrongType(String name, String expected, Value actual) {
        return new Unreadable("field '" + name + "' must be " + expected + ", was " + describe(actual.token()));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            default -> "unexpected JSON";
        };
    }
}
