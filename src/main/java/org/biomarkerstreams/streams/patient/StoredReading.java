package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Optional;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Comparator;
import org.biomarkerstreams.domain.NormalizedValue;
import org.biomarkerstreams.domain.RangeIndicator;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.ResultStatus;
import org.biomarkerstreams.streams.StateCodec;

/**
 * A validated reading as kept in the readings store, in canonical units, with everything a trajectory
 * point needs except what depends on the anchor and baseline.
 */
public record StoredReading(
        String readingId,
        long revision,
        Instant observedAt,
        double value,
        Comparator comparator,
        AssayType assayType,
        RangeIndicator anrind,
        Double rangeLow,
        Double rangeHigh,
        ResultStatus status,
        Instant receivedAt) {

    private static final int VERSION = 1;

    /**
     * A valid reading as the processor keeps it: the canonical value, classified against {@code interval} (the
     * site profile's, or the lab's own when the protocol uses lab ranges; none for FiO2).
     */
    public static StoredReading of(RawReading raw, NormalizedValue normalized, Optional<ReferenceInterval> interval) {
        double value = normalized.canonical().value();
        return new StoredReading(
                raw.readingId(),
                raw.revision(),
                raw.observedAt(),
                value,
                normalized.comparator(),
                normalized.assayType(),
                interval.map(i -> i.classify(value)).orElse(null),
                interval.map(ReferenceInterval::low).orElse(null),
                interval.map(ReferenceInterval::high).orElse(null),
                raw.status(),
                raw.receivedAt());
    }

    /** Null when the analyte has no reference interval (FiO2). */
    public Boolean normal() {
        return anrind == null ? null : anrind == RangeIndicator.NORMAL;
    }

    public byte[] encode() {
        return new StateCodec.Writer(VERSION)
                .writeString(readingId)
                .writeLong(revision)
                .writeLong(observedAt.toEpochMilli())
                .writeDouble(value)
                .writeByte(comparator.ordinal())
                .writeByte(assayType.ordinal())
                .writeByte(anrind == null ? -1 : anrind.ordinal())
                .writeNullableDouble(rangeLow)
                .writeNullableDouble(rangeHigh)
                .writeByte(status.ordinal())
                .writeNullableInstant(receivedAt)
                .toByteArray();
    }

    public static StoredReading decode(byte[] data) {
        StateCodec.Reader in = new StateCodec.Reader(data, VERSION, "reading");
        String readingId = in.readString();
        long revision = in.readLong();
        Instant at = Instant.ofEpochMilli(in.readLong());
        double value = in.readDouble();
        Comparator comparator = Comparator.values()[in.readByte()];
        AssayType assay = AssayType.values()[in.readByte()];
        int anrind = in.readByte();
        return new StoredReading(
                readingId,
                revision,
                at,
                value,
                comparator,
                assay,
                anrind < 0 ? null : RangeIndicator.values()[anrind],
                in.readNullableDouble(),
                in.readNullableDouble(),
                ResultStatus.values()[in.readByte()],
                in.readNullableInstant());
    }
}
