package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.segment.PID;
import java.util.ArrayList;
import java.util.List;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.domain.PatientIdentifier;
import org.biomarkerstreams.domain.Result;

/** Reading values out of parsed v2.5.1 fields: blank is absent, text is stripped, escapes are already decoded. */
final class Hl7Fields {

    private Hl7Fields() {}

    /** The stripped value, or null when absent or blank. */
    static String text(Primitive primitive) {
        String value = primitive.getValue();
        if (value == null || value.isBlank()) {
            return null;
        }
        return value.strip();
    }

    /** The first non-null of the two. */
    static String either(String first, String second) {
        return first != null ? first : second;
    }

    /** An entity identifier (order numbers): its first component. */
    static String text(EI ei) {
        return text(ei.getEntityIdentifier());
    }

    /** A coded element as a name for people: the text, else the identifier. */
    static String label(CE ce) {
        return either(text(ce.getText()), text(ce.getIdentifier()));
    }

    /** A coded element as a code: the identifier, else the text (units sent as {@code ^mg/L}). */
    static String code(CE ce) {
        return either(text(ce.getIdentifier()), text(ce.getText()));
    }

    /** A hierarchic designator (facility, assigning authority): the namespace id, else the universal id. */
    static String text(HD hd) {
        return either(text(hd.getNamespaceID()), text(hd.getUniversalID()));
    }

    /**
     * The patient key of PID-3 by {@code rule}: each repetition of PID-3 is an identifier with its id (CX.1), type
     * (CX.5) and assigning authority (CX.4 namespace id and universal id); the rule picks one and writes its key.
     * Every HL7 message type uses the same rule, so readings and events of one patient share a key.
     *
     * @throws Hl7Problem {@code MISSING_FIELD} when PID-3 has no identifier, {@code NO_MATCHING_PATIENT_ID} when none
     *     is the one the rule selects
     */
    static String patientId(PID pid, int pidOccurrence, PatientIdRule rule) throws Hl7Problem {
        String location = "PID^" + pidOccurrence + "^3";
        List<PatientIdentifier> identifiers = new ArrayList<>();
        for (CX cx : pid.getPatientIdentifierList()) {
            HD authority = cx.getAssigningAuthority();
            identifiers.add(new PatientIdentifier(
                    text(cx.getIDNumber()),
                    text(cx.getIdentifierTypeCode()),
                    text(authority.getNamespaceID()),
                    text(authority.getUniversalID())));
        }
        Result<String> key = rule.keyOf(identifiers, "PID-3");
        if (key.isRejected() && key.rejection().code() == ErrorCode.MISSING_FIELD) {
            throw Hl7Problem.missing(location, "patient identifier");
        }
        if (key.isRejected()) {
            throw new Hl7Problem(key.rejection().code(), key.rejection().message(), location);
        }
        return key.value();
    }
}
