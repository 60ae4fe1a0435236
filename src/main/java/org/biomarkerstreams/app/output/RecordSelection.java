package org.biomarkerstreams.app.output;

/** Which records of a topic go to its file: {@code --latest} or not. */
public enum RecordSelection {
    /** Every record in emit order: the change log as the topic holds it. */
    EVERY_CHANGE,
    /**
     * For the five latest-state topics (compacted changelogs), one record per key, the last; a tombstone or a
     * retracted trajectory point removes its key. Alerts and dead letters are events, not states: written whole.
     */
    LATEST_PER_KEY
}
