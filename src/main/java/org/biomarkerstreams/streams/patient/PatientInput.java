package org.biomarkerstreams.streams.patient;

import org.biomarkerstreams.streams.Decoded;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;

/** What the patient processor consumes: both input topics, merged, still possibly undecodable. */
public sealed interface PatientInput {

    record Reading(Decoded<LabReading> decoded) implements PatientInput {}

    record Event(Decoded<ClinicalEvent> decoded) implements PatientInput {}
}
