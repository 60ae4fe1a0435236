package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Optional;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.LabReferenceRange;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReadingNormalizer;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Rejection;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.streams.StoreKeys;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * Checks an input record against the rules every record must meet before it touches state (docs/semantics.md,
 * "Bad input"): a valid record, or the rejection a dead letter carries.
 */
final class InputValidation {

    /** A reading that passed validation; {@code stored} is null for a retraction. */
    record ValidReading(
            String patientId, String readingId, long revision, long contentHash, String analyte, StoredReading stored) {

        boolean retracts() {
            return stored == null;
        }
    }

    /** A clinical event that passed validation, as the patient's state keeps it. */
    record ValidEvent(String patientId, PatientState.EventRecord event) {}

    private final TopologyConfig config;
    private final ReadingNormalizer normalizer;
    private final UnitConverter converter;

    InputValidation(TopologyConfig config, UnitConverter converter) {
        this.config = config;
        this.converter = converter;
        this.normalizer = new ReadingNormalizer(config.profile(), converter);
    }

    Result<ValidReading> reading(RawReading raw, String key) {
        Optional<Rejection> unidentified = identity(raw.patientId(), raw.readingId(), "readingId", key);
        if (unidentified.isPresent()) {
            return Result.rejected(unidentified.get());
        }
        if (raw.revision() < 0) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "revision must be >= 0, got " + raw.revision());
        }
        if (!raw.status().isKnown()) {
            return Result.rejected(
                    ErrorCode.UNKNOWN_STATUS,
                    "result status is not one this version knows (written with a newer schema's status symbol?);"
                            + " the reading is not used as a result");
        }
        Instant at = raw.observedAt();
        if (at != null && isFuture(at)) {
            return Result.rejected(ErrorCode.FUTURE_TIMESTAMP, "observedAt " + at + " is in the future");
        }
        long hash = ContentHash.of(raw);
        if (raw.status().retracts()) {
            return Result.ok(new ValidReading(raw.patientId(), raw.readingId(), raw.revision(), hash, null, null));
        }
        if (at == null) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "observedAt is missing");
        }
        Result<NormalizedValue> normalized = normalizer.normalize(raw.loinc(), raw.analyte(), raw.value(), raw.unit());
        if (!normalized.isOk()) {
            return Result.rejected(normalized.rejection());
        }
        NormalizedValue v = normalized.value();
        StoredReading stored = StoredReading.of(raw, v, interval(raw, v));
        return Result.ok(new ValidReading(
                raw.patientId(),
                raw.readingId(),
                raw.revision(),
                hash,
                v.analyte().paramcd(),
                stored));
    }

    /**
     * The lab's own range when the protocol classifies by lab ranges and the reading brings a readable one; else the
     * site profile's interval for the reading's lab, else the protocol's or the profile's (docs/semantics.md).
     */
    private Optional<ReferenceInterval> interval(RawReading raw, NormalizedValue v) {
        if (config.labRanges() && raw.referenceRange() != null) {
            Optional<ReferenceInterval> lab =
                    LabReferenceRange.inCanonicalUnit(raw.referenceRange(), raw.unit(), v.analyte(), converter);
            if (lab.isPresent()) {
                return lab;
            }
        }
        return v.analyte().interval(v.assayType(), raw.source());
    }

    Result<ValidEvent> event(RawClinicalEvent raw, String key) {
        Optional<Rejection> unidentified = identity(raw.patientId(), raw.eventId(), "eventId", key);
        if (unidentified.isPresent()) {
            return Result.rejected(unidentified.get());
        }
        if (raw.type() == null) {
            return Result.rejected(ErrorCode.INVALID_EVENT, "event type is missing or unknown");
        }
        if (raw.at() == null && !raw.enteredInError()) {
            return Result.rejected(ErrorCode.MISSING_FIELD, "event time 'at' is missing");
        }
        if (raw.at() != null && isFuture(raw.at())) {
            return Result.rejected(ErrorCode.FUTURE_TIMESTAMP, "event time " + raw.at() + " is in the future");
        }
        return Result.ok(new ValidEvent(
                raw.patientId(),
                new PatientState.EventRecord(
                        raw.eventId(),
                        raw.revision(),
                        ContentHash.of(raw),
                        raw.type(),
                        raw.at(),
                        raw.arm(),
                        raw.strata(),
                        raw.dose(),
                        raw.product(),
                        raw.enteredInError())));
    }

    /** Why the record cannot be filed: ids unusable in store keys, or a key that is not its patient's. */
    private static Optional<Rejection> identity(String patientId, String recordId, String recordIdField, String key) {
        if (!StoreKeys.isKeySafe(patientId)) {
            return Optional.of(new Rejection(ErrorCode.MISSING_FIELD, "patientId is missing or blank"));
        }
        if (!StoreKeys.isKeySafe(recordId)) {
            return Optional.of(new Rejection(ErrorCode.MISSING_FIELD, recordIdField + " is missing or blank"));
        }
        if (!patientId.equals(key)) {
            return Optional.of(new Rejection(
                    ErrorCode.KEY_MISMATCH, "record key differs from patientId: records must be keyed by patient id"));
        }
        return Optional.empty();
    }

    private boolean isFuture(Instant at) {
        return at.toEpochMilli()
                > config.clock().millis() + config.futureTolerance().toMillis();
    }
}
