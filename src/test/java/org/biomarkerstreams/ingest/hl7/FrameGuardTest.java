package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameGuardTest {

    private static final long NO_TIMEOUT = TimeUnit.HOURS.toNanos(1);

    private static FrameGuard guard(byte[] bytes, long maxFrameBytes) {
        return new FrameGuard(new ByteArrayInputStream(bytes), maxFrameBytes, NO_TIMEOUT);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[7];
        while (in.read(buffer, 0, buffer.length) >= 0) {
            // reading is the point
        }
    }

    @Test
    void shouldCountEachFrameAgainstTheLimitSeparatelyWhenFramesFollowEachOther() throws IOException {
        byte[] twoFrames = new byte[] {0x0B, 'a', 'b', 'c', 0x1C, 0x0D, 0x0B, 'd', 'e', 'f', 0x1C, 0x0D};
        FrameGuard guard = guard(twoFrames, 4);

        drain(guard);

        assertThat(guard.framesEnded()).isEqualTo(2);
        assertThat(guard.pending()).isZero();
    }

    @Test
    void shouldThrowWhenOneFrameExceedsTheLimit() {
        byte[] big = new byte[] {0x0B, 'a', 'b', 'c', 'd', 'e', 0x1C, 0x0D};
        FrameGuard guard = guard(big, 4);

        assertThatThrownBy(() -> drain(guard))
                .isInstanceOf(FrameGuard.FrameLimitException.class)
                .hasMessageContaining("larger than 4 bytes");
    }

    @Test
    void shouldReportPendingBytesWhenStreamEndsMidFrame() throws IOException {
        FrameGuard guard = guard(new byte[] {0x0B, 'M', 'S', 'H'}, 100);

        drain(guard);

        assertThat(guard.pending()).isEqualTo(4);
        assertThat(guard.framesEnded()).isZero();
    }

    @Test
    void shouldAccountSingleByteReadsLikeBulkReads() throws IOException {
        FrameGuard guard = guard(new byte[] {0x0B, 'x', 0x1C, 0x0D, 0x0B, 'y'}, 100);

        while (guard.read() >= 0) {
            // reading is the point
        }

        assertThat(guard.framesEnded()).isEqualTo(1);
        assertThat(guard.pending()).isEqualTo(2);
    }
}
