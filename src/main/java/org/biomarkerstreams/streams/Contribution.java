package org.biomarkerstreams.streams;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What one patient adds to a cohort group, travelling on a repartition topic keyed by the group: the
 * patient's member key in the group (a pseudonymous token, never the patient id) and its payload, or a
 * null payload when the patient leaves the group. Internal, so a hand-written encoding (StateCodec).
 */
record Contribution(String member, byte[] payload) {

    private static final int VERSION = 1;

    boolean removal() {
        return payload == null;
    }

    byte[] encode() {
        return new StateCodec.Writer(VERSION)
                .writeString(member)
                .writeBytes(payload)
                .toByteArray();
    }

    static Contribution decode(byte[] bytes) {
        StateCodec.Reader in = new StateCodec.Reader(bytes, VERSION, "cohort contribution");
        return new Contribution(in.readString(), in.readBytes());
    }

    static Serde<Contribution> serde() {
        return Serdes.serdeFrom(
                (topic, c) -> c == null ? null : c.encode(), (topic, bytes) -> bytes == null ? null : decode(bytes));
    }
}
