package org.biomarkerstreams.demo;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.Parser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.UnitConverter;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;

/**
 * Writes readings as HL7 v2 ORU^R01 messages (ER7 text, segments ended by {@code \r}, no MLLP framing), so that
 * the demo can feed its synthetic cohort through the real HL7 path in more than one laboratory style. What it
 * writes maps back through {@link Hl7Mapper} to the same patient, code, value, unit, time and status.
 *
 * <p>One message per draw: the readings of one patient with the same {@code observedAt}, in order of first
 * appearance. Per message:
 *
 * <ul>
 *   <li>MSH-7 = the draw time, so a message written twice has the same revision; MSH-10 = a hash of patient, draw
 *       time and style, unique per message and the same on every run.
 *   <li>PID-3 = the patient id with no assigning authority, so the mapper keys the readings by the same string.
 *   <li>OBR-3 (filler order number) = a hash of patient and draw time; with OBX-3 and OBX-4 (the occurrence of
 *       that code within the draw, from 1) it makes the mapper's reading id unique and deterministic. OBR-7 = the
 *       draw time.
 *   <li>OBX-11 from the status (FINAL {@code F}, PRELIMINARY {@code P}, CORRECTED {@code C}, DELETED {@code D},
 *       ENTERED_IN_ERROR {@code W}); OBX-6 identifier = the unit exactly as the reading has it; OBX-7 and OBX-8
 *       carry the reference range and abnormal flags when the reading has them.
 * </ul>
 *
 * <p>Order number and control id are hashes so that they do not spell the patient id (reading ids get logged);
 * PID-3 is the patient id, as in any lab feed. One writer per thread: HAPI does not document its parser as
 * thread-safe.
 */
public final class Hl7FeedWriter {

    /** How the sending laboratory information system spells its results. */
    public enum LisStyle {
        /**
         * HL7 2.5.1: OBX-3 = {@code LOINC^name^LN}; comparator values as SN ({@code <^0.5}), plain numbers NM,
         * anything else ST; OBX-6 = the unit with {@code UCUM} as its coding system when it is a UCUM code, else as
         * a local unit with its UCUM code as the alternate coding ({@code mmHg^^L^mm[Hg]^^UCUM}); times with
         * seconds and the site zone's offset.
         */
        LOINC_V251,
        /**
         * HL7 2.3 (only fields that exist in 2.3): OBX-3 = {@code local code^name^L^LOINC^name^LN}, the LOINC code
         * as alternate coding; plain numbers NM, anything else (comparator values too) ST; OBX-6 = the unit alone;
         * times to the minute in the site zone without an offset.
         */
        LOCAL_CODES_V23
    }

    private static final String PANEL_CODE = "INFL";
    private static final String PANEL_NAME = "Inflammation panel";
    private static final DateTimeFormatter WITH_SECONDS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");
    private static final DateTimeFormatter TO_THE_MINUTE = DateTimeFormatter.ofPattern("yyyyMMddHHmm");

    private final ZoneId siteZone;
    private final ObxWriter observations;
    private final Parser parser;

    /** A writer of times in {@code siteZone}, with the default site profile's analyte names. */
    public Hl7FeedWriter(ZoneId siteZone) {
        this(siteZone, SiteProfile.defaults(), new UnitConverter());
    }

    /**
     * A writer of times in {@code siteZone} that names analytes from {@code profile} and finds UCUM codes of units
     * with {@code units} (share one converter: it loads the UCUM model).
     */
    public Hl7FeedWriter(ZoneId siteZone, SiteProfile profile, UnitConverter units) {
        this.siteZone = Objects.requireNonNull(siteZone, "siteZone");
        this.observations =
                new ObxWriter(Objects.requireNonNull(profile, "profile"), Objects.requireNonNull(units, "units"));
        HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5.1"));
        // The messages are built field by field from checked values; validation belongs to the receiving side.
        context.setValidationContext(ValidationContextFactory.noValidation());
        this.parser = context.getPipeParser();
    }

    /**
     * The local codes of {@link LisStyle#LOCAL_CODES_V23} to their LOINC codes, for a listener's {@link
     * Hl7Settings#withLocalCode}. The mapper does not need them for these messages (they carry the LOINC code as
     * alternate coding), but a site whose LIS drops the alternate coding would.
     */
    public static Map<String, String> localCodeToLoinc() {
        return ObxWriter.localCodeToLoinc();
    }

    /**
     * A style per patient that alternates along patient numbers: the trailing digits of the id (even {@link
     * LisStyle#LOINC_V251}, odd {@link LisStyle#LOCAL_CODES_V23}), or the parity of the id's hash code when it
     * ends in no digit. Deterministic, and consecutive patients such as {@code SYN-0001}, {@code SYN-0002} get
     * different styles.
     */
    public static LisStyle alternatingStyle(String patientId) {
        Matcher digits = Pattern.compile("(\\d{1,9})$").matcher(patientId);
        int number = digits.find() ? Integer.parseInt(digits.group(1)) : patientId.hashCode();
        return Math.floorMod(number, 2) == 0 ? LisStyle.LOINC_V251 : LisStyle.LOCAL_CODES_V23;
    }

    /**
     * One ORU^R01 per patient draw (all readings of the same patient with the same {@code observedAt}), in the
     * given style.
     *
     * @throws IllegalArgumentException for a reading without a patient id, an {@code observedAt}, or both a LOINC
     *     code and an analyte: there would be no PID-3, MSH-7 or OBX-3 to write
     */
    public List<String> oruMessages(List<RawReading> readings, LisStyle style) {
        Objects.requireNonNull(style, "style");
        return oruMessages(readings, patientId -> style);
    }

    /**
     * One ORU^R01 per patient draw, each in the style of its patient (see {@link #alternatingStyle}).
     *
     * @throws IllegalArgumentException as {@link #oruMessages(List, LisStyle)}
     */
    public List<String> oruMessages(List<RawReading> readings, Function<String, LisStyle> styleOfPatient) {
        Objects.requireNonNull(readings, "readings");
        Objects.requireNonNull(styleOfPatient, "styleOfPatient");
        Map<Draw, List<RawReading>> draws = new LinkedHashMap<>();
        for (RawReading reading : readings) {
            check(reading);
            draws.computeIfAbsent(new Draw(reading.patientId(), reading.observedAt()), d -> new ArrayList<>())
                    .add(reading);
        }
        List<String> messages = new ArrayList<>(draws.size());
        draws.forEach((draw, drawn) -> {
            LisStyle style = Objects.requireNonNull(styleOfPatient.apply(draw.patientId()), "style of a patient");
            try {
                messages.add(message(draw, drawn, style));
            } catch (HL7Exception e) {
                // Every value set here is one the v2.5.1 model accepts; failing is a bug, not bad input.
                throw new IllegalStateException("could not build an ORU^R01", e);
            }
        });
        return messages;
    }

    private static void check(RawReading reading) {
        if (reading.patientId() == null || reading.patientId().isBlank()) {
            throw new IllegalArgumentException("reading " + reading.readingId() + " has no patient id");
        }
        if (reading.observedAt() == null) {
            throw new IllegalArgumentException("reading " + reading.readingId() + " has no observedAt");
        }
        if (reading.loinc() == null && reading.analyte() == null) {
            throw new IllegalArgumentException("reading " + reading.readingId() + " has neither LOINC nor analyte");
        }
    }

    private String message(Draw draw, List<RawReading> readings, LisStyle style) throws HL7Exception {
        String drawTime = time(draw.observedAt(), style);
        String orderNumber = hash(draw.patientId() + "|" + draw.observedAt());

        ORU_R01 oru = new ORU_R01(parser.getHapiContext().getModelClassFactory());
        oru.setParser(parser);
        header(oru.getMSH(), draw, style, drawTime);

        oru.getPATIENT_RESULT()
                .getPATIENT()
                .getPID()
                .getPatientIdentifierList(0)
                .getIDNumber()
                .setValue(draw.patientId());

        ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
        OBR obr = order.getOBR();
        obr.getSetIDOBR().setValue("1");
        obr.getFillerOrderNumber().getEntityIdentifier().setValue(orderNumber);
        obr.getUniversalServiceIdentifier().getIdentifier().setValue(PANEL_CODE);
        obr.getUniversalServiceIdentifier().getText().setValue(PANEL_NAME);
        obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue("L");
        obr.getObservationDateTime().getTime().setValue(drawTime);
        obr.getResultStatus().setValue("F");

        Map<String, Integer> occurrences = new HashMap<>();
        for (int i = 0; i < readings.size(); i++) {
            RawReading reading = readings.get(i);
            OBX obx = order.getOBSERVATION(i).getOBX();
            obx.getSetIDOBX().setValue(String.valueOf(i + 1));
            String code = observations.observationIdentifier(obx.getObservationIdentifier(), reading, style);
            obx.getObservationSubID().setValue(String.valueOf(occurrences.merge(code, 1, Integer::sum)));
            observations.result(oru, obx, reading, style);
            obx.getDateTimeOfTheObservation().getTime().setValue(drawTime);
        }
        return parser.encode(oru);
    }

    /** MSH as the style's LIS writes it; a 2.3 header has only the fields 2.3 defines. */
    private static void header(MSH msh, Draw draw, LisStyle style, String drawTime) throws HL7Exception {
        boolean v251 = style == LisStyle.LOINC_V251;
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getSendingApplication().getNamespaceID().setValue(v251 ? "COBAS" : "LIS");
        msh.getSendingFacility().getNamespaceID().setValue(v251 ? "SYNTHETIC_LAB" : "SYNHOSP");
        msh.getDateTimeOfMessage().getTime().setValue(drawTime);
        msh.getMessageType().getMessageCode().setValue("ORU");
        msh.getMessageType().getTriggerEvent().setValue("R01");
        msh.getMessageControlID().setValue(hash(draw.patientId() + "|" + draw.observedAt() + "|" + style));
        msh.getProcessingID().getProcessingID().setValue("P");
        if (v251) {
            // MSH-9.3 (message structure), MSH-15/16 and the receiving side appeared after 2.3.
            msh.getReceivingApplication().getNamespaceID().setValue("BIOMARKER");
            msh.getReceivingFacility().getNamespaceID().setValue("TRIAL");
            msh.getMessageType().getMessageStructure().setValue("ORU_R01");
            msh.getVersionID().getVersionID().setValue("2.5.1");
            msh.getAcceptAcknowledgmentType().setValue("NE");
            msh.getApplicationAcknowledgmentType().setValue("NE");
        } else {
            msh.getVersionID().getVersionID().setValue("2.3");
        }
    }

    private String time(Instant instant, LisStyle style) {
        return (style == LisStyle.LOINC_V251 ? WITH_SECONDS : TO_THE_MINUTE).format(instant.atZone(siteZone));
    }

    /** 16 hex digits of SHA-256: fits 2.3's MSH-10 (20) and EI lengths, and does not spell the patient id. */
    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private record Draw(String patientId, Instant observedAt) {}
}
