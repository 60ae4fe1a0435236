package org.biomarkerstreams.streams;

import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;

/** What the patient processor consumes: both input topics, merged, still possibly undecodable. */
sealed interface PatientInput {

    record Reading(Decoded<LabReading> decoded) implements PatientInput {}

    record Event(Decoded<ClinicalEvent> decoded) implements PatientInput {}
}
