package org.biomarkerstreams.domain;

/**
 * Why an input record was rejected. The dead-letter topic carries the code, metrics count by it, so the
 * names are part of the contract (docs/semantics.md, "Bad input and error codes").
 */
public enum ErrorCode {
    /**
     * The bytes could not be read at all: not in the registry wire format (magic byte 0 + 4-byte schema id), or the
     * Avro binary after the header is corrupt or does not match its schema id.
     */
    UNDESERIALIZABLE,
    /** A required field (analyte code, value, unit, timestamp, ...) is absent or blank. */
    MISSING_FIELD,
    /** Neither the LOINC code nor the PARAMCD is known to the site profile. */
    UNKNOWN_ANALYTE,
    /** The unit is not a unit at all (not UCUM, not a known spelling). */
    UNKNOWN_UNIT,
    /** The unit is a unit but not one of this analyte's dimension, or the D-dimer assay type disagrees or is unknown. */
    INCOMPATIBLE_UNIT,
    /** The value is not a number. */
    NON_NUMERIC,
    /** NaN, infinite, or outside the analyte's physiological plausibility bounds. */
    IMPLAUSIBLE_VALUE,
    /** The record claims a time after the processing clock allows. */
    FUTURE_TIMESTAMP,
    /** A clinical event that is structurally wrong (e.g. an unknown event type). */
    INVALID_EVENT,
    /**
     * A reading whose result status this version does not know: written with a status symbol added to the schema
     * since, which the reader's enum default turns into {@code UNKNOWN}. Not read as a final result.
     */
    UNKNOWN_STATUS,
    /** The record key is not the patient id in the value: the record may sit on another patient's partition. */
    KEY_MISMATCH,
    /** A revision already received arrives again with different content; a correction needs a higher revision. */
    CONFLICTING_REVISION,
    /** The patient's follow-up closed long ago and its state was purged after the retention period. */
    PATIENT_ARCHIVED,
    /**
     * The record names a writer schema id that the schema registry definitely does not have (it answered "schema not
     * found", Confluent error 40403): written against another registry, or before a registry was restored. A registry
     * that cannot be reached or fails is not this: the application stops instead of dead-lettering good records.
     */
    UNKNOWN_SCHEMA,
    /**
     * A well-formed record whose writer schema cannot be read as the topic's record type (another record type, an
     * incompatible version, or not an Avro schema at all): e.g. a clinical event on the readings topic.
     */
    WRONG_SCHEMA,
    /** The value is larger than the configured limit ({@code --max-record-bytes}); it is not decoded. */
    OVERSIZED,
    /** An HL7 v2 message of a type the adapter does not map (not ORU^R01, RAS^O17, ADT^A01/A03/A04). */
    UNSUPPORTED_MESSAGE,
    /**
     * An HL7 v2 message whose sending facility or application (MSH-4, MSH-3) the client certificate of its MLLP
     * connection may not send for ({@code --mllp-senders}).
     */
    UNAUTHORIZED_SENDER,
    /**
     * None of the patient's identifiers is the one {@code --patient-id-rule} selects (HL7 PID-3 has no repetition of
     * the type or authority it names; an NDJSON record names another type or authority), so the record has no key
     * that would meet the patient's other records.
     */
    NO_MATCHING_PATIENT_ID
}
