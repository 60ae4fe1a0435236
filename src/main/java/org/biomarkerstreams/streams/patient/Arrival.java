package org.biomarkerstreams.streams.patient;

/**
 * How a revision of a reading or event relates to the one already applied under its id: the one rule that
 * makes resends idempotent and corrections win whatever the arrival order (docs/semantics.md, "Corrections").
 */
enum Arrival {
    /** Nothing was applied under this id yet. */
    FIRST,
    /** A higher revision: it replaces what was applied. */
    NEWER,
    /** The same revision with the same content: a resend, counted as a duplicate. */
    RESEND,
    /** A lower revision than the one applied: outdated, counted as a duplicate. */
    STALE,
    /** The same revision with different content: dead-lettered, a correction needs a higher revision. */
    CONFLICT;

    /** A revision arriving where {@code appliedRevision} with {@code appliedHash} was applied. */
    static Arrival after(long appliedRevision, long appliedHash, long revision, long contentHash) {
        if (revision > appliedRevision) {
            return NEWER;
        }
        if (revision < appliedRevision) {
            return STALE;
        }
        return contentHash == appliedHash ? RESEND : CONFLICT;
    }

    boolean isDuplicate() {
        return this == RESEND || this == STALE;
    }
}
