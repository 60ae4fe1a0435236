package org.biomarkerstreams.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A lab result as received, before validation: every field may be null except {@code status}. The topology
 * rejects missing or unusable fields with an error code; adapters only refuse input they cannot read at all.
 *
 * @param readingId stable id of the result across resends and corrections
 * @param revision higher replaces lower; the same revision again is a duplicate
 * @param patientId patient identifier (PHI)
 * @param loinc LOINC code, mapped to an analyte by the site profile
 * @param analyte analyte code (PARAMCD) when no LOINC is given
 * @param value value as text, possibly with a comparator such as {@code <0.5}
 * @param unit unit as sent
 * @param observedAt when the specimen was taken
 * @param status result status
 * @param referenceRange the lab's own reference range as sent
 * @param abnormalFlags abnormal flags as sent
 * @param source where the reading came from, e.g. {@code ndjson}
 * @param receivedAt when the ingest received it
 */
public record RawReading(
        String readingId,
        long revision,
        String patientId,
        String loinc,
        String analyte,
        String value,
        String unit,
        Instant observedAt,
        ResultStatus status,
        String referenceRange,
        String abnormalFlags,
        String source,
        Instant receivedAt) {

    public RawReading {
        Objects.requireNonNull(status, "status");
    }

    /** The same reading under other ids (a replayed or synthetic feed giving it its own reading and patient). */
    public RawReading withIds(String newReadingId, String newPatientId) {
        return new RawReading(
                newReadingId,
                revision,
                newPatientId,
                loinc,
                analyte,
                value,
                unit,
                observedAt,
                status,
                referenceRange,
                abnormalFlags,
                source,
                receivedAt);
    }
}
