package org.biomarkerstreams.app;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long bounded work (replay, export): records so far, rate, and an ETA when the total
 * is known. Silent for work that ends within the first interval, so short runs and tests print nothing; then one line
 * per interval (lines, not carriage returns, so that a log file or a CI console shows them too). Not thread-safe:
 * one worker calls {@link #advance}.
 */
public final class ProgressLine {

    /** How often a line is printed, and how long work runs before the first one. */
    public static final long DEFAULT_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final String what;
    private final long total;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final long started;
    private long nextPrint;
    private long count;
    private boolean printed;

    /**
     * @param what what is counted, e.g. {@code "replay: readings"}
     * @param total the number expected, or a negative number when unknown (no ETA then)
     */
    public ProgressLine(PrintStream out, String what, long total, LongSupplier nanoTime, long intervalNanos) {
        this.out = Objects.requireNonNull(out, "out");
        this.what = Objects.requireNonNull(what, "what");
        this.total = total;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
        this.started = nanoTime.getAsLong();
        this.nextPrint = started + intervalNanos;
    }

    /** A line every five seconds on stderr. */
    public static ProgressLine onStderr(String what, long total) {
        return new ProgressLine(System.err, what, total, System::nanoTime, DEFAULT_INTERVAL_NANOS);
    }

    /** Counts {@code n} more records, printing a line when an interval has passed. */
    public void advance(long n) {
        count += n;
        long now = nanoTime.getAsLong();
        if (now - nextPrint >= 0) {
            print(now, false);
            nextPrint = now + intervalNanos;
        }
    }

    /** Prints the final line, if any line was printed before (a short run stays silent). */
    public void finish() {
        if (printed) {
            print(nanoTime.getAsLong(), true);
        }
    }

    /** Records counted so far. */
    public long count() {
        return count;
    }

    private void print(long now, boolean done) {
        printed = true;
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = count / seconds;
        StringBuilder line = new StringBuilder(what).append(": ").append(String.format(Locale.ROOT, "%,d", count));
        if (total >= 0) {
            line.append(
                    String.format(Locale.ROOT, " of %,d (%.0f%%)", total, total == 0 ? 100.0 : 100.0 * count / total));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f/s", rate));
        if (done) {
            line.append(String.format(Locale.ROOT, ", done in %s", clock(seconds)));
        } else if (total >= 0 && rate > 0 && count < total && count * 100 >= total) {
            // Below 1% the rate still holds the start-up time, and an ETA from it would be hours off.
            line.append(", ETA ").append(clock((total - count) / rate));
        } else {
            line.append(String.format(Locale.ROOT, ", %s so far", clock(seconds)));
        }
        out.println(line);
        out.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
