package org.biomarkerstreams.ingest.hl7;

import static org.biomarkerstreams.ingest.hl7.Hl7Fields.text;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Location;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.message.ADT_A03;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.message.RAS_O17;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import org.biomarkerstreams.domain.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps HL7 v2 messages (2.3 to 2.5.1, all read into the v2.5.1 structures, without HAPI's validation so that
 * real-world messages parse) to readings and clinical events. Never throws on bad input: every message becomes
 * {@link Hl7Outcome.Accepted} or {@link Hl7Outcome.Rejected}.
 *
 * <p><b>Common to every message.</b> Patient id: the identifier of PID-3 that {@link Hl7Settings#patientIdRule()}
 * selects (by default the first, its bare id CX.1; {@code id-authority} gives {@code ID^AUTHORITY} with the CX.4
 * namespace id, else universal id); none at all is {@code MISSING_FIELD}, none the rule selects {@code
 * NO_MATCHING_PATIENT_ID}. Source: {@code
 * hl7:} + MSH-4 (namespace id, else universal id), or {@code hl7} without one. Date-times: to the minute or finer,
 * with or without seconds and offset; without an offset they are in {@link Hl7Settings#siteZone()}; a malformed
 * one rejects the message as {@code UNDESERIALIZABLE} at its field (never guessed, never silently dropped).
 *
 * <p><b>ORU^R01</b>: one {@link org.biomarkerstreams.domain.RawReading} per OBX of an OBSERVATION group.
 *
 * <ul>
 *   <li>{@code readingId} = order number + {@code |} + OBX-3 identifier + {@code |} + OBX-4 sub-id. The order
 *       number is the filler's (OBR-3), else the placer's (OBR-2) for labs that send none; neither is {@code
 *       MISSING_FIELD}. Resends and corrections keep all three, so they address the same reading.
 *   <li>{@code loinc}: OBX-3 identifier when its coding system is {@code LN}, else the alternate identifier
 *       (components 4-6) when that is {@code LN}, else {@link Hl7Settings#localCodes()}. An unmapped code goes out
 *       with {@code loinc} null and {@code analyte} = the local code, for the topology to dead-letter as {@code
 *       UNKNOWN_ANALYTE} (or to map, when a site uses PARAMCDs as local codes).
 *   <li>{@code value}: OBX-5 as text: SN as comparator + number ({@code <^0.5} → {@code <0.5}, {@code ^12.5} →
 *       {@code 12.5}, {@code =} dropped; ranges and ratios as {@code 1-5}, {@code 1:128}); NM, ST and every other
 *       type as sent (escapes decoded), for the topology to read or reject as {@code NON_NUMERIC}. Unit: OBX-6
 *       identifier, else its text. {@code referenceRange} OBX-7; {@code abnormalFlags} OBX-8, repetitions joined
 *       with {@code ~}.
 *   <li>{@code status} from OBX-11: F and U → FINAL; P, R, S → PRELIMINARY; C → CORRECTED; D and W → DELETED;
 *       empty → FINAL. X (not done) and I, N, O or unknown codes produce no reading: they are listed in {@link
 *       Hl7Outcome.Accepted#skipped()}. Specimen OBX (SPECIMEN group) are skipped the same way.
 *   <li>{@code revision} = epoch milliseconds of the status time × 10 + a status rank (P 1, F 2, C 3, D/W 4). The
 *       status time is OBR-22 (results report/status change), else MSH-7, else 0. A correction or deletion is
 *       reported later than the result it replaces, and when both carry the same time the rank still orders them;
 *       a resend of a message carries the same times and so the same revision (a duplicate).
 *   <li>{@code observedAt}: OBX-14, else SPM-17 (range start, 2.5+), else OBR-7.
 * </ul>
 *
 * <p><b>RAS^O17</b>: one INFUSION per RXA. {@code at} RXA-3 (start of administration); {@code product} RXA-5 text,
 * else identifier; {@code dose} RXA-6 amount + space + RXA-7 units (identifier, else text); RXA-21 {@code D}
 * retracts ({@code enteredInError}); RXA-20 {@code NA} or {@code RE} (not given) is skipped. Event id {@code
 * INFUSION|} + ORC-3 filler (else ORC-2 placer) order number + {@code |} RXA-1 + {@code |} RXA-2, or, without an
 * order number, {@code INFUSION|} + MSH-10 + {@code |} + the RXA's position.
 *
 * <p><b>ADT^A01, ADT^A04</b>: ENROLLED, {@code at} PV1-44 (admit), else EVN-6 (event occurred), else EVN-2
 * (recorded), else MSH-7; {@code arm} from {@link Hl7Settings#armField()}; {@code strata} from the OBX segments
 * whose OBX-3 coding system is {@code STRATUM} (label = OBX-3.1, value = OBX-5, e.g. {@code
 * OBX|2|ST|severity^Severity^STRATUM||critical}). <b>ADT^A03</b>: DIED when PID-30 is
 * {@code Y} or PV1-36 is a death disposition (20, 40, 41, 42, EXP, EXPIRED, DIED, DECEASED, DEATH), {@code at}
 * PID-29, else as for DISCHARGED: PV1-45, else EVN-6, else EVN-2, else MSH-7. ADT event ids: the type + {@code
 * |visit:} + PV1-19 visit number, or {@code |msg:} + MSH-10 without one; stable across resends.
 *
 * <p><b>Event revision</b> = epoch milliseconds of MSH-7 (0 without one): a later message about the same visit or
 * administration replaces the earlier one, a resend is a duplicate.
 *
 * <p>Anything else is {@code UNSUPPORTED_MESSAGE}; text that is not an HL7 v2 message is {@code UNDESERIALIZABLE}.
 * One mapper per thread: HAPI does not document its parser as thread-safe.
 */
public final class Hl7Mapper {

    private static final Logger LOG = LoggerFactory.getLogger(Hl7Mapper.class);
    private static final String VERSION = "2.5.1";

    private final Hl7Settings settings;
    private final Parser parser;
    private final ResultMapping results;
    private final EventMapping events;

    public Hl7Mapper(Hl7Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parser = new TokenizingPipeParser(hapiContext());
        this.results = new ResultMapping(settings);
        this.events = new EventMapping(settings);
    }

    /** HAPI as this mapper reads text: into v2.5.1, without validation, any version. */
    static HapiContext hapiContext() {
        HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory(VERSION));
        context.setValidationContext(ValidationContextFactory.noValidation());
        // An OBX-5 whose OBX-2 is missing or not a data type is kept as text instead of failing the message.
        context.getParserConfiguration().setDefaultObx2Type("ST");
        context.getParserConfiguration().setInvalidObx2Type("ST");
        context.getParserConfiguration().setAllowUnknownVersions(true);
        return context;
    }

    /**
     * Parses and maps one ER7 (pipe-delimited) message. Segments may end with {@code \r}, {@code \n} or {@code
     * \r\n}; MLLP framing characters and surrounding blanks are ignored.
     */
    public Hl7Outcome map(String er7Message) {
        if (er7Message == null) {
            return new Hl7Outcome.Rejected(ErrorCode.UNDESERIALIZABLE, "no message", null);
        }
        String normalized = normalize(er7Message);
        if (!normalized.startsWith("MSH") || normalized.length() < 8) {
            return new Hl7Outcome.Rejected(
                    ErrorCode.UNDESERIALIZABLE, "not an HL7 v2 message: it does not start with an MSH segment", null);
        }
        Message message;
        try {
            message = parser.parse(normalized);
        } catch (HL7Exception e) {
            return unreadable(e);
        } catch (RuntimeException e) {
            // HAPI throws unchecked exceptions on some malformed input; it is still bad input, not a bug here.
            LOG.warn("HAPI failed on a message with {}", e.getClass().getName());
            return new Hl7Outcome.Rejected(
                    ErrorCode.UNDESERIALIZABLE,
                    "the HL7 parser could not read the message (" + e.getClass().getSimpleName() + ")",
                    null);
        }
        return map(message);
    }

    /**
     * Maps a message already parsed. A message of the v2.5.1 model is mapped as is; one parsed into another
     * version's structures is re-encoded and read again into v2.5.1.
     */
    public Hl7Outcome map(Message parsed) {
        Objects.requireNonNull(parsed, "parsed");
        try {
            if (!(parsed.get("MSH") instanceof MSH msh)) {
                return map(parsed.encode());
            }
            String type = messageType(msh);
            Header header = header(msh);
            return switch (type) {
                case "ORU^R01" -> parsed instanceof ORU_R01 oru ? results.map(oru, header) : unsupported(type);
                case "RAS^O17" -> parsed instanceof RAS_O17 ras ? events.infusions(ras, header) : unsupported(type);
                case "ADT^A01", "ADT^A04" ->
                    parsed instanceof ADT_A01 adt ? events.enrolled(adt, header) : unsupported(type);
                case "ADT^A03" -> parsed instanceof ADT_A03 adt ? events.discharged(adt, header) : unsupported(type);
                default -> unsupported(type);
            };
        } catch (Hl7Problem e) {
            return e.toOutcome();
        } catch (HL7Exception e) {
            return unreadable(e);
        } catch (RuntimeException e) {
            LOG.warn(
                    "mapping a parsed message failed with {} at {}",
                    e.getClass().getName(),
                    e.getStackTrace().length > 0 ? e.getStackTrace()[0] : "?");
            return new Hl7Outcome.Rejected(
                    ErrorCode.UNDESERIALIZABLE,
                    "the message could not be read (" + e.getClass().getSimpleName() + ")",
                    null);
        }
    }

    /** The settings this mapper was built with. */
    public Hl7Settings settings() {
        return settings;
    }

    private Header header(MSH msh) throws Hl7Problem {
        String facility = text(msh.getSendingFacility());
        Instant sentAt = Hl7Time.parse(msh.getDateTimeOfMessage().getTime().getValue(), settings.siteZone(), "MSH^1^7");
        // The revision of events, and of results without OBR-22.
        settings.requireNotFuture(sentAt, "MSH^1^7");
        return new Header(
                facility == null ? "hl7" : "hl7:" + facility,
                sentAt,
                text(msh.getMessageControlID()),
                settings.clock().instant());
    }

    private static String messageType(MSH msh) {
        String code = text(msh.getMessageType().getMessageCode());
        String trigger = text(msh.getMessageType().getTriggerEvent());
        return (code == null ? "" : code.toUpperCase(Locale.ROOT)) + "^"
                + (trigger == null ? "" : trigger.toUpperCase(Locale.ROOT));
    }

    private static Hl7Outcome unsupported(String type) {
        return new Hl7Outcome.Rejected(
                ErrorCode.UNSUPPORTED_MESSAGE,
                "message type " + type + " is not supported; expected ORU^R01, RAS^O17, ADT^A01, ADT^A03 or ADT^A04",
                "MSH^1^9");
    }

    /** HAPI's own text may quote message content, so only its error code and location are passed on. */
    private static Hl7Outcome unreadable(HL7Exception e) {
        Location location = e.getLocation();
        String where = null;
        if (location != null && !location.isUnknown() && location.getSegmentName() != null) {
            where = location.getSegmentName() + "^" + Math.max(1, location.getSegmentRepetition())
                    + (location.getField() > 0 ? "^" + location.getField() : "");
        }
        String code = ca.uhn.hl7v2.ErrorCode.errorCodeFor(e.getErrorCode()).name();
        return new Hl7Outcome.Rejected(
                ErrorCode.UNDESERIALIZABLE,
                "the HL7 parser could not read the message (" + code + (where == null ? "" : " at " + where) + ")",
                where);
    }

    static String normalize(String text) {
        String unframed = text.replace("\u000b", "").replace("\u001c", "");
        return unframed.replace("\r\n", "\r").replace('\n', '\r').strip();
    }

    /**
     * What every record of a message shares.
     *
     * @param source {@code hl7:} + MSH-4
     * @param sentAt MSH-7, may be null
     * @param controlId MSH-10, may be null
     * @param receivedAt the settings' clock when the message was mapped
     */
    record Header(String source, Instant sentAt, String controlId, Instant receivedAt) {
        long revision() {
            return sentAt == null ? 0 : sentAt.toEpochMilli();
        }

        String controlIdOrEmpty() {
            return controlId == null ? "" : controlId;
        }
    }
}
