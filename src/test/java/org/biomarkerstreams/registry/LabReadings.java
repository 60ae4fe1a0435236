package org.biomarkerstreams.registry;

import java.time.Instant;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.ResultStatus;

/** Test readings; the patient ids are made up. */
final class LabReadings {

    static final Instant DRAWN = Instant.parse("2026-03-02T06:00:00Z");

    private LabReadings() {}

    static LabReading aCrpReading() {
        return LabReading.newBuilder()
                .setReadingId("ORD-1|1988-5|1")
                .setRevision(2)
                .setPatientId("TEST-PATIENT-1")
                .setLoinc("1988-5")
                .setValue("<0.5")
                .setUnit("mg/dL")
                .setObservedAt(DRAWN)
                .setStatus(ResultStatus.CORRECTED)
                .setSource("hl7:LAB")
                .setReceivedAt(DRAWN.plusSeconds(3600))
                .build();
    }
}
