package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hl7FileTest {

    private static final String FIRST = "MSH|^~\\&|A|B|||202002020900||ORU^R01|1|P|2.5.1\rPID|||P1\r";
    private static final String SECOND = "MSH|^~\\&|A|B|||202002020901||ADT^A03|2|P|2.5.1\rPID|||P2\rPV1|1\r";

    @TempDir
    Path dir;

    @Test
    void shouldSplitMllpFramesWhenFileIsAnMllpCapture() throws IOException {
        Path file = write("\u000b" + FIRST + "\u001c\r\u000b" + SECOND + "\u001c\r");

        assertThat(read(file)).containsExactly(FIRST, SECOND);
    }

    @Test
    void shouldSplitOnBlankLinesAndNormalizeLineEndsWhenFileIsAnExport() throws IOException {
        Path file = write(FIRST.replace("\r", "\r\n") + "\r\n" + SECOND.replace("\r", "\n") + "\n\n");

        assertThat(read(file)).containsExactly(FIRST, SECOND);
    }

    @Test
    void shouldSplitOnMshWhenMessagesFollowEachOtherWithoutSeparator() throws IOException {
        Path file = write(FIRST.replace("\r", "\n") + SECOND.replace("\r", "\n"));

        assertThat(read(file)).containsExactly(FIRST, SECOND);
    }

    @Test
    void shouldDropBatchEnvelopeWhenFileIsAnHl7Batch() throws IOException {
        Path file = write("FHS|^~\\&\rBHS|^~\\&\r" + FIRST + SECOND + "BTS|2\rFTS|1\r");

        assertThat(read(file)).containsExactly(FIRST, SECOND);
    }

    @Test
    void shouldKeepGarbageAsAMessageWhenItIsNotHl7() throws IOException {
        Path file = write("not hl7 at all\n\n" + FIRST);

        assertThat(read(file)).containsExactly("not hl7 at all\r", FIRST);
    }

    @Test
    void shouldReturnSingleMshLineWhenItEndsTheFile() throws IOException {
        Path file = write(FIRST + "MSH|^~\\&|A");

        assertThat(read(file)).containsExactly(FIRST, "MSH|^~\\&|A\r");
    }

    @Test
    void shouldReadEveryFixtureToAnAcceptedMessage() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String name : Hl7Fixtures.ALL) {
            all.append('\u000b').append(Hl7Fixtures.read(name)).append("\u001c\r");
        }
        Hl7Mapper mapper = new Hl7Mapper(Hl7Settings.defaults(Hl7Fixtures.CLOCK));

        List<Hl7Outcome> outcomes =
                read(write(all.toString())).stream().map(mapper::map).toList();

        assertThat(outcomes).hasSize(Hl7Fixtures.ALL.length).allMatch(o -> o instanceof Hl7Outcome.Accepted);
    }

    @Test
    void shouldKeepEachMessagesBytesAsWrittenWhenMessagesOfOneFileUseDifferentCharacterSets() throws IOException {
        byte[] utf8 = FIRST.replace("P1", "P1 \u00b5g/L").getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = SECOND.replace("P2", "P2 \u00b5g/L").getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("mixed.hl7");
        Files.write(file, concat(utf8, "\n".getBytes(StandardCharsets.US_ASCII), latin1));

        try (Stream<byte[]> messages = Hl7File.messages(file)) {
            assertThat(messages.toList()).containsExactly(utf8, latin1);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private Path write(String content) throws IOException {
        Path file = dir.resolve("messages.hl7");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> read(Path file) {
        try (Stream<byte[]> messages = Hl7File.messages(file)) {
            return messages.map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                    .toList();
        }
    }
}
