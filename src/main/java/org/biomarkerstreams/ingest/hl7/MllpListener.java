package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.ErrorCode;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.llp.HL7Reader;
import ca.uhn.hl7v2.llp.HL7Writer;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives HL7 v2 messages over MLLP and answers each with an acknowledgment that means what it
 * says: AA only after the {@link MessageHandler} has stored the data, AE for content the handler
 * refused, AR when the sender must resend (storage unavailable, a handler failure, bytes that are
 * not HL7). HAPI does the MLLP framing ({@link MinLowerLayerProtocol}, honouring MSH-18), the
 * parsing (every version into the v2.5.1 structures, validation off) and the ACKs.
 *
 * <p>Why not HAPI's {@code SimpleServer}: its receiver answers nothing (and leaves the connection
 * open) when a frame has no MSH, logs whole messages (patient data) at INFO when they carry an
 * MSA, hands a half-received frame on as complete after a socket timeout, and buffers frames
 * without a size limit. Here each connection has one thread that reads a frame, answers it, and
 * reads the next, so the handler sees a connection's messages in order; every frame ends in exactly
 * one outcome, counted in {@code biomarker.hl7.messages{outcome}}:
 *
 * <ul>
 *   <li>{@code AA}, {@code AE}, {@code AR}: the acknowledgment sent (counted before it is written);
 *   <li>{@code CLOSED}: the connection was closed instead of answering: bytes outside an MLLP
 *       frame, a frame larger than {@link Settings#maxFrameBytes()}, a frame not completed within
 *       {@link Settings#frameTimeout()}, a peer that hung up mid-frame, or a message still in the
 *       handler when {@link #close()} was called.
 * </ul>
 *
 * A frame that is not HL7 at all but is properly framed gets an AR; one whose MSH is readable but
 * whose body does not parse gets an AE (resending the same bytes cannot help), correlated by MSA-2.
 */
public final class MllpListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

    /** The outcome of one received frame, the {@code outcome} tag of the message counter. */
    public enum Outcome {
        AA,
        AE,
        AR,
        CLOSED
    }

    /**
     * Limits and defaults.
     *
     * @param maxFrameBytes a frame (one message) larger than this closes the connection
     * @param frameTimeout a frame must arrive completely within this time once it started
     * @param maxConnections connections beyond this are closed at once
     * @param defaultCharset how a message without MSH-18 is decoded; ISO-8859-1 by default because
     *     it decodes every byte, so nothing is lost even if the sender actually wrote UTF-8
     * @param bindAddress the local address to listen on; null for all interfaces
     */
    public record Settings(
            int maxFrameBytes,
            Duration frameTimeout,
            int maxConnections,
            Charset defaultCharset,
            InetAddress bindAddress) {

        public Settings {
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("maxFrameBytes must be positive, was " + maxFrameBytes);
            }
            if (frameTimeout.isNegative() || frameTimeout.isZero()) {
                throw new IllegalArgumentException("frameTimeout must be positive, was " + frameTimeout);
            }
            if (maxConnections <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
            }
            Objects.requireNonNull(defaultCharset, "defaultCharset");
        }

        /** 1 MiB frames, 30 s per frame, 64 connections, ISO-8859-1, all interfaces. */
        public static Settings defaults() {
            return new Settings(1 << 20, Duration.ofSeconds(30), 64, StandardCharsets.ISO_8859_1, null);
        }

        public Settings withMaxFrameBytes(int bytes) {
            return new Settings(bytes, frameTimeout, maxConnections, defaultCharset, bindAddress);
        }

        public Settings withFrameTimeout(Duration timeout) {
            return new Settings(maxFrameBytes, timeout, maxConnections, defaultCharset, bindAddress);
        }

        public Settings withMaxConnections(int connections) {
            return new Settings(maxFrameBytes, frameTimeout, connections, defaultCharset, bindAddress);
        }

        public Settings withBindAddress(InetAddress address) {
            return new Settings(maxFrameBytes, frameTimeout, maxConnections, defaultCharset, address);
        }
    }

    private final Settings settings;
    private final MessageHandler handler;
    private final HapiContext hapi;
    private final PipeParser parser;
    private final MinLowerLayerProtocol protocol;
    private final Acknowledgments acks;
    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closing;

    private MllpListener(int port, MessageHandler handler, MeterRegistry meters, Settings settings) throws IOException {
        this.settings = settings;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.hapi = new DefaultHapiContext();
        hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
        hapi.setValidationContext(ValidationContextFactory.noValidation());
        hapi.getParserConfiguration().setValidating(false);
        // Hl7Mapper's leniency for OBX-2, so a handler can map the message parsed here instead of
        // parsing the text a second time (half the connection thread's CPU). Unknown versions are
        // still refused here (AE): a live feed claiming 7.0 is misconfigured.
        hapi.getParserConfiguration().setDefaultObx2Type("ST");
        hapi.getParserConfiguration().setInvalidObx2Type("ST");
        // HAPI's default ACK control-id generator writes an "id_file" into the working directory
        // (read-only in our container). Start time plus a counter: unique across restarts, and within
        // the 20 characters ST allows in MSH-10 before v2.7.
        String instance = Long.toString(System.currentTimeMillis(), 36).toUpperCase(Locale.ROOT);
        AtomicLong ackIds = new AtomicLong();
        hapi.getParserConfiguration().setIdGenerator(() -> instance + ackIds.incrementAndGet());
        this.parser = hapi.getPipeParser();
        this.protocol = new MinLowerLayerProtocol(true);
        protocol.setCharset(settings.defaultCharset());
        this.acks = new Acknowledgments(parser);
        for (Outcome o : Outcome.values()) {
            counters.put(
                    o,
                    Counter.builder("biomarker.hl7.messages")
                            .description("HL7 messages received over MLLP, by acknowledgment sent")
                            .tag("outcome", o.name())
                            .register(meters));
        }
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(settings.bindAddress(), port), 50);
        AtomicInteger ids = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mllp-" + server.getLocalPort() + "-conn-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "mllp-" + server.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
    }

    /** Starts listening with {@link Settings#defaults()}; port 0 picks a free port. */
    public static MllpListener start(int port, MessageHandler handler, MeterRegistry meters) {
        return start(port, handler, meters, Settings.defaults());
    }

    /** Starts listening; port 0 picks a free port. */
    public static MllpListener start(int port, MessageHandler handler, MeterRegistry meters, Settings settings) {
        MllpListener listener;
        try {
            listener = new MllpListener(port, handler, meters, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for MLLP on port " + port, e);
        }
        listener.acceptor.start();
        log.info(
                "Listening for HL7 over MLLP on port {} (frames up to {} bytes, {} connections)",
                listener.port(),
                settings.maxFrameBytes(),
                settings.maxConnections());
        return listener;
    }

    /** The port actually bound. */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.error("MLLP accept failed on port {}; no longer accepting", port(), e);
                }
                return;
            }
            if (active.incrementAndGet() > settings.maxConnections()) {
                active.decrementAndGet();
                log.warn(
                        "Refusing MLLP connection from {}: already {} connections",
                        socket.getRemoteSocketAddress(),
                        settings.maxConnections());
                closeQuietly(socket);
                continue;
            }
            open.add(socket);
            try {
                connections.execute(() -> serve(socket));
            } catch (RuntimeException e) {
                // Rejected because close() shut the pool down between accept and execute.
                open.remove(socket);
                active.decrementAndGet();
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
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
            Acceptances acceptances = new Acceptances(acks, parser, Clock.systemDefaultZone());
            while (!closing) {
                String er7 = reader.getMessage();
                Reply reply;
                try {
                    reply = answer(er7 == null ? "" : er7, peer, acceptances);
                } catch (HL7Exception | RuntimeException e) {
                    // Not even a bare ACK could be built: closing is the only answer left.
                    counters.get(Outcome.CLOSED).increment();
                    log.error(
                            "No acknowledgment could be built ({}); closing MLLP connection from {}",
                            e.getClass().getName(),
                            peer);
                    return;
                }
                if (closing) {
                    // close() already shut the socket: the sender gets no ACK and will resend.
                    counters.get(Outcome.CLOSED).increment();
                    return;
                }
                counters.get(reply.outcome()).increment();
                answered++;
                writer.writeMessage(reply.ack());
            }
        } catch (IOException | LLPException | RuntimeException e) {
            // Unanswered: a frame still arriving, or one that arrived but HAPI's decoder failed on
            // (its charset detection throws on frames of a byte or two).
            boolean unanswered = guard != null && (guard.pending() > 0 || guard.framesEnded() > answered);
            if (unanswered && !closing) {
                counters.get(Outcome.CLOSED).increment();
                // HAPI's messages here name bytes and states, never message content.
                log.warn("Closing MLLP connection from {}: {}", peer, e.toString());
            } else if (e instanceof SocketException || closing) {
                log.debug("MLLP connection from {} ended: {}", peer, e.getMessage());
            } else {
                log.warn("MLLP connection from {} ended: {}", peer, e.toString());
            }
        } finally {
            closeQuietly(socket);
            open.remove(socket);
            active.decrementAndGet();
        }
    }

    private record Reply(Outcome outcome, String ack) {}

    private Reply answer(String er7, String peer, Acceptances acceptances) throws HL7Exception, IOException {
        Message message;
        try {
            message = parser.parse(er7);
        } catch (HL7Exception | RuntimeException e) {
            return unparseable(er7, e, peer);
        }
        String controlId = field(message, "/MSH-10");
        Disposition d;
        String acceptance = null;
        try {
            MessageHandler.Pending pending = handler.begin(message, er7);
            // Built while the handler's write travels: on one connection the time from frame to ACK
            // is the throughput. Sent only if the handler accepts.
            acceptance = prepareAcceptance(acceptances, message, er7, controlId);
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

    /** The AA for a message, or null when it cannot be built (never an AA then: an AR goes out). */
    private static String prepareAcceptance(Acceptances acceptances, Message message, String er7, String controlId) {
        try {
            return acceptances.accept(message, er7);
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
        try {
            return new Terser(message).get(path);
        } catch (HL7Exception | RuntimeException e) {
            return "?";
        }
    }

    /** Counts of each outcome so far (the same numbers as the Micrometer counters). */
    public long count(Outcome outcome) {
        return (long) counters.get(outcome).count();
    }

    /**
     * Stops accepting, closes every connection (a handler still running is interrupted and its
     * message gets no ACK, so the sender resends it), and returns within about five seconds.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        closeQuietly(server);
        open.forEach(MllpListener::closeQuietly);
        connections.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(2));
            if (!connections.awaitTermination(3, TimeUnit.SECONDS)) {
                log.warn("MLLP connection threads still running after close; a handler ignores interrupts");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            hapi.close();
        } catch (IOException e) {
            log.debug("Closing the HAPI context: {}", e.toString());
        }
        log.info("MLLP listener on port {} closed", server.getLocalPort());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close: {}", e.toString());
        }
    }
}
