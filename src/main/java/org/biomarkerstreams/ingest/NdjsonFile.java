package org.biomarkerstreams.ingest;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads a newline-delimited JSON file lazily, one record line at a time, with its line number so that errors can
 * point at it. Blank lines and comment lines (starting with {@code //} or {@code #}) are not records and are skipped.
 */
public final class NdjsonFile {

    /**
     * One record line of a file.
     *
     * @param number 1-based line number in the file, counting skipped lines
     * @param text the line without its line terminator
     */
    public record Line(long number, String text) {}

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private NdjsonFile() {}

    /**
     * The record lines of a UTF-8 file. Close the stream to close the file. Bytes that are not valid UTF-8 become
     * U+FFFD instead of failing the whole file, so one damaged line cannot stop a replay.
     */
    public static Stream<Line> lines(Path file) throws IOException {
        return lines(file, bytes -> {});
    }

    /**
     * As {@link #lines(Path)}, telling {@code bytesRead} how many bytes of the file were read so far each time more
     * are (ahead of the line handed out by at most a buffer): what a progress line needs.
     */
    public static Stream<Line> lines(Path file, LongConsumer bytesRead) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        InputStream counted = new CountingInputStream(Files.newInputStream(file), bytesRead);
        BufferedReader reader = new BufferedReader(new InputStreamReader(counted, decoder));
        return lines(reader);
    }

    private static final class CountingInputStream extends FilterInputStream {
        private final LongConsumer bytesRead;
        private long count;

        CountingInputStream(InputStream in, LongConsumer bytesRead) {
            super(in);
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytesRead.accept(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
                bytesRead.accept(count);
            }
            return n;
        }
    }

    /** The record lines of a reader; closing the stream closes the reader. */
    public static Stream<Line> lines(BufferedReader reader) {
        return StreamSupport.stream(new LineSpliterator(reader), false).onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** True when the line carries a record, false for blank and comment lines. */
    public static boolean isRecord(String text) {
        String trimmed = text.strip();
        return !trimmed.isEmpty() && !trimmed.startsWith("//") && !trimmed.startsWith("#");
    }

    private static final class LineSpliterator extends Spliterators.AbstractSpliterator<Line> {
        private final BufferedReader reader;
        private long number;

        LineSpliterator(BufferedReader reader) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE);
            this.reader = reader;
        }

        @Override
        public boolean tryAdvance(Consumer<? super Line> action) {
            try {
                String text;
                while ((text = reader.readLine()) != null) {
                    number++;
                    // Editors on Windows put a byte order mark in front of UTF-8 files; it is not part of the JSON.
                    if (number == 1 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
                        text = text.substring(1);
                    }
                    if (isRecord(text)) {
                        action.accept(new Line(number, text));
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
