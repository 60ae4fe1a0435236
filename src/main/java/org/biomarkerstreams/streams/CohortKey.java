package org.biomarkerstreams.streams;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys of the cohort outputs: {@code arm|stratumLabel|stratumValue|analyte|visit} for visit summaries
 * and {@code arm|stratumLabel|stratumValue|analyte} for normalization curves, an absent label and value
 * as empty parts ({@code ALL|||CRP|D7}). Labels and values are free text from the input, so a {@code |}
 * or {@code \} inside a part is escaped with a backslash, which keeps every key unambiguous.
 */
public final class CohortKey {

    private static final char SEPARATOR = '|';
    private static final char ESCAPE = '\\';

    private CohortKey() {}

    /** Key of a visit summary; {@code label} and {@code value} null for the arm alone. */
    public static String visit(String arm, String label, String value, String analyte, String visit) {
        return join(arm, label, value, analyte, visit);
    }

    /** Key of a normalization curve; {@code label} and {@code value} null for the arm alone. */
    public static String curve(String arm, String label, String value, String analyte) {
        return join(arm, label, value, analyte);
    }

    /** The parts joined with {@code |}, each escaped; a null part is empty. */
    static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                b.append(SEPARATOR);
            }
            String part = parts[i];
            if (part == null) {
                continue;
            }
            for (int c = 0; c < part.length(); c++) {
                char ch = part.charAt(c);
                if (ch == SEPARATOR || ch == ESCAPE) {
                    b.append(ESCAPE);
                }
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** The parts of a key made by {@link #join}; an empty part comes back as null. */
    static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int c = 0; c < key.length(); c++) {
            char ch = key.charAt(c);
            if (ch == ESCAPE && c + 1 < key.length()) {
                part.append(key.charAt(++c));
            } else if (ch == SEPARATOR) {
                parts.add(part.length() == 0 ? null : part.toString());
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        parts.add(part.length() == 0 ? null : part.toString());
        return parts;
    }
}
