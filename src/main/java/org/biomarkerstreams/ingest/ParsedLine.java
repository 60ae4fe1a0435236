package org.biomarkerstreams.ingest;

import java.util.Objects;
import org.biomarkerstreams.domain.Rejection;

/**
 * The outcome of parsing one line of an input file: a value, a readable reason why the line could not be read, or a
 * rejection of a line that was read. A malformed line is expected bad input, not a bug, so it is a value the caller
 * dead-letters rather than an exception.
 *
 * @param <T> what a well-formed line becomes
 */
public sealed interface ParsedLine<T> permits ParsedLine.Parsed, ParsedLine.Malformed, ParsedLine.Rejected {

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

    /**
     * A line that was read but cannot become a record with a usable key ({@code NO_MATCHING_PATIENT_ID}): it is
     * dead-lettered with its code by the file's reader, since a record without the right key would reach the wrong
     * patient, or none. The message never contains a patient identifier.
     */
    record Rejected<T>(Rejection rejection) implements ParsedLine<T> {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
        }
    }
}
