package org.biomarkerstreams.domain;

/**
 * Kinds of clinical event of a trial patient. The anchor of the study timeline is the first {@code INFUSION}, or
 * {@code RANDOMIZED} for an arm without infusion; {@code DISCHARGED} and {@code DIED} censor time to normalization.
 */
public enum EventType {
    ENROLLED,
    RANDOMIZED,
    INFUSION,
    DISCHARGED,
    DIED
}
