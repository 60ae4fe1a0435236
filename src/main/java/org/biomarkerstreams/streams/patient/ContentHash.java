package org.biomarkerstreams.streams.patient;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;

/**
 * 64-bit FNV-1a hash of what a record says (not where or when it was received), to tell an exact
 * resend of a revision from a conflicting one.
 */
public final class ContentHash {

    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private long hash = OFFSET;

    private ContentHash() {}

    static long of(RawReading r) {
        return new ContentHash()
                .add(r.patientId())
                .add(r.readingId())
                .add(Long.toString(r.revision()))
                .add(r.loinc())
                .add(r.analyte())
                .add(r.value())
                .add(r.unit())
                .add(r.observedAt() == null ? null : r.observedAt().toString())
                .add(r.status().name())
                .add(r.referenceRange())
                .add(r.abnormalFlags())
                .hash;
    }

    static long of(RawClinicalEvent e) {
        ContentHash h = new ContentHash()
                .add(e.patientId())
                .add(e.eventId())
                .add(Long.toString(e.revision()))
                .add(e.type() == null ? null : e.type().name())
                .add(e.at() == null ? null : e.at().toString())
                .add(e.arm())
                .add(e.dose())
                .add(e.product())
                .add(Boolean.toString(e.enteredInError()));
        for (Map.Entry<String, String> s : new TreeMap<>(e.strata()).entrySet()) {
            h.add(s.getKey()).add(s.getValue());
        }
        return h.hash;
    }

    private ContentHash add(String field) {
        if (field == null) {
            mix((byte) 0xff);
        } else {
            for (byte b : field.getBytes(StandardCharsets.UTF_8)) {
                mix(b);
            }
        }
        mix((byte) 0);
        return this;
    }

    private void mix(byte b) {
        hash ^= b & 0xff;
        hash *= PRIME;
    }
}
