package org.biomarkerstreams.domain;

import java.time.Duration;

/**
 * What makes a normal reading a confirmed normalization: a number of consecutive normal readings, or
 * normal readings spanning at least a duration with no abnormal one in between.
 */
public sealed interface Confirmation {

    /** {@code count} consecutive normal readings (1 = the first normal reading counts). */
    record Consecutive(int count) implements Confirmation {
        public Consecutive {
            if (count < 1) {
                throw new IllegalArgumentException("confirmations must be >= 1, got " + count);
            }
        }
    }

    /** Normal from the first reading of the run until a normal reading at least {@code span} later. */
    record NormalFor(Duration span) implements Confirmation {
        public NormalFor {
            if (span.isNegative() || span.isZero()) {
                throw new IllegalArgumentException("confirmation span must be positive, got " + span);
            }
        }
    }

    static Confirmation consecutive(int count) {
        return new Consecutive(count);
    }

    /** Parses {@code 2} or {@code 48h} (protocol files and options). */
    static Confirmation parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("h")) {
            return new NormalFor(Duration.ofHours(
                    Long.parseLong(t.substring(0, t.length() - 1).trim())));
        }
        return new Consecutive(Integer.parseInt(t));
    }
}
