package org.biomarkerstreams.domain;

/**
 * The calibration of a D-dimer assay. FEU (fibrinogen-equivalent units) and DDU (D-dimer units) differ by a
 * factor of about 2 that depends on the assay, so results are never converted between them; each is classified
 * against the interval of its own type. {@link #NONE} for every other analyte.
 */
public enum AssayType {
    NONE,
    FEU,
    DDU
}
