package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.Escaping;
import ca.uhn.hl7v2.parser.FixFieldDataType;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;

/**
 * HAPI's {@link PipeParser}, building the same message objects, with the cost of its string handling taken out
 * of the two places a message's time goes (bench/README.md, "HL7 over MLLP"):
 *
 * <ul>
 *   <li>every field, component and subcomponent is cut with {@link #split(String, char)}, a scan with {@code
 *       indexOf} into an exactly sized array, where {@link PipeParser#split(String, String)} runs a {@code
 *       StringTokenizer} into a growing list: about a third of the parse;
 *   <li>the message structure (MSH-9) is read from the MSH segment, where HAPI tokenizes the whole message to find
 *       it.
 * </ul>
 *
 * <p>The rules are HAPI's, stated here because each override must keep them: a field separator at the start, or
 * two in a row, stand for an absent (null) value, one at the end for nothing; MSH-2 is taken whole; OBX-5 (and
 * MFE-4 after v2.3) gets its type fixed after the segment is read. {@code TokenizingPipeParserProperties} holds
 * the two parsers to the same encoded message, or the same error, on generated and on sample messages. The
 * segment loop ({@link PipeParser#parse(Message, String)}) is HAPI's own.
 */
final class TokenizingPipeParser extends PipeParser {

    /** HAPI's segment delimiter (package-private in {@link PipeParser}). */
    private static final char SEGMENT_END = '\r';

    TokenizingPipeParser(HapiContext context) {
        super(context);
    }

    /**
     * The same parts as {@link PipeParser#split(String, String)} with that one character as delimiter: the text cut
     * at each {@code delimiter}, empty parts null, a last empty part left out ({@code "a|"} is {@code [a]}, {@code
     * "|a"} is {@code [null, a]}, {@code ""} and null are {@code []}).
     */
    static String[] split(String text, char delimiter) {
        if (text == null || text.isEmpty()) {
            return new String[0];
        }
        int first = text.indexOf(delimiter);
        if (first < 0) {
            // Most fields have one repetition, most components no subcomponents.
            return new String[] {text};
        }
        int parts = 2;
        for (int at = text.indexOf(delimiter, first + 1); at >= 0; at = text.indexOf(delimiter, at + 1)) {
            parts++;
        }
        boolean endsEmpty = text.charAt(text.length() - 1) == delimiter;
        String[] result = new String[endsEmpty ? parts - 1 : parts];
        int start = 0;
        for (int i = 0; i < result.length; i++) {
            int end = text.indexOf(delimiter, start);
            if (end < 0) {
                end = text.length();
            }
            result[i] = end == start ? null : text.substring(start, end);
            start = end + 1;
        }
        return result;
    }

    @Override
    protected Message doParse(String message, String version) throws HL7Exception {
        int end = message.indexOf(SEGMENT_END);
        String msh = end < 0 ? message : message.substring(0, end);
        String[] fields = msh.length() < 9 ? new String[0] : split(msh, msh.charAt(3));
        if (fields.length < 10) {
            // HAPI reads MSH-9 from the whole message, so a short MSH gives it another field: its path decides.
            return super.doParse(message, version);
        }
        String[] type = split(fields[8], msh.charAt(4));
        String structure;
        boolean explicit = true;
        if (type.length >= 3) {
            structure = type[2];
        } else if (type.length > 0 && "ACK".equals(type[0])) {
            structure = "ACK";
        } else if (type.length == 2) {
            structure = type[0] + "_" + type[1];
            explicit = false;
        } else {
            // Too short to name a structure: HAPI's own path gives its own error for it.
            return super.doParse(message, version);
        }
        Message parsed = instantiateMessage(structure, version, explicit);
        parsed.setParser(this);
        parse(parsed, message);
        return parsed;
    }

    @Override
    public void parse(Segment destination, String segment, EncodingCharacters encodingChars, int repetition)
            throws HL7Exception {
        String name = destination.getName();
        boolean definesDelimiters = name.equals("MSH") || name.equals("FHS") || name.equals("BHS");
        int fieldOffset = 0;
        if (definesDelimiters) {
            fieldOffset = 1;
            Terser.set(destination, 1, 0, 1, 1, String.valueOf(encodingChars.getFieldSeparator()));
        }
        String[] fields = split(segment, encodingChars.getFieldSeparator());
        for (int i = 1; i < fields.length; i++) {
            boolean encodingField = definesDelimiters && i + fieldOffset == 2;
            String[] repetitions =
                    encodingField ? new String[] {fields[i]} : split(fields[i], encodingChars.getRepetitionSeparator());
            for (int j = 0; j < repetitions.length; j++) {
                try {
                    Type field = destination.getField(i + fieldOffset, j);
                    if (encodingField) {
                        Terser.getPrimitive(field, 1, 1).setValue(repetitions[j]);
                    } else {
                        parse(field, repetitions[j], encodingChars);
                    }
                } catch (HL7Exception e) {
                    e.setFieldPosition(i);
                    if (repetition > 1) {
                        e.setSegmentRepetition(repetition);
                    }
                    e.setSegmentName(name);
                    throw e;
                }
            }
        }
        String className = destination.getClass().getName();
        if (className.contains("OBX")) {
            FixFieldDataType.fixOBX5(destination, getFactory(), getHapiContext().getParserConfiguration());
        }
        if (className.contains("MFE")
                && Version.versionOf(destination.getMessage().getVersion()).isGreaterThan(Version.V23)) {
            FixFieldDataType.fixMFE4(destination, getFactory(), getHapiContext().getParserConfiguration());
        }
    }

    @Override
    public void parse(Type destinationField, String data, EncodingCharacters encodingChars) throws HL7Exception {
        Escaping escaping = getParserConfiguration().getEscaping();
        String[] components = split(data, encodingChars.getComponentSeparator());
        for (int i = 0; i < components.length; i++) {
            String[] subcomponents = split(components[i], encodingChars.getSubcomponentSeparator());
            for (int j = 0; j < subcomponents.length; j++) {
                String value = subcomponents[j];
                if (value != null) {
                    value = escaping.unescape(value, encodingChars);
                }
                Terser.getPrimitive(destinationField, i + 1, j + 1).setValue(value);
            }
        }
    }
}
