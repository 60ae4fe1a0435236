package org.biomarkerstreams.domain;

/** What an analyte is for in the pipeline. */
public enum AnalyteRole {
    /** A biomarker the trial is judged by: trajectories, time to normalization, cohort views. */
    PRIMARY,
    /** An ingredient of a derived analyte (PaO2 and FiO2 make PFRATIO): stored, no time to normalization. */
    COMPONENT
}
