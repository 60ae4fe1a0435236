package org.biomarkerstreams.demo;

/** How a patient of a {@link SyntheticCohort} fares; see "Progressors" in its Javadoc. */
enum ClinicalCourse {
    RESPONDS,
    PROGRESSES_AND_RECOVERS,
    DIES
}
