package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The AAs of one connection. HAPI's {@code generateACK} builds an ACK from the incoming MSH alone
 * (separators, swapped sender and receiver, trigger, processing id, version, character set) plus
 * the time, a new control id and MSA-2; on a feed every message of a connection usually carries the
 * same header apart from MSH-7 and MSH-10. So the first message of a header gets HAPI's ACK, and the
 * following ones a refill of that ACK's MSH-7, MSH-10 and MSA-2. That halves the cost of an AA:
 * {@code generateACK} instantiates the ACK by reflection and formats its timestamp with {@code
 * String.format} (a fifth of the connection thread in a profile). The refill does not even encode: HAPI
 * encodes the header's ACK once with placeholders in those three fields, and each AA is that text with
 * the three values put in their place, when none of them holds a character HAPI would escape (the usual
 * case: a timestamp, our own control id, and the sender's MSH-10); otherwise HAPI sets and encodes them.
 *
 * <p>Holds a mutable HAPI message: one instance per connection, never shared between threads.
 */
final class Acceptances {

    /** The form of HAPI's own MSH-7 in a generated ACK: millisecond precision with the UTC offset. */
    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ", Locale.ROOT);

    private final Acknowledgments acks;
    private final PipeParser parser;
    private final Clock clock;
    private String header;
    private Message last;
    /** HAPI's encoding of {@link #last} around placeholders in MSH-7, MSH-10, MSA-2; null if unusable. */
    private Template template;

    Acceptances(Acknowledgments acks, PipeParser parser, Clock clock) {
        this.acks = acks;
        this.parser = parser;
        this.clock = clock;
    }

    /** The encoded AA for {@code in}, whose text is {@code er7}. */
    String accept(Message in, String er7) throws HL7Exception, IOException {
        return accept(in, er7, new Terser(in).get("/MSH-10"));
    }

    /** As above, with {@code in}'s MSH-10 as the caller has already read it. */
    String accept(Message in, String er7, String acknowledged) throws HL7Exception, IOException {
        String key = headerWithoutTimeAndControlId(er7);
        if (key == null || !key.equals(header) || last == null) {
            last = acks.acceptance(in);
            header = key;
            String encoded = parser.encode(last);
            template = Template.of(last, parser, encoded);
            return encoded;
        }
        String time = ZonedDateTime.now(clock).format(HL7_TIME);
        String controlId = parser.getParserConfiguration().getIdGenerator().getID();
        if (template != null) {
            String filled = template.fill(time, controlId, acknowledged);
            if (filled != null) {
                return filled;
            }
        }
        Terser ack = new Terser(last);
        ack.set("/MSH-7", time);
        ack.set("/MSH-10", controlId);
        ack.set("/MSA-2", acknowledged);
        return parser.encode(last);
    }

    /** Whether the AAs of the current header are filled into HAPI's text rather than encoded by HAPI each time. */
    boolean fillsWithoutEncoding() {
        return template != null;
    }

    /**
     * An encoded ACK cut where its MSH-7, MSH-10 and MSA-2 go. Filling in values without special characters gives
     * exactly what HAPI encodes for the ACK with those values set (the placeholders are such values too).
     */
    private record Template(
            String beforeTime, String beforeControlId, String beforeAcknowledged, String after, String special) {

        private static final String TIME = "ZQTIMEQZ";
        private static final String CONTROL_ID = "ZQCONTROLIDQZ";
        private static final String ACKNOWLEDGED = "ZQACKNOWLEDGEDQZ";

        /**
         * Encodes a copy of {@code ack} with placeholders. Null (HAPI encodes every AA of this header) when they do not
         * come out once each and in order, or when the template filled with {@code ack}'s own values is not exactly
         * {@code encoded}, HAPI's text of {@code ack}.
         */
        static Template of(Message ack, PipeParser parser, String encoded) {
            try {
                Template template = placeholders(ack, parser);
                if (template == null) {
                    return null;
                }
                Terser own = new Terser(ack);
                String refilled = template.fill(own.get("/MSH-7"), own.get("/MSH-10"), own.get("/MSA-2"));
                return encoded.equals(refilled) ? template : null;
            } catch (HL7Exception | RuntimeException e) {
                return null;
            }
        }

        private static Template placeholders(Message ack, PipeParser parser) throws HL7Exception {
            Message copy = parser.parse(parser.encode(ack));
            Terser t = new Terser(copy);
            t.set("/MSH-7", TIME);
            t.set("/MSH-10", CONTROL_ID);
            t.set("/MSA-2", ACKNOWLEDGED);
            String text = parser.encode(copy);
            int time = onlyOnce(text, TIME);
            int controlId = onlyOnce(text, CONTROL_ID);
            int acknowledged = onlyOnce(text, ACKNOWLEDGED);
            if (time < 0 || controlId < time || acknowledged < controlId) {
                return null;
            }
            // MSH-1 and MSH-2: the separator and the encoding characters, all of which HAPI escapes in a value.
            String special = text.substring(3, text.indexOf(text.charAt(3), 4));
            return new Template(
                    text.substring(0, time),
                    text.substring(time + TIME.length(), controlId),
                    text.substring(controlId + CONTROL_ID.length(), acknowledged),
                    text.substring(acknowledged + ACKNOWLEDGED.length()),
                    special + text.charAt(3));
        }

        private static int onlyOnce(String text, String placeholder) {
            int at = text.indexOf(placeholder);
            return at >= 0 && text.indexOf(placeholder, at + 1) < 0 ? at : -1;
        }

        /** The ACK with these values, or null when one of them would need escaping (or is empty). */
        String fill(String time, String controlId, String acknowledged) {
            if (!plain(time) || !plain(controlId) || !plain(acknowledged)) {
                return null;
            }
            return beforeTime + time + beforeControlId + controlId + beforeAcknowledged + acknowledged + after;
        }

        private boolean plain(String value) {
            if (value == null || value.isEmpty()) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c == 0x7F || special.indexOf(c) >= 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The MSH segment with MSH-7 and MSH-10 blanked, or null when the text has no MSH with at least
     * ten fields (such a message always gets a freshly generated ACK).
     */
    static String headerWithoutTimeAndControlId(String er7) {
        int start = 0;
        if (!er7.startsWith("MSH") || er7.length() < 4) {
            return null;
        }
        int end = start;
        while (end < er7.length() && er7.charAt(end) != '\r' && er7.charAt(end) != '\n') {
            end++;
        }
        char separator = er7.charAt(start + 3);
        StringBuilder key = new StringBuilder(end - start);
        int field = 2; // the text after the first separator (MSH-1) is MSH-2
        int fieldsSeen = 0;
        for (int i = start; i < end; i++) {
            char c = er7.charAt(i);
            if (i > start + 3 && c == separator) {
                field++;
                fieldsSeen = Math.max(fieldsSeen, field);
                key.append(c);
            } else if (i <= start + 3 || (field != 7 && field != 10)) {
                key.append(c);
            }
        }
        return fieldsSeen >= 10 ? key.toString() : null;
    }
}
