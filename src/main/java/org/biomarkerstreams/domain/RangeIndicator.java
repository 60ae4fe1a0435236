package org.biomarkerstreams.domain;

/** Where a value lies against a reference interval, like ADaM {@code ANRIND}. */
public enum RangeIndicator {
    LOW,
    NORMAL,
    HIGH
}
