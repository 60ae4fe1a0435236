package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.HL7Exception;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.ingest.hl7.ConnectionCounters.Event;
import org.biomarkerstreams.ingest.hl7.Hl7Responder.Peer;
import org.biomarkerstreams.ingest.hl7.Hl7Responder.Reply;
import org.biomarkerstreams.ingest.hl7.MllpConnection.Phase;
import org.biomarkerstreams.ingest.hl7.MllpFrames.Frame;
import org.biomarkerstreams.ingest.hl7.MllpFrames.FramingException;
import org.biomarkerstreams.ingest.hl7.MllpFrames.FramingLost;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;
import org.biomarkerstreams.ingest.hl7.MllpListener.Settings;
import org.biomarkerstreams.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one MLLP connection, on the thread that calls {@link #receive}: the TLS handshake if any, then read a
 * frame, answer it, read the next, so the handler sees a connection's messages in order. Every frame ends in
 * exactly one counted outcome: its acknowledgment, or {@link Outcome#CLOSED} when the connection ends instead.
 * Time limits are enforced from outside by the listener's watchdog, which closes the socket.
 */
final class MllpReceiver {

    // Logged as the listener: operators filter and tune the MLLP logs by that one logger name.
    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

    private final Settings settings;
    private final Hl7Responder responder;
    private final OutcomeCounters counters;
    private final ConnectionCounters connections;
    private final BooleanSupplier closing;
    private final SourceLog sourceLog;

    /**
     * @param closing whether the listener is closing: a frame answered after that gets no ACK (the sender resends)
     */
    MllpReceiver(
            Settings settings,
            Hl7Responder responder,
            OutcomeCounters counters,
            ConnectionCounters connections,
            SourceLog sourceLog,
            BooleanSupplier closing) {
        this.settings = settings;
        this.responder = responder;
        this.counters = counters;
        this.connections = connections;
        this.sourceLog = sourceLog;
        this.closing = closing;
    }

    /** Serves the connection until it ends; the caller closes the socket. */
    void receive(MllpConnection connection) {
        Socket tcp = connection.socket();
        String peerAddress = String.valueOf(tcp.getRemoteSocketAddress());
        log.debug("MLLP connection from {}", peerAddress);
        Socket socket = tcp;
        X509Certificate certificate = null;
        ServerTls tls = settings.tls();
        try {
            tcp.setTcpNoDelay(true);
            if (tls != null) {
                SSLSocket ssl = tls.wrap(tcp);
                socket = ssl;
                try {
                    ssl.startHandshake();
                } catch (IOException e) {
                    if (connection.closedBy() == null) {
                        connections.increment(Event.HANDSHAKE_FAILED);
                        sourceLog.warn(
                                "handshake:" + connection.source().getHostAddress(),
                                "MLLP TLS handshake with {} failed: {}",
                                peerAddress,
                                e.getMessage());
                    }
                    return;
                }
                Certificate[] chain = tls.clientAuth() == ServerTls.ClientAuth.REQUIRED
                        ? ssl.getSession().getPeerCertificates()
                        : new Certificate[0];
                if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                    certificate = x;
                }
                connection.enter(Phase.IDLE);
            }
        } catch (IOException e) {
            log.debug("MLLP connection from {} ended before its first frame: {}", peerAddress, e.toString());
            return;
        }
        serveFrames(connection, socket, new Peer(peerAddress, certificate));
    }

    private void serveFrames(MllpConnection connection, Socket socket, Peer peer) {
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            MllpFrames frames = new MllpFrames(
                    in,
                    settings.maxFrameBytes(),
                    8L * settings.maxFrameBytes(),
                    () -> connection.enter(Phase.RECEIVING));
            Acceptances acceptances = responder.acceptances();
            while (!closing.getAsBoolean()) {
                Frame frame;
                try {
                    frame = frames.next();
                } catch (FramingLost lost) {
                    connection.enter(Phase.HANDLING);
                    Reply reply = oversized(lost.frame(), peer);
                    connection.enter(Phase.WRITING);
                    counters.increment(reply.outcome());
                    write(out, reply.ack(), settings.defaultCharset());
                    log.warn("Closing MLLP connection from {}: {}", peer.address(), lost.getMessage());
                    return;
                }
                if (frame == null) {
                    return;
                }
                connection.enter(Phase.HANDLING);
                Charset charset = settings.defaultCharset();
                Reply reply;
                try {
                    if (frame instanceof MllpFrames.Oversized o) {
                        reply = oversized(o, peer);
                    } else {
                        byte[] bytes = ((MllpFrames.Message) frame).bytes();
                        Hl7Charset.Decoded decoded = Hl7Charset.decode(bytes, settings.defaultCharset());
                        if (decoded instanceof Hl7Charset.Text text) {
                            charset = text.charset();
                            reply = responder.answer(text.er7(), peer, acceptances);
                        } else {
                            reply = unsupportedCharset(bytes, ((Hl7Charset.Unsupported) decoded).name(), peer);
                        }
                    }
                } catch (HL7Exception | RuntimeException e) {
                    // Not even a bare ACK could be built: closing is the only answer left.
                    counters.increment(Outcome.CLOSED);
                    log.error(
                            "No acknowledgment could be built ({}); closing MLLP connection from {}",
                            e.getClass().getName(),
                            peer.address());
                    return;
                }
                if (closing.getAsBoolean()) {
                    // close() already shut the socket: the sender gets no ACK and will resend.
                    counters.increment(Outcome.CLOSED);
                    return;
                }
                counters.increment(reply.outcome());
                connection.enter(Phase.WRITING);
                write(out, reply.ack(), charset);
                connection.answered();
            }
        } catch (IOException e) {
            Phase phase = connection.phase();
            boolean unanswered = phase == Phase.RECEIVING || phase == Phase.HANDLING || e instanceof FramingException;
            if (unanswered && !closing.getAsBoolean()) {
                counters.increment(Outcome.CLOSED);
                String why = connection.closedBy() == Event.READ_TIMEOUT
                        ? "frame not completed within the read timeout"
                        : connection.closedBy() == Event.EVICTED ? "evicted for a new connection" : e.toString();
                // The framing's and the JDK's messages name bytes and states, never message content.
                log.warn("Closing MLLP connection from {}: {}", peer.address(), why);
            } else if (closing.getAsBoolean() || connection.closedBy() != null || e instanceof SSLException) {
                log.debug("MLLP connection from {} ended: {}", peer.address(), e.getMessage());
            } else {
                log.debug("MLLP connection from {} ended: {}", peer.address(), e.toString());
            }
        } catch (HL7Exception e) {
            counters.increment(Outcome.CLOSED);
            log.error(
                    "No acknowledgment could be built ({}); closing MLLP connection",
                    e.getClass().getName());
        }
    }

    private Reply oversized(MllpFrames.Oversized frame, Peer peer) throws HL7Exception, IOException {
        connections.increment(ConnectionCounters.Refusal.OVERSIZED);
        log.warn(
                "AE for an oversized frame from {}: {} bytes, the limit is {}",
                peer.address(),
                frame.length(),
                settings.maxFrameBytes());
        String text = "message of " + frame.length() + " bytes is larger than this receiver's limit of "
                + settings.maxFrameBytes() + " bytes; it was not stored and resending it cannot succeed";
        return responder.refuse(
                new MessageHandler.Refusal(
                        ErrorCode.OVERSIZED,
                        frame.head(),
                        new org.biomarkerstreams.ingest.hl7.Disposition.Error(Hl7Responder.VALUE_TOO_LONG, text, null)),
                null,
                firstSegment(frame.head()));
    }

    private Reply unsupportedCharset(byte[] bytes, String name, Peer peer) throws HL7Exception, IOException {
        connections.increment(ConnectionCounters.Refusal.UNSUPPORTED_CHARSET);
        log.warn("AE for a message from {} in an unsupported character set (MSH-18 '{}')", peer.address(), name);
        return responder.refuse(
                new MessageHandler.Refusal(
                        ErrorCode.UNDESERIALIZABLE,
                        bytes,
                        new org.biomarkerstreams.ingest.hl7.Disposition.Error(
                                Hl7Responder.TABLE_VALUE_NOT_FOUND,
                                "character set '" + name + "' in MSH-18 is not supported; it was not stored and"
                                        + " resending it cannot succeed",
                                "MSH-18")),
                null,
                firstSegment(bytes));
    }

    /** The MSH segment as text, enough to correlate an answer; never the patient segments. */
    private static String firstSegment(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1) + "\r";
    }

    private static void write(OutputStream out, String ack, Charset charset) throws IOException {
        out.write(MllpFrames.START_BLOCK);
        out.write(ack.getBytes(charset));
        out.write(MllpFrames.END_BLOCK);
        out.write(MllpFrames.CARRIAGE_RETURN);
        out.flush();
    }
}
