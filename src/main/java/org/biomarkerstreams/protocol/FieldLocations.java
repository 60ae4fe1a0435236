package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each field of a protocol file is written. Read again only once a mistake is found: Jackson's own location is
 * where its parser stood when the mistake surfaced, which for a record's constructor is the end of the record's
 * mapping (in block style, the next field's line) and for the whole file its last line.
 */
final class FieldLocations {

    /**
     * Where a field is written: its key, or for a list item the item itself.
     *
     * @param text the value when it is a single one (not a list or mapping), else {@code null}
     */
    record Spot(int line, int column, String text) {
        static Spot of(JsonLocation location, String text) {
            return new Spot(location.getLineNr(), location.getColumnNr(), text);
        }

        /** As a message ends: {@code (line 4, column 22)}. */
        String describe() {
            return "(line " + line + ", column " + column + ")";
        }
    }

    private final Map<String, Spot> byPath;

    private FieldLocations(Map<String, Spot> byPath) {
        this.byPath = byPath;
    }

    static FieldLocations of(String yaml) {
        Map<String, Spot> byPath = new HashMap<>();
        try (JsonParser parser = ProtocolFile.YAML.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                String path = FieldPath.of(parser.getParsingContext());
                if (token.isStructEnd() || path.isEmpty()) {
                    continue;
                }
                Spot spot = Spot.of(parser.currentTokenLocation(), token.isScalarValue() ? parser.getText() : null);
                // An entry of a mapping is located by its key, which is read before its value; the value adds its text.
                byPath.merge(path, spot, (key, value) -> new Spot(key.line(), key.column(), value.text()));
            }
        } catch (IOException e) {
            // A syntax error further on: the fields read before it are still where they were.
        }
        return new FieldLocations(byPath);
    }

    /** Where {@code path} is written, if it is. */
    Optional<Spot> at(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /**
     * Where {@code path} is written, or else the closest field that holds it (a required field the file leaves out is
     * missing from its mapping); nothing for a field at the top that is not written.
     */
    Optional<Spot> nearest(String path) {
        for (String p = path; !p.isEmpty(); p = FieldPath.parent(p)) {
            Spot spot = byPath.get(p);
            if (spot != null) {
                return Optional.of(spot);
            }
        }
        return Optional.empty();
    }
}
