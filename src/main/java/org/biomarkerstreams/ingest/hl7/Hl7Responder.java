package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the text of one received frame of an {@link MllpListener}: parses it, hands it to the {@link
 * MessageHandler}, and builds the acknowledgment that means what it says (AA only after the handler stored the
 * data, AE for content the handler refused or a body that does not parse, AR when the sender must resend). Owns
 * the HAPI context: one per listener, shared by its connections.
 */
final class Hl7Responder {

    // Logged as the listener: operators filter and tune the MLLP logs by that one logger name.
    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

    /** The outcome of a frame and the acknowledgment to send for it. */
    record Reply(Outcome outcome, String ack) {}

    /**
     * Who sent a frame.
     *
     * @param address the remote address, for logs
     * @param certificate the client certificate of a mutual-TLS connection; null otherwise
     */
    record Peer(String address, X509Certificate certificate) {}

    /** HL7 table 0357 (v2.6+): value too long; a v2.5 engine shows ERR-8's text beside it. */
    static final String VALUE_TOO_LONG = "104";
    /** HL7 table 0357: table value not found (MSH-18 is coded from table 0211). */
    static final String TABLE_VALUE_NOT_FOUND = "103";

    private final MessageHandler handler;
    private final SenderPolicy senders;
    private final ConnectionCounters connections;
    private final HapiContext hapi;
    private final PipeParser parser;
    private final Acknowledgments acks;

    Hl7Responder(MessageHandler handler) {
        this(handler, null, null);
    }

    /**
     * @param senders which facilities each client certificate may send for; null to allow every sender
     */
    Hl7Responder(MessageHandler handler, SenderPolicy senders, ConnectionCounters connections) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.senders = senders;
        this.connections = connections;
        this.hapi = hapiContext();
        // HAPI's default ACK control-id generator writes an "id_file" into the working directory
        // (read-only in our container). Start time plus a counter: unique across restarts, and within
        // the 20 characters ST allows in MSH-10 before v2.7.
        String instance = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
        AtomicLong ackIds = new AtomicLong();
        hapi.getParserConfiguration().setIdGenerator(() -> instance + ackIds.incrementAndGet());
        this.parser = new TokenizingPipeParser(hapi);
        this.acks = new Acknowledgments(parser);
    }

    /** HAPI as a connection reads a message: into v2.5.1, without validation, known versions only. */
    static HapiContext hapiContext() {
        // Hl7Mapper's context (its leniency for OBX-2 included), so a handler can map the message parsed
        // here instead of parsing the text a second time (half the connection thread's CPU). Unknown
        // versions are still refused here (AE): a live feed claiming 7.0 is misconfigured.
        HapiContext context = Hl7Mapper.hapiContext();
        context.getParserConfiguration().setAllowUnknownVersions(false);
        context.getParserConfiguration().setValidating(false);
        return context;
    }

    /** The AAs of one connection; see {@link Acceptances}. */
    Acceptances acceptances() {
        return new Acceptances(acks, parser, Clock.systemDefaultZone());
    }

    Reply answer(String er7, Peer peer, Acceptances acceptances) throws HL7Exception, IOException {
        Message message;
        try {
            message = parser.parse(er7);
        } catch (HL7Exception | RuntimeException e) {
            return unparseable(er7, e, peer.address());
        }
        String msh10 = read(message, "/MSH-10");
        String controlId = msh10 == null ? "?" : msh10;
        if (senders != null) {
            String application = field(message, "/MSH-3-1");
            String facility = field(message, "/MSH-4-1");
            if (!senders.allows(peer.certificate(), application, facility)) {
                count(ConnectionCounters.Refusal.SENDER_NOT_ALLOWED);
                // Facility and application name systems, not patients.
                log.warn(
                        "AE for message {}: MSH-3 {} / MSH-4 {} is not allowed for the client certificate {} ({})",
                        controlId,
                        application,
                        facility,
                        peer.certificate() == null
                                ? "(none)"
                                : peer.certificate().getSubjectX500Principal().getName(),
                        peer.address());
                return refuse(
                        new MessageHandler.Refusal(
                                org.biomarkerstreams.domain.ErrorCode.UNAUTHORIZED_SENDER,
                                er7.getBytes(StandardCharsets.UTF_8),
                                new Disposition.Error(
                                        Acknowledgments.INTERNAL_ERROR,
                                        "this connection's client certificate may not send for sending facility "
                                                + facility + " / application " + application,
                                        "MSH-4")),
                        message,
                        er7);
            }
        }
        Disposition d;
        String acceptance = null;
        try {
            MessageHandler.Pending pending = handler.begin(message, er7);
            // Built while the handler's write travels: on one connection the time from frame to ACK
            // is the throughput. Sent only if the handler accepts.
            acceptance = prepareAcceptance(acceptances, message, er7, msh10);
            d = pending.await();
        } catch (Exception e) {
            // The exception's message may carry patient data: log its type and origin only.
            StackTraceElement[] where = e.getStackTrace();
            log.error(
                    "Handler failed on message {} ({}); answering AR so the sender resends: {} at {}",
                    controlId,
                    field(message, "/MSH-9"),
                    e.getClass().getName(),
                    where.length > 0 ? where[0] : "?");
            d = new Disposition.Reject("internal error; message not stored, please resend");
        }
        if (d == null) {
            log.error("Handler returned no disposition for message {}; answering AR", controlId);
            d = new Disposition.Reject("internal error; message not stored, please resend");
        }
        try {
            if (d instanceof Disposition.Error e) {
                // The code and location only: the text may quote the message's values (the ACK carries it).
                log.warn("AE for message {}: {} at {}", controlId, e.code(), e.location());
                return new Reply(
                        Outcome.AE, acks.error(message, AcknowledgmentCode.AE, e.code(), e.text(), e.location()));
            }
            if (d instanceof Disposition.Reject r) {
                log.warn("AR for message {}: {}", controlId, r.text());
                return new Reply(
                        Outcome.AR,
                        acks.error(message, AcknowledgmentCode.AR, Acknowledgments.INTERNAL_ERROR, r.text(), null));
            }
            if (acceptance == null) {
                return new Reply(
                        Outcome.AR,
                        nak(er7, AcknowledgmentCode.AR, "acknowledgment could not be built; please resend"));
            }
            log.debug("AA for message {}", controlId);
            return new Reply(Outcome.AA, acceptance);
        } catch (HL7Exception | RuntimeException e) {
            // Never an AA when the ACK cannot be built from the parsed message: fall back to the
            // raw header, then to a bare AR.
            log.warn("Cannot build the acknowledgment for message {}: {}", controlId, e.toString());
            return new Reply(
                    Outcome.AR, nak(er7, AcknowledgmentCode.AR, "acknowledgment could not be built; please resend"));
        }
    }

    /**
     * The answer to a frame refused before it could be handled: the handler's decision (AE, or AR when it could
     * not keep the evidence), correlated through the parsed message or, failing that, the MSH segment's text.
     */
    Reply refuse(MessageHandler.Refusal refusal, Message parsed, String header) throws HL7Exception, IOException {
        Disposition d;
        try {
            d = handler.refuse(refusal);
        } catch (RuntimeException e) {
            log.error(
                    "Handler failed on a refused frame ({}); answering AR",
                    e.getClass().getName());
            d = new Disposition.Reject("internal error; message not stored, please resend");
        }
        AcknowledgmentCode code;
        String errorCode;
        String text;
        String location;
        if (d instanceof Disposition.Error e) {
            code = AcknowledgmentCode.AE;
            errorCode = e.code();
            text = e.text();
            location = e.location();
        } else {
            code = AcknowledgmentCode.AR;
            errorCode = Acknowledgments.INTERNAL_ERROR;
            text = d instanceof Disposition.Reject r ? r.text() : "internal error; please resend";
            location = null;
        }
        Outcome outcome = code == AcknowledgmentCode.AE ? Outcome.AE : Outcome.AR;
        if (parsed != null) {
            try {
                return new Reply(outcome, acks.error(parsed, code, errorCode, text, location));
            } catch (HL7Exception | RuntimeException e) {
                // fall back to the header
            }
        }
        try {
            return new Reply(outcome, acks.fromHeader(header, code, errorCode, text));
        } catch (HL7Exception | RuntimeException e) {
            return new Reply(outcome, acks.bare(code, errorCode, text));
        }
    }

    private void count(ConnectionCounters.Refusal refusal) {
        if (connections != null) {
            connections.increment(refusal);
        }
    }

    /**
     * The AA for a message, or null when it cannot be built (never an AA then: an AR goes out).
     *
     * @param controlId its MSH-10, null if it could not be read
     */
    private static String prepareAcceptance(Acceptances acceptances, Message message, String er7, String controlId) {
        try {
            return controlId == null ? acceptances.accept(message, er7) : acceptances.accept(message, er7, controlId);
        } catch (HL7Exception | IOException | RuntimeException e) {
            log.warn("Cannot build the acknowledgment for message {}: {}", controlId, e.toString());
            return null;
        }
    }

    private Reply unparseable(String er7, Exception e, String peer) throws HL7Exception, IOException {
        // HAPI's parse messages can quote message content, so only the error code goes to the log.
        ErrorCode error = e instanceof HL7Exception h
                ? ErrorCode.errorCodeFor(h.getErrorCode())
                : ErrorCode.SEGMENT_SEQUENCE_ERROR;
        String reason =
                e instanceof HL7Exception ? error.getMessage() : e.getClass().getSimpleName();
        String code = String.valueOf(error.getCode());
        try {
            String ack = acks.fromHeader(er7, AcknowledgmentCode.AE, code, "message could not be parsed: " + reason);
            log.warn("AE for an unparseable message from {} ({})", peer, reason);
            return new Reply(Outcome.AE, ack);
        } catch (HL7Exception | RuntimeException noHeader) {
            log.warn("AR for a frame from {} that is not HL7 v2 ({} chars)", peer, er7.length());
            return new Reply(
                    Outcome.AR,
                    acks.bare(
                            AcknowledgmentCode.AR,
                            Acknowledgments.SEGMENT_SEQUENCE_ERROR,
                            "not an HL7 v2 message (no readable MSH segment)"));
        }
    }

    private String nak(String er7, AcknowledgmentCode code, String text) throws HL7Exception, IOException {
        try {
            return acks.fromHeader(er7, code, Acknowledgments.INTERNAL_ERROR, text);
        } catch (HL7Exception | RuntimeException e) {
            return acks.bare(code, Acknowledgments.INTERNAL_ERROR, text);
        }
    }

    private static String field(Message message, String path) {
        String value = read(message, path);
        return value == null ? "?" : value;
    }

    /** The field, or null when it cannot be read. */
    private static String read(Message message, String path) {
        try {
            return new Terser(message).get(path);
        } catch (HL7Exception | RuntimeException e) {
            return null;
        }
    }

    void close() {
        try {
            hapi.close();
        } catch (IOException e) {
            log.debug("Closing the HAPI context: {}", e.toString());
        }
    }
}
