package org.biomarkerstreams.streams;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/**
 * Maps the input records between the wire ({@link LabReading}, {@link ClinicalEvent}) and the domain
 * ({@link RawReading}, {@link RawClinicalEvent}). Enums map by name; the wire's {@code UNKNOWN} event type, which a
 * newer producer's symbol also decodes to, is a missing type on the domain side. Instants are cut to milliseconds on
 * the way out, because that is all {@code timestamp-millis} carries, so a mapped record equals its decoded self.
 */
public final class InputMapping {

    private InputMapping() {}

    /** The wire record for a reading. */
    public static LabReading toAvro(RawReading reading) {
        return LabReading.newBuilder()
                .setReadingId(reading.readingId())
                .setRevision(reading.revision())
                .setPatientId(reading.patientId())
                .setLoinc(reading.loinc())
                .setAnalyte(reading.analyte())
                .setValue(reading.value())
                .setUnit(reading.unit())
                .setObservedAt(millis(reading.observedAt()))
                .setStatus(org.biomarkerstreams.avro.ResultStatus.valueOf(
                        reading.status().name()))
                .setReferenceRange(reading.referenceRange())
                .setAbnormalFlags(reading.abnormalFlags())
                .setSource(reading.source())
                .setReceivedAt(millis(reading.receivedAt()))
                .build();
    }

    /** The domain reading for a wire record. */
    public static RawReading fromAvro(LabReading reading) {
        return new RawReading(
                reading.getReadingId(),
                reading.getRevision(),
                reading.getPatientId(),
                reading.getLoinc(),
                reading.getAnalyte(),
                reading.getValue(),
                reading.getUnit(),
                reading.getObservedAt(),
                ResultStatus.valueOf(reading.getStatus().name()),
                reading.getReferenceRange(),
                reading.getAbnormalFlags(),
                reading.getSource(),
                reading.getReceivedAt());
    }

    /** The wire record for an event; a missing type becomes {@code UNKNOWN}. */
    public static ClinicalEvent toAvro(RawClinicalEvent event) {
        return ClinicalEvent.newBuilder()
                .setEventId(event.eventId())
                .setRevision(event.revision())
                .setPatientId(event.patientId())
                .setType(
                        event.type() == null
                                ? org.biomarkerstreams.avro.EventType.UNKNOWN
                                : org.biomarkerstreams.avro.EventType.valueOf(
                                        event.type().name()))
                .setAt(millis(event.at()))
                .setArm(event.arm())
                .setStrata(new TreeMap<>(event.strata()))
                .setDose(event.dose())
                .setProduct(event.product())
                .setEnteredInError(event.enteredInError())
                .setSource(event.source())
                .build();
    }

    /** The domain event for a wire record; {@code UNKNOWN} becomes a missing type. */
    public static RawClinicalEvent fromAvro(ClinicalEvent event) {
        Map<String, String> strata = new TreeMap<>();
        if (event.getStrata() != null) {
            // A decoder whose reader schema lacks avro.java.string hands out Utf8 despite the declared String type.
            Map<?, ?> labels = event.getStrata();
            labels.forEach((label, value) -> strata.put(label.toString(), value.toString()));
        }
        org.biomarkerstreams.avro.EventType type = event.getType();
        return new RawClinicalEvent(
                event.getEventId(),
                event.getRevision(),
                event.getPatientId(),
                type == null || type == org.biomarkerstreams.avro.EventType.UNKNOWN
                        ? null
                        : EventType.valueOf(type.name()),
                event.getAt(),
                event.getArm(),
                strata,
                event.getDose(),
                event.getProduct(),
                event.getEnteredInError(),
                event.getSource());
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
