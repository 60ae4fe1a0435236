package org.biomarkerstreams.ingest.hl7;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads MLLP frames ({@code 0x0B} message {@code 0x1C 0x0D}) from one connection, bounded in size. A frame larger
 * than the limit is not an error of the connection: its first bytes are kept (to correlate an AE through MSH-10
 * and as dead-letter evidence) and the rest is read and thrown away up to its end-block byte, so the sender gets
 * an answer and the connection stays usable. Only when the end block does not come within {@code discardLimit}
 * bytes is the framing given up ({@link FramingLost}). How long a frame may take is the listener's business.
 */
final class MllpFrames {

    static final int START_BLOCK = 0x0B;
    static final int END_BLOCK = 0x1C;
    static final int CARRIAGE_RETURN = 0x0D;
    private static final int LINE_FEED = 0x0A;

    /** How much of an oversized frame is kept. */
    static final int KEPT_OF_OVERSIZED = 16 * 1024;

    sealed interface Frame {}

    /** A whole frame's bytes, without the framing. */
    record Message(byte[] bytes) implements Frame {}

    /** A frame above the limit: its first bytes, and how many it had in all. */
    record Oversized(byte[] head, long length) implements Frame {}

    /** Bytes outside a frame, or the stream ended inside one: the connection cannot continue. */
    static class FramingException extends IOException {
        private static final long serialVersionUID = 1L;

        FramingException(String message) {
            super(message);
        }
    }

    /** An oversized frame whose end did not come within the discard limit. */
    static final class FramingLost extends FramingException {
        private static final long serialVersionUID = 1L;
        private final transient Oversized frame;

        FramingLost(Oversized frame) {
            super("no end block within " + frame.length() + " bytes of an oversized frame");
            this.frame = frame;
        }

        Oversized frame() {
            return frame;
        }
    }

    private final InputStream in;
    private final int maxFrameBytes;
    private final long discardLimit;
    private final Runnable frameStarted;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    /**
     * @param frameStarted called when a frame's start byte arrives (the connection is then mid-message)
     */
    MllpFrames(InputStream in, int maxFrameBytes, long discardLimit, Runnable frameStarted) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
        this.discardLimit = discardLimit;
        this.frameStarted = frameStarted;
    }

    /** The next frame; null when the stream ends between frames. */
    Frame next() throws IOException {
        while (true) {
            if (!fill()) {
                return null;
            }
            int b = buffer[position++] & 0xFF;
            if (b == START_BLOCK) {
                break;
            }
            if (b != CARRIAGE_RETURN && b != LINE_FEED) {
                throw new FramingException("bytes outside an MLLP frame");
            }
        }
        frameStarted.run();
        byte[] body = new byte[Math.min(maxFrameBytes, 8 * 1024)];
        int size = 0;
        while (true) {
            if (!fill()) {
                throw new FramingException("the connection ended inside a frame");
            }
            int end = indexOfEndBlock();
            int chunk = (end < 0 ? limit : end) - position;
            if ((long) size + chunk > maxFrameBytes) {
                int kept = Math.min(KEPT_OF_OVERSIZED, maxFrameBytes);
                byte[] head = Arrays.copyOf(body, kept);
                int fromChunk = Math.max(0, Math.min(chunk, kept - size));
                System.arraycopy(buffer, position, head, Math.min(size, kept), fromChunk);
                return discard(head, (long) size);
            }
            if (size + chunk > body.length) {
                body = Arrays.copyOf(body, Math.min(maxFrameBytes, Math.max(body.length * 2, size + chunk)));
            }
            System.arraycopy(buffer, position, body, size, chunk);
            size += chunk;
            position += chunk;
            if (end >= 0) {
                position++; // the end block
                skipCarriageReturnIfBuffered();
                return new Message(Arrays.copyOf(body, size));
            }
        }
    }

    /** Reads and drops the rest of an oversized frame. */
    private Oversized discard(byte[] head, long counted) throws IOException {
        long length = counted;
        while (true) {
            if (!fill()) {
                throw new FramingException("the connection ended inside an oversized frame");
            }
            int end = indexOfEndBlock();
            int chunk = (end < 0 ? limit : end) - position;
            length += chunk;
            position += chunk;
            if (end >= 0) {
                position++;
                skipCarriageReturnIfBuffered();
                return new Oversized(head, length);
            }
            if (length > discardLimit) {
                throw new FramingLost(new Oversized(head, length));
            }
        }
    }

    // The carriage return after the end block usually arrives with it; never wait for it (the answer would wait).
    private void skipCarriageReturnIfBuffered() {
        if (position < limit && (buffer[position] & 0xFF) == CARRIAGE_RETURN) {
            position++;
        }
    }

    private int indexOfEndBlock() {
        for (int i = position; i < limit; i++) {
            if (buffer[i] == END_BLOCK) {
                return i;
            }
        }
        return -1;
    }

    private boolean fill() throws IOException {
        if (position < limit) {
            return true;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
