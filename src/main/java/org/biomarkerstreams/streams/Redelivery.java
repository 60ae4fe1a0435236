package org.biomarkerstreams.streams;

import org.apache.kafka.common.header.Headers;

/**
 * The mark on a record re-emitted for an exact duplicate input under at_least_once ({@link
 * TopologyConfig#redeliverDuplicates()}): the processors downstream of the patient processor re-send what
 * they derive from a marked record even when their own state says it was sent.
 */
public final class Redelivery {

    static final String HEADER = "biomarker.redelivery";

    private static final byte[] MARK = {1};

    private Redelivery() {}

    public static void mark(Headers headers) {
        headers.add(HEADER, MARK);
    }

    public static boolean isMarked(Headers headers) {
        return headers.lastHeader(HEADER) != null;
    }
}
