package org.biomarkerstreams.streams.patient;

import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.streams.Decoded;

/** What the patient processor consumes: both input topics, merged, still possibly undecodable. */
public sealed interface PatientInput {

    record Reading(Decoded<LabReading> decoded) implements PatientInput {}

    record Event(Decoded<ClinicalEvent> decoded) implements PatientInput {}
}
