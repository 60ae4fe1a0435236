package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v251.message.ACK;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.DeepCopy;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the acknowledgments, always with HAPI's {@code generateACK} so that MSA-2 echoes MSH-10
 * and MSH-12 echoes the incoming version. The error detail goes where the sender's version looks
 * for it: from v2.5 on ERR-2 (location), ERR-3 (code, table 0357), ERR-4 (severity) and ERR-8
 * (user message); before v2.5 the single ERR-1 (segment, sequence, field, code^text^HL70357) and
 * MSA-3, which older engines show to the interface analyst.
 */
final class Acknowledgments {

    /** HL7 table 0357: application internal error. */
    static final String INTERNAL_ERROR = "207";
    /** HL7 table 0357: the message could not be parsed at all. */
    static final String SEGMENT_SEQUENCE_ERROR = "100";

    private static final Pattern LOCATION =
            Pattern.compile("([A-Z][A-Z0-9]{2})(?:\\((\\d+)\\))?(?:-(\\d+)(?:-(\\d+))?)?");

    private final PipeParser parser;

    Acknowledgments(PipeParser parser) {
        this.parser = parser;
    }

    /** HAPI's AA for {@code in}, not yet encoded. */
    Message acceptance(Message in) throws HL7Exception, IOException {
        return in.generateACK(AcknowledgmentCode.AA, null);
    }

    String error(Message in, AcknowledgmentCode code, String errorCode, String text, String location)
            throws HL7Exception, IOException {
        Message ack = in.generateACK(code, null);
        describe(ack, versionOf(in), errorCode, text, location);
        return parser.encode(ack);
    }

    /**
     * A NAK for bytes that did not parse, correlated to the sender's MSH-10 through HAPI's
     * critical-response header; throws if not even MSH-1, MSH-2, MSH-10 and MSH-12 are readable.
     */
    String fromHeader(String er7, AcknowledgmentCode code, String errorCode, String text)
            throws HL7Exception, IOException {
        Segment header = parser.getCriticalResponseData(er7);
        Message dummy = header.getMessage();
        // The header's message comes with a parser of HAPI's default context (and its file-based
        // control-id generator); ours makes the ACK.
        dummy.setParser(parser);
        DeepCopy.copy(header, (Segment) dummy.get("MSH"));
        Message ack = dummy.generateACK(code, null);
        describe(ack, new Terser(dummy).get("/MSH-12-1"), errorCode, text, null);
        return parser.encode(ack);
    }

    /**
     * A v2.5.1 ACK with an empty MSA-2 for a frame without a usable MSH: nothing to correlate it to,
     * but it still ends the sender's wait with a reason.
     */
    String bare(AcknowledgmentCode code, String errorCode, String text) throws HL7Exception, IOException {
        ACK ack = new ACK();
        ack.setParser(parser);
        ack.initQuickstart("ACK", null, "P");
        ack.getMSA().getAcknowledgmentCode().setValue(code.name());
        describe(ack, "2.5.1", errorCode, text, null);
        return parser.encode(ack);
    }

    private static String versionOf(Message in) throws HL7Exception {
        return new Terser(in).get("/MSH-12-1");
    }

    private static void describe(Message ack, String version, String errorCode, String text, String location)
            throws HL7Exception {
        Terser t = new Terser(ack);
        Matcher where = location == null ? null : LOCATION.matcher(location.trim());
        boolean located = where != null && where.matches();
        if (isAtLeast25(version)) {
            if (located) {
                t.set("/ERR-2-1", where.group(1));
                t.set("/ERR-2-2", where.group(2) == null ? "1" : where.group(2));
                set(t, "/ERR-2-3", where.group(3));
                set(t, "/ERR-2-5", where.group(4));
            }
            t.set("/ERR-3-1", errorCode);
            t.set("/ERR-3-3", "HL70357");
            t.set("/ERR-4", "E");
            t.set("/ERR-8", text);
            if (location != null && !located) {
                t.set("/ERR-7", "location: " + location);
            }
        } else {
            if (located) {
                t.set("/ERR-1-1", where.group(1));
                t.set("/ERR-1-2", where.group(2) == null ? "1" : where.group(2));
                set(t, "/ERR-1-3", where.group(3));
            }
            t.set("/ERR-1-4-1", errorCode);
            t.set("/ERR-1-4-2", text);
            t.set("/ERR-1-4-3", "HL70357");
            t.set("/MSA-3", text);
        }
    }

    private static void set(Terser t, String path, String value) throws HL7Exception {
        if (value != null) {
            t.set(path, value);
        }
    }

    /** Unknown or garbled versions get the v2.5 fields: they are where current engines look. */
    static boolean isAtLeast25(String version) {
        if (version == null) {
            return true;
        }
        return switch (version.trim()) {
            case "2.1", "2.2", "2.3", "2.3.1", "2.4" -> false;
            default -> true;
        };
    }
}
