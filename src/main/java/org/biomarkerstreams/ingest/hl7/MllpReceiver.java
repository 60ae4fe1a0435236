package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.llp.HL7Reader;
import ca.uhn.hl7v2.llp.HL7Writer;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.BooleanSupplier;
import org.biomarkerstreams.ingest.hl7.Hl7Responder.Reply;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;
import org.biomarkerstreams.ingest.hl7.MllpListener.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one MLLP connection, on the thread that calls {@link #receive}: read a frame, answer it, read the
 * next, so the handler sees a connection's messages in order. Every frame ends in exactly one counted outcome:
 * its acknowledgment, or {@link Outcome#CLOSED} when the connection ends instead.
 */
final class MllpReceiver {

    // Logged as the listener: operators filter and tune the MLLP logs by that one logger name.
    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

    private final Settings settings;
    private final MinLowerLayerProtocol protocol;
    private final Hl7Responder responder;
    private final OutcomeCounters counters;
    private final BooleanSupplier closing;

    /**
     * @param closing whether the listener is closing: a frame answered after that gets no ACK (the sender resends)
     */
    MllpReceiver(Settings settings, Hl7Responder responder, OutcomeCounters counters, BooleanSupplier closing) {
        this.settings = settings;
        this.protocol = new MinLowerLayerProtocol(true);
        protocol.setCharset(settings.defaultCharset());
        this.responder = responder;
        this.counters = counters;
        this.closing = closing;
    }

    /** Serves the connection until it ends; the caller closes the socket. */
    void receive(Socket socket) {
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        log.debug("MLLP connection from {}", peer);
        FrameGuard guard = null;
        long answered = 0;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(
                    (int) Math.min(Integer.MAX_VALUE, settings.frameTimeout().toMillis()));
            guard = new FrameGuard(
                    socket.getInputStream(),
                    settings.maxFrameBytes(),
                    settings.frameTimeout().toNanos());
            // HAPI's decoder reads one byte at a time: buffered above the guard, so the guard (and
            // the socket) see bulk reads, not a system call per byte.
            HL7Reader reader = protocol.getReader(new BufferedInputStream(guard));
            HL7Writer writer = protocol.getWriter(new BufferedOutputStream(socket.getOutputStream()));
            Acceptances acceptances = responder.acceptances();
            while (!closing.getAsBoolean()) {
                String er7 = reader.getMessage();
                Reply reply;
                try {
                    reply = responder.answer(er7 == null ? "" : er7, peer, acceptances);
                } catch (HL7Exception | RuntimeException e) {
                    // Not even a bare ACK could be built: closing is the only answer left.
                    counters.increment(Outcome.CLOSED);
                    log.error(
                            "No acknowledgment could be built ({}); closing MLLP connection from {}",
                            e.getClass().getName(),
                            peer);
                    return;
                }
                if (closing.getAsBoolean()) {
                    // close() already shut the socket: the sender gets no ACK and will resend.
                    counters.increment(Outcome.CLOSED);
                    return;
                }
                counters.increment(reply.outcome());
                answered++;
                writer.writeMessage(reply.ack());
            }
        } catch (IOException | LLPException | RuntimeException e) {
            // Unanswered: a frame still arriving, or one that arrived but HAPI's decoder failed on
            // (its charset detection throws on frames of a byte or two).
            boolean unanswered = guard != null && (guard.pending() > 0 || guard.framesEnded() > answered);
            if (unanswered && !closing.getAsBoolean()) {
                counters.increment(Outcome.CLOSED);
                // HAPI's messages here name bytes and states, never message content.
                log.warn("Closing MLLP connection from {}: {}", peer, e.toString());
            } else if (e instanceof SocketException || closing.getAsBoolean()) {
                log.debug("MLLP connection from {} ended: {}", peer, e.getMessage());
            } else {
                log.warn("MLLP connection from {} ended: {}", peer, e.toString());
            }
        }
    }
}
