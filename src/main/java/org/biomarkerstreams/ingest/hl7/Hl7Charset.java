package org.biomarkerstreams.ingest.hl7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How the bytes of one HL7 v2 message become text. The one rule for every path — a frame received over MLLP
 * ({@link MllpReceiver}) and a message read from a file ({@link Hl7File}, {@code replay --hl7}) — so that the same
 * bytes give the same readings whichever way they came:
 *
 * <ol>
 *   <li>MSH-18 when the message has it: that character set (an HL7 table 0211 name, or a Java name such as {@code
 *       UTF-8}); a name that is neither cannot be decoded ({@link Unsupported});
 *   <li>a UTF-8 byte-order mark: UTF-8;
 *   <li>bytes that are valid UTF-8: UTF-8. Plain ASCII is valid UTF-8 and decodes the same either way; text in an
 *       8-bit set such as ISO-8859-1 with any character beyond ASCII is almost never valid UTF-8 (a {@code µ},
 *       {@code 0xB5}, can only continue a UTF-8 sequence, never start one; an accented letter starts one that only
 *       such signs may continue); and lab systems that write UTF-8 often leave MSH-18 empty;
 *   <li>otherwise the default ({@code --hl7-default-charset}, ISO-8859-1 unless set), which for an 8-bit set
 *       decodes every byte.
 * </ol>
 *
 * <p>Segments are found by their ASCII bytes (MSH, the carriage return), so messages must be in an ASCII-compatible
 * encoding: UTF-8 or an 8-bit set, not UTF-16.
 */
public final class Hl7Charset {

    /** The message as text, or the character set name that stopped it. */
    public sealed interface Decoded permits Text, Unsupported {}

    /**
     * @param er7 the message text
     * @param charset the set it was decoded in, also the set its acknowledgment is written in
     * @param basis which rule chose the set
     */
    public record Text(String er7, Charset charset, Basis basis) implements Decoded {
        public Text {
            Objects.requireNonNull(er7, "er7");
            Objects.requireNonNull(charset, "charset");
            Objects.requireNonNull(basis, "basis");
        }
    }

    /** MSH-18 names a character set that is neither in table 0211 nor known to Java: the message can never be read. */
    public record Unsupported(String name) implements Decoded {}

    /** Which rule chose the character set. */
    public enum Basis {
        MSH_18,
        BYTE_ORDER_MARK,
        VALID_UTF_8,
        DEFAULT
    }

    private Hl7Charset() {}

    /**
     * A character set by its HL7 table 0211 name ({@code 8859/1}, {@code UNICODE UTF-8}) or its Java name, for
     * {@code --hl7-default-charset}.
     *
     * @throws IllegalArgumentException when neither knows the name, or the set does not write ASCII as ASCII (UTF-16,
     *     UTF-32): segments and MLLP frames are found by their ASCII bytes
     */
    public static Charset forName(String name) {
        Charset charset = name == null || name.isBlank() ? null : Msh18.charsetFor(name.strip());
        if (charset == null) {
            throw new IllegalArgumentException("'" + name + "' is not a character set (an HL7 table 0211 name such as"
                    + " 8859/1 or UNICODE UTF-8, or a Java name such as ISO-8859-1, windows-1252 or UTF-8)");
        }
        String ascii = "MSH|^~\\&\r";
        if (!charset.canEncode() || !ascii.equals(new String(ascii.getBytes(charset), StandardCharsets.US_ASCII))) {
            throw new IllegalArgumentException("character set " + charset.name()
                    + " does not write ASCII as ASCII; HL7 v2 messages here must be in UTF-8 or an 8-bit set");
        }
        return charset;
    }

    /**
     * The message's text by the rules above.
     *
     * @param fallback the character set of a message without MSH-18 whose bytes are not valid UTF-8
     */
    public static Decoded decode(byte[] message, Charset fallback) {
        Objects.requireNonNull(fallback, "fallback");
        boolean bom = message.length >= 3
                && (message[0] & 0xFF) == 0xEF
                && (message[1] & 0xFF) == 0xBB
                && (message[2] & 0xFF) == 0xBF;
        int start = bom ? 3 : 0;
        int length = message.length - start;
        String name = Msh18.nameIn(message, start);
        if (name != null) {
            Charset declared = Msh18.charsetFor(name);
            if (declared == null) {
                return new Unsupported(name);
            }
            // As declared, even when a byte does not fit: the sender said so, and a replacement character in a
            // unit or a value is dead-lettered where it shows, instead of being read in a set the sender denied.
            return new Text(new String(message, start, length, declared), declared, Basis.MSH_18);
        }
        if (bom) {
            return new Text(
                    new String(message, start, length, StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8,
                    Basis.BYTE_ORDER_MARK);
        }
        try {
            String utf8 = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(message))
                    .toString();
            return new Text(utf8, StandardCharsets.UTF_8, Basis.VALID_UTF_8);
        } catch (CharacterCodingException notUtf8) {
            return new Text(new String(message, fallback), fallback, Basis.DEFAULT);
        }
    }
}
