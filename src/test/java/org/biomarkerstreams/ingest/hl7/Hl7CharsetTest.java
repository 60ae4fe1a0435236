package org.biomarkerstreams.ingest.hl7;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Which character set a message's bytes are read in, the same for MLLP frames and files. */
class Hl7CharsetTest {

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** An ORU^R01 with a micro sign in two units; {@code msh18} goes into MSH-18. */
    static String oru(String msh18) {
        return "MSH|^~\\&|LIS|LAB|||20200203091500||ORU^R01|C-1|P|2.5.1||||||" + msh18 + "\r"
                + "PID|1||P1\r"
                + "OBR|1||F-1|24323-8^Panel^LN|||202002030800\r"
                + "OBX|1|NM|48065-7^D-dimer^LN||620|\u00b5g/L|||||F\r"
                + "OBX|2|NM|731-0^Lymphocytes^LN||850|cells/\u00b5L|||||F\r";
    }

    @Test
    void shouldReadUtf8BytesAsUtf8WhenMsh18IsEmpty() {
        Hl7Charset.Text text = text(Hl7Charset.decode(oru("").getBytes(UTF_8), ISO_8859_1));

        assertThat(text.er7()).isEqualTo(oru("")).contains("\u00b5g/L", "cells/\u00b5L");
        assertThat(text.charset()).isEqualTo(UTF_8);
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.VALID_UTF_8);
    }

    @Test
    void shouldReadLatin1BytesInTheDefaultWhenMsh18IsEmptyAndTheBytesAreNotUtf8() {
        byte[] latin1 = oru("").getBytes(ISO_8859_1);
        assertThat(latin1).contains((byte) 0xB5);

        Hl7Charset.Text text = text(Hl7Charset.decode(latin1, ISO_8859_1));

        assertThat(text.er7()).isEqualTo(oru(""));
        assertThat(text.charset()).isEqualTo(ISO_8859_1);
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.DEFAULT);
    }

    @Test
    void shouldUseTheConfiguredDefaultWhenTheBytesAreNotUtf8() {
        byte[] euro = "MSH|^~\\&|LIS|LAB|||20200203||ORU^R01|C-2|P|2.5.1\rNTE|1||\u20ac 12\r".getBytes(WINDOWS_1252);

        Hl7Charset.Text text = text(Hl7Charset.decode(euro, WINDOWS_1252));

        assertThat(text.er7()).contains("\u20ac 12");
        assertThat(text.charset()).isEqualTo(WINDOWS_1252);
    }

    @Test
    void shouldReadAsciiAsUtf8WhichDecodesItTheSameWay() {
        String ascii = "MSH|^~\\&|LIS|LAB|||20200203||ORU^R01|C-3|P|2.5.1\rPID|1||P1\r";

        Hl7Charset.Text text = text(Hl7Charset.decode(ascii.getBytes(ISO_8859_1), WINDOWS_1252));

        assertThat(text.er7()).isEqualTo(ascii);
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.VALID_UTF_8);
    }

    @Test
    void shouldFollowMsh18EvenWhenTheBytesWouldAlsoBeValidUtf8() {
        // "Ã©" in ISO-8859-1 is C3 A9, which is also UTF-8 for "é": MSH-18 decides, not the guess.
        String declared = oru("8859/1").replace("P1", "P1 \u00c3\u00a9");

        Hl7Charset.Text text = text(Hl7Charset.decode(declared.getBytes(ISO_8859_1), UTF_8));

        assertThat(text.er7()).isEqualTo(declared);
        assertThat(text.charset()).isEqualTo(ISO_8859_1);
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.MSH_18);
    }

    @Test
    void shouldReadTableAndJavaNamesInMsh18() {
        assertThat(text(Hl7Charset.decode(oru("UNICODE UTF-8").getBytes(UTF_8), ISO_8859_1))
                        .er7())
                .contains("\u00b5g/L");
        assertThat(text(Hl7Charset.decode(oru("UTF-8~8859/1").getBytes(UTF_8), ISO_8859_1))
                        .charset())
                .isEqualTo(UTF_8);
        assertThat(text(Hl7Charset.decode(oru("8859/15").getBytes(Charset.forName("ISO-8859-15")), UTF_8))
                        .charset())
                .isEqualTo(Charset.forName("ISO-8859-15"));
    }

    @Test
    void shouldNameTheCharsetWhenMsh18NamesOneNobodyKnows() {
        assertThat(Hl7Charset.decode(oru("KLINGON-8").getBytes(UTF_8), ISO_8859_1))
                .isEqualTo(new Hl7Charset.Unsupported("KLINGON-8"));
    }

    @Test
    void shouldReadUtf8AfterAByteOrderMarkAndDropTheMark() {
        byte[] withBom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, oru("").getBytes(UTF_8));

        Hl7Charset.Text text = text(Hl7Charset.decode(withBom, ISO_8859_1));

        assertThat(text.er7()).isEqualTo(oru(""));
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.BYTE_ORDER_MARK);
    }

    @Test
    void shouldFindMsh18AfterLineEndsBeforeTheMessage() {
        byte[] bytes = ("\r\n" + oru("8859/1")).getBytes(ISO_8859_1);

        assertThat(text(Hl7Charset.decode(bytes, UTF_8)).basis()).isEqualTo(Hl7Charset.Basis.MSH_18);
    }

    @Test
    void shouldAcceptTableAndJavaNamesButNoSetThatWritesAsciiOtherwiseAsTheDefault() {
        assertThat(Hl7Charset.forName("8859/1")).isEqualTo(ISO_8859_1);
        assertThat(Hl7Charset.forName("windows-1252")).isEqualTo(WINDOWS_1252);
        assertThat(Hl7Charset.forName(" UTF-8 ")).isEqualTo(UTF_8);
        assertThatThrownBy(() -> Hl7Charset.forName("UTF-16"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not write ASCII as ASCII");
        assertThatThrownBy(() -> Hl7Charset.forName("KLINGON-8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'KLINGON-8' is not a character set");
    }

    /** Whatever a sender writes in UTF-8 without MSH-18 comes back exactly, whatever the default. */
    @Property
    void shouldReadAnyUtf8TextBackWhenMsh18IsEmpty(@ForAll @StringLength(max = 200) String value) {
        String er7 = "MSH|^~\\&|LIS|LAB|||20200203||ORU^R01|C-4|P|2.5.1\rNTE|1||" + value + "\r";

        Hl7Charset.Text text = text(Hl7Charset.decode(er7.getBytes(UTF_8), WINDOWS_1252));

        // (an unpaired surrogate has no UTF-8 form: the sender's encoder writes '?', and that is what comes back)
        assertThat(text.er7()).isEqualTo(new String(er7.getBytes(UTF_8), UTF_8));
        assertThat(text.basis()).isEqualTo(Hl7Charset.Basis.VALID_UTF_8);
    }

    /**
     * ISO-8859-1 text whose non-ASCII characters are letters and signs a lab writes (not the C3/C2 lead bytes that
     * could start a UTF-8 sequence) is never valid UTF-8, so it is read in the default, exactly.
     */
    @Property
    void shouldReadLatin1TextWithSignsAndLettersInTheDefault(
            @ForAll
                    @StringLength(min = 1, max = 100)
                    @CharRange(from = 'a', to = 'z')
                    @CharRange(from = '\u00b0', to = '\u00bf')
                    String value) {
        String er7 = "MSH|^~\\&|LIS|LAB|||20200203||ORU^R01|C-5|P|2.5.1\rNTE|1||" + value + "\r";
        boolean nonAscii = value.chars().anyMatch(c -> c > 0x7F);

        Hl7Charset.Text text = text(Hl7Charset.decode(er7.getBytes(ISO_8859_1), ISO_8859_1));

        assertThat(text.er7()).isEqualTo(er7);
        assertThat(text.basis()).isEqualTo(nonAscii ? Hl7Charset.Basis.DEFAULT : Hl7Charset.Basis.VALID_UTF_8);
    }

    private static Hl7Charset.Text text(Hl7Charset.Decoded decoded) {
        assertThat(decoded).isInstanceOf(Hl7Charset.Text.class);
        return (Hl7Charset.Text) decoded;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
