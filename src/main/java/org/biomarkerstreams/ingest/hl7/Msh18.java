package org.biomarkerstreams.ingest.hl7;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;

/**
 * MSH-18, the character set a message says it is written in: read from the raw bytes (before they can be decoded) and
 * named in HL7 table 0211 or, since senders write {@code UTF-8}, as Java names it. {@link Hl7Charset} decides with it.
 */
final class Msh18 {

    private static final Map<String, String> TABLE_0211 = Map.ofEntries(
            Map.entry("ASCII", "US-ASCII"),
            Map.entry("8859/1", "ISO-8859-1"),
            Map.entry("8859/2", "ISO-8859-2"),
            Map.entry("8859/3", "ISO-8859-3"),
            Map.entry("8859/4", "ISO-8859-4"),
            Map.entry("8859/5", "ISO-8859-5"),
            Map.entry("8859/6", "ISO-8859-6"),
            Map.entry("8859/7", "ISO-8859-7"),
            Map.entry("8859/8", "ISO-8859-8"),
            Map.entry("8859/9", "ISO-8859-9"),
            Map.entry("8859/15", "ISO-8859-15"),
            Map.entry("ISO IR6", "US-ASCII"),
            Map.entry("ISO IR14", "JIS_X0201"),
            Map.entry("ISO IR87", "x-JIS0208"),
            Map.entry("ISO IR159", "JIS_X0212-1990"),
            Map.entry("GB 18030-2000", "GB18030"),
            Map.entry("KS X 1001", "EUC-KR"),
            Map.entry("CNS 11643-1992", "x-EUC-TW"),
            Map.entry("BIG-5", "Big5"),
            Map.entry("UNICODE", "UTF-8"),
            Map.entry("UNICODE UTF-8", "UTF-8"),
            Map.entry("UNICODE UTF-16", "UTF-16"),
            Map.entry("UNICODE UTF-32", "UTF-32"));

    private Msh18() {}

    /**
     * The first repetition of MSH-18, read as ASCII from the MSH segment at {@code from} (after line ends or blanks a
     * sender may put before it); null when absent.
     */
    static String nameIn(byte[] frame, int from) {
        int start = from;
        while (start < frame.length && (frame[start] == '\r' || frame[start] == '\n' || frame[start] == ' ')) {
            start++;
        }
        if (frame.length < start + 8 || frame[start] != 'M' || frame[start + 1] != 'S' || frame[start + 2] != 'H') {
            return null;
        }
        byte fieldSeparator = frame[start + 3];
        int field = 1; // MSH-1 is the separator itself
        int fieldStart = -1;
        for (int i = start + 3; i < frame.length; i++) {
            byte b = frame[i];
            if (b == '\r' || b == '\n') {
                break;
            }
            if (b == fieldSeparator) {
                if (field == 18) {
                    return clean(frame, fieldStart, i);
                }
                field++;
                fieldStart = i + 1;
            }
        }
        return field == 18 ? clean(frame, fieldStart, endOfSegment(frame, fieldStart)) : null;
    }

    private static int endOfSegment(byte[] frame, int from) {
        int i = from;
        while (i < frame.length && frame[i] != '\r' && frame[i] != '\n') {
            i++;
        }
        return i;
    }

    private static String clean(byte[] frame, int from, int to) {
        String value = new String(frame, from, to - from, StandardCharsets.ISO_8859_1);
        // the first repetition, first component (MSH-2 may differ, but '~' and '^' are what everyone sends)
        int cut = value.length();
        for (char c : new char[] {'~', '^'}) {
            int at = value.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        String name = value.substring(0, cut).strip();
        return name.isEmpty() ? null : name;
    }

    static Charset charsetFor(String name) {
        String java = TABLE_0211.get(name.toUpperCase(Locale.ROOT));
        try {
            return Charset.forName(java != null ? java : name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }
}
