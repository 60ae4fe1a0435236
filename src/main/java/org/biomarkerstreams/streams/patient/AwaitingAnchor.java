package org.biomarkerstreams.streams.patient;

import java.time.Instant;
import java.util.Objects;
import org.biomarkerstreams.streams.StateCodec;

/**
 * A patient whose readings wait for an anchor, and since when (wall clock): the value of the {@code
 * unanchored-patients} store, from which the orphan tally is computed after a restart or on another instance.
 */
public record AwaitingAnchor(Instant since) {

    private static final int VERSION = 1;

    public AwaitingAnchor {
        Objects.requireNonNull(since, "since");
    }

    public byte[] encode() {
        return new StateCodec.Writer(VERSION).writeLong(since.toEpochMilli()).toByteArray();
    }

    public static AwaitingAnchor decode(byte[] data) {
        StateCodec.Reader in = new StateCodec.Reader(data, VERSION, "patient awaiting an anchor");
        return new AwaitingAnchor(Instant.ofEpochMilli(in.readLong()));
    }
}
