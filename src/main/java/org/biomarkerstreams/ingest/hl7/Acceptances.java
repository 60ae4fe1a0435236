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
 * following ones a refill of that ACK's MSH-7, MSH-10 and MSA-2, still encoded by HAPI. That halves
 * the cost of an AA: {@code generateACK} instantiates the ACK by reflection and formats its
 * timestamp with {@code String.format} (a fifth of the connection thread in a profile).
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

    Acceptances(Acknowledgments acks, PipeParser parser, Clock clock) {
        this.acks = acks;
        this.parser = parser;
        this.clock = clock;
    }

    /** The encoded AA for {@code in}, whose text is {@code er7}. */
    String accept(Message in, String er7) throws HL7Exception, IOException {
        String key = headerWithoutTimeAndControlId(er7);
        if (key == null || !key.equals(header) || last == null) {
            last = acks.acceptance(in);
            header = key;
            return parser.encode(last);
        }
        Terser incoming = new Terser(in);
        Terser ack = new Terser(last);
        ack.set("/MSH-7", ZonedDateTime.now(clock).format(HL7_TIME));
        ack.set("/MSH-10", parser.getParserConfiguration().getIdGenerator().getID());
        ack.set("/MSA-2", incoming.get("/MSH-10"));
        return parser.encode(last);
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
