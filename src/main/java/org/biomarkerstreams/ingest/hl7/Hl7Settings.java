package org.biomarkerstreams.ingest.hl7;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;

/**
 * How a site's HL7 v2 feed maps onto readings and events.
 *
 * @param localCodes local OBX-3 codes to LOINC codes. A key is either {@code CODE^SYSTEM} (identifier and coding
 *     system of OBX-3, e.g. {@code CRP^L}) or a bare {@code CODE}; the qualified key is tried first. Only consulted
 *     when OBX-3 carries no LOINC code (coding system {@code LN}) in its primary or alternate coding.
 * @param armField where ADT^A01/A04 carry the treatment arm: a field as {@code SEG-FIELD} or {@code SEG-FIELD-COMPONENT}
 *     (e.g. {@code PV1-18}, the patient type, or {@code PID-8}; the first segment of that name in the message), or
 *     {@code OBX:CODE}, the value (OBX-5) of the OBX whose OBX-3 identifier is {@code CODE}. The default is {@value
 *     #DEFAULT_ARM_FIELD}: an explicit observation, so that an ordinary patient type such as {@code I} (inpatient)
 *     is never mistaken for an arm.
 * @param siteZone zone of HL7 date-times sent without a UTC offset (default UTC, like {@code --time-zone})
 * @param clock gives {@code receivedAt}, and "now" for {@code futureTolerance}
 * @param futureTolerance how far past the clock MSH-7, OBR-22 and OBX-14 may lie: a later one rejects the message as
 *     {@code FUTURE_TIMESTAMP}. These times set a result's revision (OBR-22, else MSH-7; MSH-7 for events), and a
 *     revision from the future would win over every genuine correction until then. Like {@code --future-tolerance}.
 * @param patientIdRule which identifier of PID-3 becomes the patient key ({@code --patient-id-rule}, default {@link
 *     PatientIdRule#BARE}); a message without it is rejected as {@code NO_MATCHING_PATIENT_ID}
 */
public record Hl7Settings(
        Map<String, String> localCodes,
        String armField,
        ZoneId siteZone,
        Clock clock,
        Duration futureTolerance,
        PatientIdRule patientIdRule) {

    /** The arm field of {@link #defaults(Clock)}. */
    public static final String DEFAULT_ARM_FIELD = "OBX:ARM";

    /** The future tolerance of {@link #defaults(Clock)}; the topology's default too. */
    public static final Duration DEFAULT_FUTURE_TOLERANCE = Duration.ofMinutes(5);

    private static final Pattern FIELD = Pattern.compile("[A-Z][A-Z0-9]{2}-[1-9]\\d*(-[1-9]\\d*)?");
    private static final Pattern OBSERVATION = Pattern.compile("OBX:\\S+");

    /**
     * @throws IllegalArgumentException if {@code armField} is neither {@code SEG-FIELD[-COMPONENT]} nor {@code
     *     OBX:CODE}, or a local code or LOINC is blank
     */
    public Hl7Settings {
        Objects.requireNonNull(localCodes, "localCodes");
        Objects.requireNonNull(armField, "armField");
        Objects.requireNonNull(siteZone, "siteZone");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(futureTolerance, "futureTolerance");
        Objects.requireNonNull(patientIdRule, "patientIdRule");
        if (futureTolerance.isNegative()) {
            throw new IllegalArgumentException("futureTolerance must not be negative, was " + futureTolerance);
        }
        if (!FIELD.matcher(armField).matches() && !OBSERVATION.matcher(armField).matches()) {
            throw new IllegalArgumentException(
                    "armField '" + armField + "' must look like PV1-18, PV1-18-1 or OBX:ARM");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        localCodes.forEach((code, loinc) -> {
            if (code == null || code.isBlank() || loinc == null || loinc.isBlank()) {
                throw new IllegalArgumentException("local codes and their LOINC codes must not be blank");
            }
            copy.put(code.strip(), loinc.strip());
        });
        localCodes = Collections.unmodifiableMap(copy);
    }

    /**
     * No local codes, arm from {@value #DEFAULT_ARM_FIELD}, UTC, five minutes of future tolerance, patients keyed by
     * the bare id of PID-3's first identifier.
     */
    public static Hl7Settings defaults(Clock clock) {
        return new Hl7Settings(
                Map.of(), DEFAULT_ARM_FIELD, ZoneOffset.UTC, clock, DEFAULT_FUTURE_TOLERANCE, PatientIdRule.BARE);
    }

    /** These settings with patients keyed by another rule. */
    public Hl7Settings withPatientIdRule(PatientIdRule rule) {
        return new Hl7Settings(localCodes, armField, siteZone, clock, futureTolerance, rule);
    }

    /** These settings with another future tolerance. */
    public Hl7Settings withFutureTolerance(Duration tolerance) {
        return new Hl7Settings(localCodes, armField, siteZone, clock, tolerance, patientIdRule);
    }

    /**
     * @throws Hl7Problem {@code FUTURE_TIMESTAMP} at {@code location} when {@code at} is later than the clock plus
     *     the future tolerance
     */
    void requireNotFuture(Instant at, String location) throws Hl7Problem {
        if (at != null && at.isAfter(clock.instant().plus(futureTolerance))) {
            throw new Hl7Problem(
                    ErrorCode.FUTURE_TIMESTAMP,
                    location + " is later than now + " + futureTolerance + "; a revision from the future would"
                            + " hide every genuine correction",
                    location);
        }
    }

    /** These settings with one more local code ({@code CODE} or {@code CODE^SYSTEM}) mapped to a LOINC code. */
    public Hl7Settings withLocalCode(String localCode, String loinc) {
        Map<String, String> copy = new LinkedHashMap<>(localCodes);
        copy.put(localCode, loinc);
        return new Hl7Settings(copy, armField, siteZone, clock, futureTolerance, patientIdRule);
    }

    /** These settings with the arm read from another field. */
    public Hl7Settings withArmField(String field) {
        return new Hl7Settings(localCodes, field, siteZone, clock, futureTolerance, patientIdRule);
    }

    /** These settings with offset-less date-times read in another zone. */
    public Hl7Settings withSiteZone(ZoneId zone) {
        return new Hl7Settings(localCodes, armField, zone, clock, futureTolerance, patientIdRule);
    }

    /** The LOINC code of a local code, trying {@code CODE^SYSTEM} before {@code CODE}; null when not mapped. */
    String loincOf(String code, String codingSystem) {
        if (code == null) {
            return null;
        }
        if (codingSystem != null) {
            String qualified = localCodes.get(code + "^" + codingSystem);
            if (qualified != null) {
                return qualified;
            }
        }
        return localCodes.get(code);
    }
}
