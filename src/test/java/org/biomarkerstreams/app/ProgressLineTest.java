package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldStaySilentWhenTheWorkEndsWithinTheFirstInterval() {
        ProgressLine progress = new ProgressLine(out, "replay", 100, () -> now, 5 * SECOND);
        now = 4 * SECOND;
        progress.advance(100);
        progress.finish();

        assertThat(printed()).isEmpty();
    }

    @Test
    void shouldPrintCountRateAndEtaWhenTheTotalIsKnown() {
        ProgressLine progress = new ProgressLine(out, "replay: readings", 40_000, () -> now, 5 * SECOND);
        now = 5 * SECOND;
        progress.advance(10_000);

        assertThat(printed()).isEqualTo("replay: readings: 10,000 of 40,000 (25%), 2,000/s, ETA 0:15\n");
    }

    @Test
    void shouldGiveNoEtaWhenLessThanOnePercentIsDone() {
        ProgressLine progress = new ProgressLine(out, "replay", 1_703, () -> now, 5 * SECOND);
        now = 5 * SECOND;
        progress.advance(1);

        assertThat(printed()).isEqualTo("replay: 1 of 1,703 (0%), 0/s, 0:05 so far\n");
    }

    @Test
    void shouldPrintElapsedInsteadOfEtaWhenTheTotalIsUnknown() {
        ProgressLine progress = new ProgressLine(out, "export", -1, () -> now, 5 * SECOND);
        now = 65 * SECOND;
        progress.advance(130);

        assertThat(printed()).isEqualTo("export: 130, 2/s, 1:05 so far\n");
    }

    @Test
    void shouldPrintOneLinePerIntervalAndAFinalLineWhenLong() {
        ProgressLine progress = new ProgressLine(out, "export", -1, () -> now, 5 * SECOND);
        for (int i = 1; i <= 12; i++) {
            now = i * SECOND;
            progress.advance(1);
        }
        progress.finish();

        assertThat(printed().lines()).hasSize(3).last().isEqualTo("export: 12, 1/s, done in 0:12");
        assertThat(progress.count()).isEqualTo(12);
    }
}
