package org.biomarkerstreams.ingest.hl7;

import static org.biomarkerstreams.ingest.hl7.Hl7Fields.either;
import static org.biomarkerstreams.ingest.hl7.Hl7Fields.text;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.IS;
import ca.uhn.hl7v2.model.v251.datatype.SN;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_SPECIMEN;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.ResultStatus;

/** ORU^R01: one reading per OBX of an OBSERVATION group; see {@link Hl7Mapper} for the rules. */
final class ResultMapping {

    private final Hl7Settings settings;

    ResultMapping(Hl7Settings settings) {
        this.settings = settings;
    }

    Hl7Outcome map(ORU_R01 oru, Hl7Mapper.Header header) throws HL7Exception, Hl7Problem {
        List<RawReading> readings = new ArrayList<>();
        List<Hl7Outcome.Skipped> skipped = new ArrayList<>();
        int pids = 0;
        int obrs = 0;
        int obxs = 0;
        for (ORU_R01_PATIENT_RESULT result : oru.getPATIENT_RESULTAll()) {
            pids++;
            String patientId = Hl7Fields.patientId(result.getPATIENT().getPID(), pids, settings.patientIdRule());
            for (ORU_R01_ORDER_OBSERVATION order : result.getORDER_OBSERVATIONAll()) {
                obrs++;
                OBR obr = order.getOBR();
                String orderNumber = either(text(obr.getFillerOrderNumber()), text(obr.getPlacerOrderNumber()));
                List<ORU_R01_OBSERVATION> observations = order.getOBSERVATIONAll();
                if (orderNumber == null && !observations.isEmpty()) {
                    throw Hl7Problem.missing("OBR^" + obrs + "^3", "filler order number, nor placer in OBR-2");
                }
                Instant specimenAt = specimenCollectedAt(order);
                Instant orderedAt = Hl7Time.parse(
                        obr.getObservationDateTime().getTime().getValue(), settings.siteZone(), "OBR^" + obrs + "^7");
                Instant statusAt = Hl7Time.parse(
                        obr.getResultsRptStatusChngDateTime().getTime().getValue(),
                        settings.siteZone(),
                        "OBR^" + obrs + "^22");
                settings.requireNotFuture(statusAt, "OBR^" + obrs + "^22");
                Instant revisionTime = statusAt != null ? statusAt : header.sentAt();
                for (ORU_R01_OBSERVATION observation : observations) {
                    obxs++;
                    OBX obx = observation.getOBX();
                    String location = "OBX^" + obxs;
                    String statusCode = text(obx.getObservationResultStatus());
                    Status status = Status.of(statusCode);
                    if (status.skip != null) {
                        skipped.add(new Hl7Outcome.Skipped(
                                location + "^11",
                                status.skip,
                                "result status " + (statusCode == null ? "(none)" : statusCode)));
                        continue;
                    }
                    Instant observedAt = Hl7Time.parse(
                            obx.getDateTimeOfTheObservation().getTime().getValue(),
                            settings.siteZone(),
                            location + "^14");
                    settings.requireNotFuture(observedAt, location + "^14");
                    readings.add(reading(
                            obx,
                            patientId,
                            orderNumber,
                            status,
                            revisionTime,
                            observedAt != null ? observedAt : specimenAt != null ? specimenAt : orderedAt,
                            header));
                }
                for (ORU_R01_SPECIMEN specimen : order.getSPECIMENAll()) {
                    for (int i = 0; i < specimen.getOBXReps(); i++) {
                        obxs++;
                        skipped.add(new Hl7Outcome.Skipped(
                                "OBX^" + obxs,
                                Hl7Outcome.SkipReason.SPECIMEN_OBSERVATION,
                                "observation of the specimen"));
                    }
                }
            }
        }
        if (obxs == 0) {
            throw Hl7Problem.missing("OBX", "no OBX segment in the ORU^R01");
        }
        return new Hl7Outcome.Accepted(readings, List.of(), skipped);
    }

    private RawReading reading(
            OBX obx,
            String patientId,
            String orderNumber,
            Status status,
            Instant revisionTime,
            Instant observedAt,
            Hl7Mapper.Header header)
            throws HL7Exception {
        CE code = obx.getObservationIdentifier();
        String identifier = text(code.getIdentifier());
        String loinc = null;
        String analyte = null;
        if ("LN".equalsIgnoreCase(text(code.getNameOfCodingSystem()))) {
            loinc = identifier;
        } else if ("LN".equalsIgnoreCase(text(code.getNameOfAlternateCodingSystem()))) {
            loinc = text(code.getAlternateIdentifier());
        }
        if (loinc == null) {
            loinc = settings.loincOf(identifier, text(code.getNameOfCodingSystem()));
        }
        if (loinc == null) {
            // Sent on with the local code as analyte so the topology dead-letters it as UNKNOWN_ANALYTE.
            analyte = identifier;
        }
        String subId = text(obx.getObservationSubID());
        long millis = revisionTime == null ? 0 : revisionTime.toEpochMilli();
        return new RawReading(
                orderNumber + "|" + (identifier == null ? "" : identifier) + "|" + (subId == null ? "" : subId),
                millis * 10 + status.rank,
                patientId,
                loinc,
                analyte,
                value(obx),
                Hl7Fields.code(obx.getUnits()),
                observedAt,
                status.status,
                text(obx.getReferencesRange()),
                flags(obx),
                header.source(),
                header.receivedAt());
    }

    private Instant specimenCollectedAt(ORU_R01_ORDER_OBSERVATION order) throws HL7Exception, Hl7Problem {
        if (order.getSPECIMENReps() == 0) {
            return null;
        }
        return Hl7Time.parse(
                order.getSPECIMEN()
                        .getSPM()
                        .getSpecimenCollectionDateTime()
                        .getRangeStartDateTime()
                        .getTime()
                        .getValue(),
                settings.siteZone(),
                "SPM^1^17");
    }

    /**
     * OBX-5 as text: SN as comparator + number ({@code <^0.5} is {@code <0.5}; {@code =} is dropped), ranges and
     * ratios as {@code 1-5} and {@code 1:128} (which the topology rejects as non-numeric), other types as sent.
     * Repetitions are joined with {@code ~}.
     */
    private static String value(OBX obx) throws HL7Exception {
        StringJoiner joined = new StringJoiner("~");
        for (Varies varies : obx.getObservationValue()) {
            String one = value(varies.getData());
            if (one != null) {
                joined.add(one);
            }
        }
        String value = joined.toString();
        return value.isBlank() ? null : value.strip();
    }

    private static String value(Type data) throws HL7Exception {
        if (data instanceof SN sn) {
            String comparator = text(sn.getComparator());
            StringBuilder text = new StringBuilder();
            if (comparator != null && !comparator.equals("=")) {
                text.append(comparator);
            }
            appendIfPresent(text, text(sn.getNum1()));
            appendIfPresent(text, text(sn.getSeparatorSuffix()));
            appendIfPresent(text, text(sn.getNum2()));
            return text.isEmpty() ? null : text.toString();
        }
        if (data instanceof Primitive primitive) {
            return text(primitive);
        }
        String encoded = data.encode();
        return encoded == null || encoded.isBlank() ? null : encoded;
    }

    private static void appendIfPresent(StringBuilder text, String part) {
        if (part != null) {
            text.append(part);
        }
    }

    private static String flags(OBX obx) {
        StringJoiner joined = new StringJoiner("~");
        for (IS flag : obx.getAbnormalFlags()) {
            String one = text(flag);
            if (one != null) {
                joined.add(one);
            }
        }
        return joined.length() == 0 ? null : joined.toString();
    }

    /**
     * OBX-11 (HL7 table 0085) and its rank within one status time, so that when two messages carry the same time a
     * correction still replaces a final and a deletion replaces both.
     */
    private enum Status {
        PRELIMINARY(ResultStatus.PRELIMINARY, 1, null),
        FINAL(ResultStatus.FINAL, 2, null),
        CORRECTED(ResultStatus.CORRECTED, 3, null),
        DELETED(ResultStatus.DELETED, 4, null),
        NOT_DONE(null, 0, Hl7Outcome.SkipReason.NOT_DONE),
        NO_RESULT(null, 0, Hl7Outcome.SkipReason.NO_RESULT);

        final ResultStatus status;
        final int rank;
        final Hl7Outcome.SkipReason skip;

        Status(ResultStatus status, int rank, Hl7Outcome.SkipReason skip) {
            this.status = status;
            this.rank = rank;
            this.skip = skip;
        }

        static Status of(String code) {
            if (code == null) {
                return FINAL; // OBX-11 is required; like NDJSON, an absent status is a final result
            }
            return switch (code.toUpperCase(Locale.ROOT)) {
                case "F", "U" -> FINAL; // U: changed to final without retransmitting the value
                case "P", "R", "S" -> PRELIMINARY; // R: entered, not verified; S: partial
                case "C" -> CORRECTED;
                case "D", "W" -> DELETED; // W: posted to the wrong patient
                case "X" -> NOT_DONE;
                default -> NO_RESULT; // I pending, N not asked, O order only, and unknown codes
            };
        }
    }
}
