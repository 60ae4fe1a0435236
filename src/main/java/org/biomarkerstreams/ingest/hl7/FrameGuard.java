package org.biomarkerstreams.ingest.hl7;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * Sits under HAPI's MLLP reader and bounds what one frame may cost: its size and the time it takes
 * to arrive. HAPI's decoder buffers without limit and, on a socket timeout, hands a half-received
 * frame on as if it were complete; both are turned here into an {@link IOException} that ends the
 * connection. An idle connection between frames is normal for MLLP and waits indefinitely.
 *
 * <p>Only counts bytes; HAPI still does the framing. A frame ends at the end-block byte 0x1C (the
 * carriage return after it is not counted towards the next frame).
 */
final class FrameGuard extends FilterInputStream {

    private static final int END_BLOCK = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;

    private final long maxFrameBytes;
    private final long frameTimeoutNanos;
    private long pending;
    private long framesEnded;
    private long frameStartedAt;
    private boolean afterEndBlock;

    FrameGuard(InputStream in, long maxFrameBytes, long frameTimeoutNanos) {
        super(in);
        this.maxFrameBytes = maxFrameBytes;
        this.frameTimeoutNanos = frameTimeoutNanos;
    }

    /** Bytes of a frame that started arriving and has not ended. */
    long pending() {
        return pending;
    }

    /** Frames whose end-block byte has arrived (HAPI may not have decoded them yet). */
    long framesEnded() {
        return framesEnded;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (pending == 0) {
                    continue;
                }
                throw new FrameLimitException("frame not completed within the frame timeout");
            }
            if (n > 0) {
                account(b, off, n);
            }
            return n;
        }
    }

    private void account(byte[] b, int off, int n) throws FrameLimitException {
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xFF;
            if (c == END_BLOCK) {
                pending = 0;
                framesEnded++;
                afterEndBlock = true;
                continue;
            }
            if (afterEndBlock && c == CARRIAGE_RETURN) {
                afterEndBlock = false;
                continue;
            }
            afterEndBlock = false;
            if (pending++ == 0) {
                frameStartedAt = System.nanoTime();
            }
            // Checked per byte: one bulk read can hold an oversized frame together with its end.
            if (pending > maxFrameBytes) {
                throw new FrameLimitException("frame larger than " + maxFrameBytes + " bytes");
            }
        }
        if (pending > 0 && System.nanoTime() - frameStartedAt > frameTimeoutNanos) {
            throw new FrameLimitException("frame not completed within the frame timeout");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would escape the accounting; HAPI never skips.
        throw new IOException("skip is not supported");
    }

    /** A frame broke a limit; the connection must end. */
    static final class FrameLimitException extends IOException {
        private static final long serialVersionUID = 1L;

        FrameLimitException(String message) {
            super(message);
        }
    }
}
