package org.biomarkerstreams.streams.patient;

/** What an emission sends of a patient's derived records. */
enum EmitMode {
    /** Only records that differ from what was last sent for their key. */
    CHANGES,
    /**
     * Every record, changed or not, marked as a redelivery: for an exact duplicate input under at_least_once,
     * whose earlier outputs may have been lost although the state restored from the changelogs has them.
     */
    REDELIVERY
}
