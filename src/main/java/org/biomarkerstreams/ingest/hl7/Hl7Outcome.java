package org.biomarkerstreams.ingest.hl7;

import java.util.List;
import java.util.Objects;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;

/**
 * What one HL7 v2 message became: readings and events, or a rejection of the whole message. Neither carries a
 * patient identifier in its text.
 */
public sealed interface Hl7Outcome permits Hl7Outcome.Accepted, Hl7Outcome.Rejected {

    /**
     * A message that was read. Readings and events may still be dead-lettered by the topology (missing value or
     * time, unknown analyte, ...); {@code skipped} lists what in the message deliberately became no record.
     *
     * @param readings one per mapped OBX, in message order
     * @param events clinical events, in message order
     * @param skipped observations and administrations that produced nothing, with the reason (OBX-11 {@code X},
     *     RXA-20 {@code NA}, ...)
     */
    record Accepted(List<RawReading> readings, List<RawClinicalEvent> events, List<Skipped> skipped)
            implements Hl7Outcome {
        public Accepted {
            readings = List.copyOf(readings);
            events = List.copyOf(events);
            skipped = List.copyOf(skipped);
        }

        /** How many results the lab reported as not done (OBX-11 {@code X}). */
        public int notDone() {
            return (int) skipped.stream()
                    .filter(s -> s.reason() == SkipReason.NOT_DONE)
                    .count();
        }
    }

    /**
     * A message that could not be read or is not one this adapter maps; the sender should get an error ACK.
     *
     * @param errorCode {@code UNDESERIALIZABLE} (not HL7, or unreadable content such as a malformed date-time),
     *     {@code UNSUPPORTED_MESSAGE} (a message type other than ORU^R01, RAS^O17, ADT^A01/A03/A04) or {@code
     *     MISSING_FIELD} (nothing to key or identify a record by: PID-3, OBR-3 and OBR-2, no OBX or RXA) or {@code
     *     NO_MATCHING_PATIENT_ID} (PID-3 has no identifier the patient id rule selects)
     * @param message readable reason, without patient identifiers
     * @param errSegmentLocation ERR-2 style location {@code SEG^OCCURRENCE^FIELD}, e.g. {@code OBX^2^14}; null when
     *     not tied to a field
     */
    record Rejected(ErrorCode errorCode, String message, String errSegmentLocation) implements Hl7Outcome {
        public Rejected {
            Objects.requireNonNull(errorCode, "errorCode");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why part of a message produced no record. */
    enum SkipReason {
        /** OBX-11 {@code X}: the result could not be obtained. */
        NOT_DONE,
        /** OBX-11 {@code I}, {@code N}, {@code O} or another status without a result value. */
        NO_RESULT,
        /** An OBX in the SPECIMEN group describes the specimen, not the patient. */
        SPECIMEN_OBSERVATION,
        /** RXA-20 {@code NA} or {@code RE}: the product was not given. */
        NOT_ADMINISTERED
    }

    /**
     * Part of a message that produced no record.
     *
     * @param location ERR-2 style, e.g. {@code OBX^3} or {@code OBX^3^11}
     * @param reason why
     * @param detail readable detail, e.g. the status code as sent
     */
    record Skipped(String location, SkipReason reason, String detail) {
        public Skipped {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
