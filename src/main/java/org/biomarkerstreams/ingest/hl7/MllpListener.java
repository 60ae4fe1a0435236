package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final Hl7Responder responder;
    private final OutcomeCounters counters;
    private final MllpReceiver receiver;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closing;

    private MllpListener(int port, MessageHandler handler, MeterRegistry meters, Settings settings) throws IOException {
        this.settings = settings;
        this.responder = new Hl7Responder(handler);
        this.counters = new OutcomeCounters(meters);
        this.receiver = new MllpReceiver(settings, responder, counters, () -> closing);
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
                release(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try {
            receiver.receive(socket);
        } finally {
            release(socket);
        }
    }

    private void release(Socket socket) {
        closeQuietly(socket);
        open.remove(socket);
        active.decrementAndGet();
    }

    /** Counts of each outcome so far (the same numbers as the Micrometer counters). */
    public long count(Outcome outcome) {
        return counters.count(outcome);
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
        responder.close();
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
