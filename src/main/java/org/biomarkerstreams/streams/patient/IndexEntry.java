package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import org.biomarkerstreams.streams.StateCodec;

/**
 * What the processor remembers of a reading id: its latest applied revision, where the reading sits
 * in the readings store, and a hash of its content to tell a resend from a conflicting revision. A
 * deletion leaves an entry marked {@code deleted}, so an older revision arriving after it stays
 * retracted whatever the arrival order.
 */
public record IndexEntry(long revision, long contentHash, boolean deleted, String analyte, Instant observedAt) {

    private static final int VERSION = 1;

    public byte[] encode() {
        return new StateCodec.Writer(VERSION)
                .writeLong(revision)
                .writeLong(contentHash)
                .writeBoolean(deleted)
                .writeString(analyte)
                .writeNullableInstant(observedAt)
                .toByteArray();
    }

    public static IndexEntry decode(byte[] data) {
        StateCodec.Reader in = new StateCodec.Reader(data, VERSION, "reading index");
        return new IndexEntry(
                in.readLong(), in.readLong(), in.readBoolean(), in.readString(), in.readNullableInstant());
    }
}
