package org.biomarkerstreams.ingest.hl7;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * HL7 v2 messages stored in a file, as LIS exports and MLLP captures write them. Messages are separated by MLLP
 * framing ({@code 0x0B} ... {@code 0x1C 0x0D}), by blank lines, or simply by the next {@code MSH} segment; segments
 * may end with {@code \r}, {@code \n} or {@code \r\n}. Each message is returned as its bytes, with every segment
 * ended by {@code \r}, to be decoded like a frame received over MLLP ({@link Hl7Charset}): one file may hold messages
 * in different character sets, each naming its own in MSH-18. Batch envelope segments (FHS, BHS, BTS, FTS) are
 * dropped. The file is read lazily: close the stream. It must be in an ASCII-compatible encoding (UTF-8 or an 8-bit
 * set), as {@link Hl7Charset} says.
 */
public final class Hl7File {

    private static final int START_BLOCK = 0x0B;
    private static final int END_BLOCK = 0x1C;

    private Hl7File() {}

    /**
     * The messages of a file, as bytes.
     *
     * @throws UncheckedIOException if the file cannot be opened, or later while reading
     */
    public static Stream<byte[]> messages(Path file) {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return messages(in).onClose(() -> {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The messages read from {@code in}, which the caller closes. */
    public static Stream<byte[]> messages(InputStream in) {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(new Messages(in), Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    private static final class Messages implements Iterator<byte[]> {
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private byte[] pendingMsh;
        private byte[] next;
        private boolean ended;
        private int previous = -1;

        Messages(InputStream in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (next == null && (!ended || pendingMsh != null)) {
                next = read();
            }
            return next != null;
        }

        @Override
        public byte[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            byte[] message = next;
            next = null;
            return message;
        }

        private byte[] read() {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            if (pendingMsh != null) {
                message.writeBytes(pendingMsh);
                message.write('\r');
                pendingMsh = null;
            }
            try {
                while (true) {
                    int c = ended ? -1 : in.read();
                    int before = previous;
                    previous = c;
                    if (c == -1) {
                        ended = true;
                        endLine(message);
                        return message.size() == 0 ? null : message.toByteArray();
                    }
                    if (c == START_BLOCK || c == END_BLOCK) {
                        endLine(message);
                        if (message.size() > 0) {
                            return message.toByteArray();
                        }
                    } else if (c == '\n' && before == '\r') {
                        continue; // second half of \r\n
                    } else if (c == '\r' || c == '\n') {
                        boolean blank = isBlank(line.toByteArray());
                        endLine(message);
                        if ((blank || pendingMsh != null) && message.size() > 0) {
                            return message.toByteArray();
                        }
                    } else {
                        line.write(c);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends the current line: appends it as a segment, or holds it back when an MSH starts the next message. */
        private void endLine(ByteArrayOutputStream message) {
            byte[] segment = line.toByteArray();
            line.reset();
            if (isBlank(segment) || isEnvelope(segment)) {
                return;
            }
            if (startsWith(segment, "MSH") && message.size() > 0) {
                pendingMsh = segment;
                return;
            }
            message.writeBytes(segment);
            message.write('\r');
        }
    }

    private static boolean isBlank(byte[] segment) {
        for (byte b : segment) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean isEnvelope(byte[] segment) {
        return startsWith(segment, "FHS")
                || startsWith(segment, "BHS")
                || startsWith(segment, "BTS")
                || startsWith(segment, "FTS");
    }

    private static boolean startsWith(byte[] segment, String ascii) {
        if (segment.length < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (segment[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
