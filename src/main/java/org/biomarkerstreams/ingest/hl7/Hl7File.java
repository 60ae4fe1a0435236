package org.biomarkerstreams.ingest.hl7;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * HL7 v2 messages stored in a file, as LIS exports and MLLP captures write them. Messages are separated by MLLP
 * framing ({@code 0x0B} ... {@code 0x1C 0x0D}), by blank lines, or simply by the next {@code MSH} segment; segments
 * may end with {@code \r}, {@code \n} or {@code \r\n}. Each message is returned with every segment ended by {@code
 * \r}. Batch envelope segments (FHS, BHS, BTS, FTS) are dropped. The file is read lazily: close the stream.
 */
public final class Hl7File {

    private static final Set<String> ENVELOPE = Set.of("FHS", "BHS", "BTS", "FTS");
    private static final int START_BLOCK = 0x0B;
    private static final int END_BLOCK = 0x1C;

    private Hl7File() {}

    /** The messages of a UTF-8 file; undecodable bytes become U+FFFD. */
    public static Stream<String> messages(Path file) {
        return messages(file, StandardCharsets.UTF_8);
    }

    /**
     * The messages of a file in {@code charset} (ISO-8859-1 for many older LIS); undecodable bytes become U+FFFD.
     *
     * @throws UncheckedIOException if the file cannot be opened, or later while reading
     */
    public static Stream<String> messages(Path file, Charset charset) {
        BufferedReader reader;
        try {
            reader = new BufferedReader(new InputStreamReader(
                    Files.newInputStream(file),
                    charset.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages(reader).onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The messages read from {@code reader}, which the caller closes. */
    public static Stream<String> messages(Reader reader) {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(new Messages(reader), Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    private static final class Messages implements Iterator<String> {
        private final Reader reader;
        private final StringBuilder line = new StringBuilder();
        private String pendingMsh;
        private String next;
        private boolean ended;
        private int previous = -1;

        Messages(Reader reader) {
            this.reader = reader;
        }

        @Override
        public boolean hasNext() {
            if (next == null && (!ended || pendingMsh != null)) {
                next = read();
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            String message = next;
            next = null;
            return message;
        }

        private String read() {
            StringBuilder message = new StringBuilder();
            if (pendingMsh != null) {
                message.append(pendingMsh).append('\r');
                pendingMsh = null;
            }
            try {
                while (true) {
                    int c = ended ? -1 : reader.read();
                    int before = previous;
                    previous = c;
                    if (c == -1) {
                        ended = true;
                        endLine(message);
                        return message.isEmpty() ? null : message.toString();
                    }
                    if (c == START_BLOCK || c == END_BLOCK) {
                        endLine(message);
                        if (!message.isEmpty()) {
                            return message.toString();
                        }
                    } else if (c == '\n' && before == '\r') {
                        continue; // second half of \r\n
                    } else if (c == '\r' || c == '\n') {
                        boolean blank = line.toString().isBlank();
                        endLine(message);
                        if ((blank || pendingMsh != null) && !message.isEmpty()) {
                            return message.toString();
                        }
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the current line: appends it as a segment, or holds it back when an MSH starts the next message. */
        private void endLine(StringBuilder message) {
            String segment = line.toString();
            line.setLength(0);
            if (segment.isBlank() || (segment.length() >= 3 && ENVELOPE.contains(segment.substring(0, 3)))) {
                return;
            }
            if (segment.startsWith("MSH") && !message.isEmpty()) {
                pendingMsh = segment;
                return;
            }
            message.append(segment).append('\r');
        }
    }
}
