package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A field's path as messages write it, from the top of the file: {@code demo.arms[0].regimens[1].infusionDays}.
 * Jackson's path of a mistake and the parser's position in the text are both written this way, so the one finds the
 * other.
 */
final class FieldPath {

    private FieldPath() {}

    /** {@code child} within {@code parent}; either may be empty (the top of the file, the field itself). */
    static String join(String parent, String child) {
        if (parent.isEmpty()) {
            return child;
        }
        if (child.isEmpty()) {
            return parent;
        }
        return child.startsWith("[") ? parent + child : parent + "." + child;
    }

    /** Item {@code index} of the list at {@code list}. */
    static String index(String list, int index) {
        return list + "[" + index + "]";
    }

    /** The field that holds {@code path}; empty for a field at the top. */
    static String parent(String path) {
        int cut = path.endsWith("]") ? path.lastIndexOf('[') : path.lastIndexOf('.');
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /** The field Jackson was binding when it failed. */
    static String of(List<JsonMappingException.Reference> references) {
        String path = "";
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path = join(path, reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path = index(path, reference.getIndex());
            }
        }
        return path;
    }

    /** The field whose key or value a parser has just read. */
    static String of(JsonStreamContext context) {
        Deque<JsonStreamContext> fromTop = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            fromTop.push(c);
        }
        String path = "";
        for (JsonStreamContext c : fromTop) {
            // A mapping or list just opened has no key or item yet: it stands for the field that holds it.
            if (c.inArray() && c.hasCurrentIndex()) {
                path = index(path, c.getCurrentIndex());
            } else if (c.inObject() && c.getCurrentName() != null) {
                path = join(path, c.getCurrentName());
            }
        }
        return path;
    }
}
