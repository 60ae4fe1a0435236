package org.biomarkerstreams.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.biomarkerstreams.ingest.NdjsonFile.Line;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldSkipBlankAndCommentLinesButCountThemWhenNumbering() throws IOException {
        Path file = dir.resolve("readings.ndjson");
        Files.writeString(file, "// header\n{\"a\":1}\n\n   \n# note\n  // indented comment\n{\"b\":2}\n");

        try (Stream<Line> lines = NdjsonFile.lines(file)) {
            assertThat(lines).containsExactly(new Line(2, "{\"a\":1}"), new Line(7, "{\"b\":2}"));
        }
    }

    @Test
    void shouldStripCarriageReturnsAndTheByteOrderMarkWhenFileComesFromWindows() throws IOException {
        Path file = dir.resolve("windows.ndjson");
        Files.writeString(file, "\uFEFF{\"a\":1}\r\n{\"b\":2}\r\n");

        try (Stream<Line> lines = NdjsonFile.lines(file)) {
            assertThat(lines).containsExactly(new Line(1, "{\"a\":1}"), new Line(2, "{\"b\":2}"));
        }
    }

    @Test
    void shouldReplaceInvalidUtf8InsteadOfFailingWhenALineIsDamaged() throws IOException {
        Path file = dir.resolve("damaged.ndjson");
        byte[] damaged = "{\"unit\":\"mg/L\"}\n{\"x\":\"?\"}\n".getBytes(StandardCharsets.UTF_8);
        damaged[damaged.length - 4] = (byte) 0xC3;
        Files.write(file, damaged);

        try (Stream<Line> lines = NdjsonFile.lines(file)) {
            assertThat(lines.map(Line::text)).containsExactly("{\"unit\":\"mg/L\"}", "{\"x\":\"\uFFFD\"}");
        }
    }

    @Test
    void shouldReadLazilyWhenOnlyTheFirstRecordIsTaken() {
        // Serves one line and then fails, as a file far larger than memory would if read to the end.
        Reader oneLineThenBroken = new Reader() {
            private final StringReader first = new StringReader("{\"a\":1}\n");

            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int read = first.read(buffer, offset, length);
                if (read == -1) {
                    throw new IOException("read past the first line");
                }
                return read;
            }

            @Override
            public void close() {}
        };

        try (Stream<Line> lines = NdjsonFile.lines(new BufferedReader(oneLineThenBroken, 1))) {
            assertThat(lines.findFirst()).contains(new Line(1, "{\"a\":1}"));
        }
    }

    @Test
    void shouldCloseTheReaderWhenTheStreamIsClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        BufferedReader reader = new BufferedReader(new StringReader("{}\n")) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };

        NdjsonFile.lines(reader).close();

        assertThat(closed).isTrue();
    }

    @Test
    void shouldTellRecordsFromBlankAndCommentLines() {
        assertThat(List.of("{}", " {\"a\":1}", "not json")).allMatch(NdjsonFile::isRecord);
        assertThat(List.of("", "   ", "\t", "// c", "# c", "  #c")).noneMatch(NdjsonFile::isRecord);
    }
}
