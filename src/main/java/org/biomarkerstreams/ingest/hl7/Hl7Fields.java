package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.segment.PID;

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
     * The patient id of PID-3: the first identifier, as {@code ID^AUTHORITY} (assigning authority, CX-4) or just
     * {@code ID} when no authority is sent. Qualifying by authority keeps two hospitals' {@code 12345} apart; every
     * HL7 message type uses the same rule, so readings and events of one patient share a key.
     *
     * @throws Hl7Problem {@code MISSING_FIELD} when PID-3 has no identifier
     */
    static String patientId(PID pid, int pidOccurrence) throws Hl7Problem {
        String location = "PID^" + pidOccurrence + "^3";
        if (pid.getPatientIdentifierListReps() == 0) {
            throw Hl7Problem.missing(location, "patient identifier");
        }
        CX cx = pid.getPatientIdentifierList(0);
        String id = text(cx.getIDNumber());
        if (id == null) {
            throw Hl7Problem.missing(location, "patient identifier");
        }
        String authority = text(cx.getAssigningAuthority());
        return authority == null ? id : id + "^" + authority;
    }
}
