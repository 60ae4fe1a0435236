package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A mistake in a protocol file as one message: the file, the field's path, what is wrong with it and where it is
 * written, {@code seed-002.yaml: visits[1].low: expected a whole day number, got '3.5' (line 14, column 27)}.
 */
final class ProtocolMistake {

    private ProtocolMistake() {}

    /** A failure of Jackson to read {@code yaml} or to bind it to a {@link ProtocolDocument}. */
    static IllegalArgumentException of(JsonProcessingException e, String source, String yaml) {
        return of(e, source, yaml, "protocol fields");
    }

    /**
     * A failure of Jackson to read {@code yaml} or to bind it, for any file bound this way (protocols, site profiles).
     *
     * @param fields what the top level of the file holds, for the message when it is not a mapping
     */
    static IllegalArgumentException of(JsonProcessingException e, String source, String yaml, String fields) {
        if (!(e instanceof JsonMappingException mapping)) {
            // Not YAML, or a key given twice: the parser stopped right there.
            return new IllegalArgumentException(
                    source + ": not valid YAML: " + firstLine(e.getOriginalMessage()) + where(e.getLocation()), e);
        }
        if (mapping.getCause() instanceof StreamReadException parse) {
            // The same while binding a record inside a list: Jackson adds the path but the parser knows the line.
            return new IllegalArgumentException(
                    source + ": not valid YAML: " + firstLine(parse.getOriginalMessage()) + where(parse.getLocation()),
                    e);
        }
        String path = FieldPath.of(mapping.getPath());
        if (path.isEmpty() && mapping instanceof MismatchedInputException) {
            return new IllegalArgumentException(source + ": expected a mapping of " + fields + " at the top level", e);
        }
        FieldLocations locations = FieldLocations.of(yaml);
        if (mapping instanceof ValueInstantiationException && mapping.getCause() instanceof FieldError field) {
            return located(source, FieldPath.join(path, field.path()), field.reason(), locations, e);
        }
        String reason = reason(mapping, locations.at(path).map(FieldLocations.Spot::text));
        return located(source, path, reason, locations, e);
    }

    /** A mistake that spans sections of the file, found once it was bound. */
    static IllegalArgumentException of(FieldError e, String source, String yaml) {
        return located(source, e.path(), e.reason(), FieldLocations.of(yaml), e);
    }

    private static String reason(JsonMappingException e, Optional<String> written) {
        String got = written.map(text -> ", got '" + text + "'").orElse("");
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field (expected one of " + sorted(unknown.getKnownPropertyIds()) + ")";
        }
        if (e instanceof InvalidNullException) {
            return "must have a value";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return expected(mismatch.getTargetType()) + got;
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return String.valueOf(e.getCause().getMessage());
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "expected a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "expected a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "expected true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "expected a single value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "expected a list";
        }
        if (type.isRecord() || Map.class.isAssignableFrom(type)) {
            return "expected a mapping";
        }
        return "cannot be read as " + type.getSimpleName();
    }

    private static IllegalArgumentException located(
            String source, String path, String reason, FieldLocations locations, Exception cause) {
        String where =
                locations.nearest(path).map(spot -> " " + spot.describe()).orElse("");
        String field = path.isEmpty() ? "" : path + ": ";
        return new IllegalArgumentException(source + ": " + field + reason + where, cause);
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? ""
                : " " + FieldLocations.Spot.of(location, null).describe();
    }

    private static String sorted(Collection<Object> names) {
        return names.stream().map(String::valueOf).sorted().toList().toString();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
