package org.biomarkerstreams.ingest.hl7;

import static org.biomarkerstreams.ingest.hl7.Hl7Fields.either;
import static org.biomarkerstreams.ingest.hl7.Hl7Fields.text;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v251.group.RAS_O17_ADMINISTRATION;
import ca.uhn.hl7v2.model.v251.group.RAS_O17_ORDER;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.message.ADT_A03;
import ca.uhn.hl7v2.model.v251.message.RAS_O17;
import ca.uhn.hl7v2.model.v251.segment.EVN;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.model.v251.segment.PV1;
import ca.uhn.hl7v2.model.v251.segment.RXA;
import ca.uhn.hl7v2.util.Terser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.biomarkerstreams.domain.EventType;
import org.biomarkerstreams.domain.RawClinicalEvent;

/** RAS^O17, ADT^A01/A04 and ADT^A03 to clinical events; see {@link Hl7Mapper} for the rules. */
final class EventMapping {

    /**
     * PV1-36 codes meaning the patient died: UB-04 patient status 20, 40, 41, 42 (expired, at home, in a facility,
     * place unknown), which most sites use for user table 0112, and the spelled-out codes some systems send.
     */
    private static final Set<String> DEATH_DISPOSITIONS =
            Set.of("20", "40", "41", "42", "EXP", "EXPIRED", "DIED", "DECEASED", "DEATH");

    /** OBX-3 coding system that marks a strata label on ADT^A01/A04 (see {@link #strata}). */
    static final String STRATUM_SYSTEM = "STRATUM";

    private final Hl7Settings settings;

    EventMapping(Hl7Settings settings) {
        this.settings = settings;
    }

    Hl7Outcome infusions(RAS_O17 ras, Hl7Mapper.Header header) throws HL7Exception, Hl7Problem {
        String patientId = Hl7Fields.patientId(ras.getPATIENT().getPID(), 1, settings.patientIdRule());
        List<RawClinicalEvent> events = new ArrayList<>();
        List<Hl7Outcome.Skipped> skipped = new ArrayList<>();
        int orcs = 0;
        int rxas = 0;
        for (RAS_O17_ORDER order : ras.getORDERAll()) {
            orcs++;
            ORC orc = order.getORC();
            String orderNumber = either(text(orc.getFillerOrderNumber()), text(orc.getPlacerOrderNumber()));
            for (RAS_O17_ADMINISTRATION administration : order.getADMINISTRATIONAll()) {
                for (RXA rxa : administration.getRXAAll()) {
                    rxas++;
                    String location = "RXA^" + rxas;
                    String completion = text(rxa.getCompletionStatus());
                    if (completion != null && Set.of("NA", "RE").contains(completion.toUpperCase(Locale.ROOT))) {
                        skipped.add(new Hl7Outcome.Skipped(
                                location + "^20",
                                Hl7Outcome.SkipReason.NOT_ADMINISTERED,
                                "completion status " + completion));
                        continue;
                    }
                    String id = orderNumber != null
                            ? orderNumber + "|" + orEmpty(text(rxa.getGiveSubIDCounter())) + "|"
                                    + orEmpty(text(rxa.getAdministrationSubIDCounter()))
                            : header.controlIdOrEmpty() + "|" + rxas;
                    String amount = text(rxa.getAdministeredAmount());
                    String units = Hl7Fields.code(rxa.getAdministeredUnits());
                    String dose = amount == null ? units : units == null ? amount : amount + " " + units;
                    events.add(new RawClinicalEvent(
                            "INFUSION|" + id,
                            header.revision(),
                            patientId,
                            EventType.INFUSION,
                            Hl7Time.parse(
                                    rxa.getDateTimeStartOfAdministration()
                                            .getTime()
                                            .getValue(),
                                    settings.siteZone(),
                                    location + "^3"),
                            null,
                            Map.of(),
                            dose,
                            Hl7Fields.label(rxa.getAdministeredCode()),
                            "D".equalsIgnoreCase(text(rxa.getActionCodeRXA())),
                            header.source()));
                }
            }
        }
        if (rxas == 0) {
            throw Hl7Problem.missing("RXA", "no RXA segment in the RAS^O17");
        }
        return new Hl7Outcome.Accepted(List.of(), events, skipped);
    }

    Hl7Outcome enrolled(ADT_A01 adt, Hl7Mapper.Header header) throws HL7Exception, Hl7Problem {
        String patientId = Hl7Fields.patientId(adt.getPID(), 1, settings.patientIdRule());
        PV1 pv1 = adt.getPV1();
        Instant at = firstOf(
                time(pv1.getAdmitDateTime().getTime().getValue(), "PV1^1^44"),
                eventTime(adt.getEVN()),
                header.sentAt());
        return new Hl7Outcome.Accepted(
                List.of(),
                List.of(new RawClinicalEvent(
                        "ENROLLED|" + visitOrControlId(pv1, header),
                        header.revision(),
                        patientId,
                        EventType.ENROLLED,
                        at,
                        arm(adt),
                        strata(adt),
                        null,
                        null,
                        false,
                        header.source())),
                List.of());
    }

    Hl7Outcome discharged(ADT_A03 adt, Hl7Mapper.Header header) throws HL7Exception, Hl7Problem {
        PID pid = adt.getPID();
        String patientId = Hl7Fields.patientId(pid, 1, settings.patientIdRule());
        PV1 pv1 = adt.getPV1();
        String disposition = text(pv1.getDischargeDisposition());
        boolean died = "Y".equalsIgnoreCase(text(pid.getPatientDeathIndicator()))
                || (disposition != null && DEATH_DISPOSITIONS.contains(disposition.toUpperCase(Locale.ROOT)));
        Instant dischargedAt = pv1.getDischargeDateTimeReps() == 0
                ? null
                : time(pv1.getDischargeDateTime(0).getTime().getValue(), "PV1^1^45");
        Instant at = firstOf(
                died ? time(pid.getPatientDeathDateAndTime().getTime().getValue(), "PID^1^29") : null,
                dischargedAt,
                eventTime(adt.getEVN()),
                header.sentAt());
        EventType type = died ? EventType.DIED : EventType.DISCHARGED;
        return new Hl7Outcome.Accepted(
                List.of(),
                List.of(new RawClinicalEvent(
                        type.name() + "|" + visitOrControlId(pv1, header),
                        header.revision(),
                        patientId,
                        type,
                        at,
                        null,
                        Map.of(),
                        null,
                        null,
                        false,
                        header.source())),
                List.of());
    }

    private String arm(ADT_A01 adt) throws HL7Exception {
        String field = settings.armField();
        if (field.startsWith("OBX:")) {
            String code = field.substring(4);
            for (OBX obx : adt.getOBXAll()) {
                if (code.equals(text(obx.getObservationIdentifier().getIdentifier()))
                        && obx.getObservationValueReps() > 0) {
                    Type data = obx.getObservationValue(0).getData();
                    String value = data instanceof Primitive primitive ? primitive.getValue() : data.encode();
                    return value == null || value.isBlank() ? null : value.strip();
                }
            }
            return null;
        }
        try {
            String value = new Terser(adt).get("/." + field);
            return value == null || value.isBlank() ? null : value.strip();
        } catch (HL7Exception notInThisMessage) {
            return null;
        }
    }

    /**
     * Strata labels on ADT^A01/A04: every OBX whose OBX-3 coding system (component 3) is {@value #STRATUM_SYSTEM}
     * carries one, the label in OBX-3.1 and its value in OBX-5, e.g. {@code OBX|2|ST|severity^Severity^STRATUM||
     * critical}. An OBX without a value is ignored; a label sent twice keeps the last value.
     */
    private static Map<String, String> strata(ADT_A01 adt) throws HL7Exception {
        Map<String, String> strata = new java.util.TreeMap<>();
        for (OBX obx : adt.getOBXAll()) {
            String system = text(obx.getObservationIdentifier().getNameOfCodingSystem());
            String label = text(obx.getObservationIdentifier().getIdentifier());
            if (!STRATUM_SYSTEM.equalsIgnoreCase(system) || label == null || obx.getObservationValueReps() == 0) {
                continue;
            }
            Type data = obx.getObservationValue(0).getData();
            String value = data instanceof Primitive primitive ? primitive.getValue() : data.encode();
            if (value != null && !value.isBlank()) {
                strata.put(label.strip(), value.strip());
            }
        }
        return strata;
    }

    private Instant eventTime(EVN evn) throws Hl7Problem {
        return firstOf(
                time(evn.getEventOccurred().getTime().getValue(), "EVN^1^6"),
                time(evn.getRecordedDateTime().getTime().getValue(), "EVN^1^2"));
    }

    private Instant time(String text, String location) throws Hl7Problem {
        return Hl7Time.parse(text, settings.siteZone(), location);
    }

    private static String visitOrControlId(PV1 pv1, Hl7Mapper.Header header) {
        String visit = text(pv1.getVisitNumber().getIDNumber());
        return visit != null ? "visit:" + visit : "msg:" + header.controlIdOrEmpty();
    }

    private static Instant firstOf(Instant... candidates) {
        for (Instant candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
