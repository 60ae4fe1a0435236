package org.biomarkerstreams.ingest;

import java.util.Objects;

/**
 * The outcome of parsing one line of an input file: a value, or a readable reason why the line could not be read.
 * A malformed line is expected bad input, not a bug, so it is a value the caller dead-letters rather than an
 * exception.
 *
 * @param <T> what a well-formed line becomes
 */
public sealed interface ParsedLine<T> permits ParsedLine.Parsed, ParsedLine.Malformed {

    /** A line that was read into a value; the value may still be rejected by validation downstream. */
    record Parsed<T>(T value) implements ParsedLine<T> {
        public Parsed {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A line that could not be read. The reason names the field and never contains a patient identifier. */
    record Malformed<T>(String reason) implements ParsedLine<T> {
        public Malformed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
