package org.biomarkerstreams.ingest.hl7;

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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.biomarkerstreams.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives HL7 v2 messages over MLLP and answers each with an acknowledgment that means what it
 * says: AA only after the {@link MessageHandler} has stored the data, AE for content the handler
 * refused or that can never succeed (too large, an unknown MSH-18 character set, a sending facility the
 * client certificate may not send for), AR when the sender must resend (storage unavailable, a handler
 * failure, bytes that are not HL7). {@link MllpFrames} does the framing, {@link Hl7Charset} the decoding, HAPI
 * the parsing (every version into the v2.5.1 structures, validation off) and the ACKs.
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
 *       frame, a frame not completed within {@link Settings#frameTimeout()}, an oversized frame whose end
 *       never came, a peer that hung up mid-frame, an eviction mid-frame, or a message still in the
 *       handler when {@link #close()} was called.
 * </ul>
 *
 * <h2>The door</h2>
 *
 * The accept loop never waits for a peer: it checks the source against {@link Settings#allowedSources()}
 * (closing outsiders before reading a byte), makes room if {@link Settings#maxConnections()} are open (the
 * connection longest without a complete message is evicted; one whose message is being stored never is), and
 * hands the socket to its own thread, where the TLS handshake happens. A watchdog closes every connection that
 * overstays its phase: the handshake ({@link Settings#handshakeTimeout()}), idle between messages ({@link
 * Settings#idleTimeout()}), a frame or its answer in transit ({@link Settings#frameTimeout()}). So idle sockets and
 * one-byte-a-second senders can occupy at most {@code maxConnections} threads and never lock a sender out.
 * {@code biomarker.mllp.connections{event}} and {@code biomarker.mllp.refusals{reason}} count what happened.
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
     * Limits and defaults. Compared with NextGen Connect's TCP Listener (max connections 10, receive timeout 0 =
     * never, no message size limit, no TLS without its paid extension): more connections, because a connection
     * costs one thread here and interface engines open one per channel; but every limit finite, so that nothing a
     * peer does can hold a slot for ever, and a new connection evicts the one longest without a complete message
     * instead of being refused.
     *
     * @param maxFrameBytes a frame (one message) larger than this is read to its end and answered AE
     * @param frameTimeout a frame must arrive completely within this time once it started, and its answer be
     *     written within it ({@code --mllp-read-timeout})
     * @param maxConnections open connections; a new one beyond this evicts the connection that has gone longest
     *     without a complete message (never one whose message is being stored)
     * @param defaultCharset how a message without MSH-18 whose bytes are not valid UTF-8 is decoded ({@link
     *     Hl7Charset}); ISO-8859-1 by default because it decodes every byte
     * @param bindAddress the local address to listen on; null for all interfaces
     * @param idleTimeout a connection without a byte between messages for this long is closed
     * @param handshakeTimeout the whole TLS handshake must finish within this
     * @param allowedSources who may connect at all
     * @param tls server TLS; null for plain TCP
     * @param senders which MSH-3/MSH-4 each client certificate may send for; null for any (requires TLS with
     *     client certificates when given)
     */
    public record Settings(
            int maxFrameBytes,
            Duration frameTimeout,
            int maxConnections,
            Charset defaultCharset,
            InetAddress bindAddress,
            Duration idleTimeout,
            Duration handshakeTimeout,
            SourceAllowlist allowedSources,
            ServerTls tls,
            SenderPolicy senders) {

        public Settings {
            if (maxFrameBytes <= 0) {
                throw new IllegalArgumentException("maxFrameBytes must be positive, was " + maxFrameBytes);
            }
            requirePositive(frameTimeout, "frameTimeout");
            requirePositive(idleTimeout, "idleTimeout");
            requirePositive(handshakeTimeout, "handshakeTimeout");
            if (maxConnections <= 0) {
                throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
            }
            Objects.requireNonNull(defaultCharset, "defaultCharset");
            Objects.requireNonNull(allowedSources, "allowedSources");
            if (senders != null && (tls == null || tls.clientAuth() != ServerTls.ClientAuth.REQUIRED)) {
                throw new IllegalArgumentException(
                        "--mllp-senders needs client certificates: give --mllp-tls-client-ca as well");
            }
        }

        private static void requirePositive(Duration d, String name) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
        }

        /**
         * 1 MiB frames, 30 s per frame, 64 connections, 60 s idle, 10 s per handshake, ISO-8859-1, all interfaces,
         * every source, plain TCP.
         */
        public static Settings defaults() {
            return new Settings(
                    1 << 20,
                    Duration.ofSeconds(30),
                    64,
                    StandardCharsets.ISO_8859_1,
                    null,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(10),
                    SourceAllowlist.anySource(),
                    null,
                    null);
        }

        public Settings withDefaultCharset(Charset charset) {
            return toBuilder().defaultCharset(charset).build();
        }

        public Settings withMaxFrameBytes(int bytes) {
            return toBuilder().maxFrameBytes(bytes).build();
        }

        public Settings withFrameTimeout(Duration timeout) {
            return toBuilder().frameTimeout(timeout).build();
        }

        public Settings withMaxConnections(int connections) {
            return toBuilder().maxConnections(connections).build();
        }

        public Settings withBindAddress(InetAddress address) {
            return toBuilder().bindAddress(address).build();
        }

        public Settings withIdleTimeout(Duration timeout) {
            return toBuilder().idleTimeout(timeout).build();
        }

        public Settings withHandshakeTimeout(Duration timeout) {
            return toBuilder().handshakeTimeout(timeout).build();
        }

        public Settings withAllowedSources(SourceAllowlist sources) {
            return toBuilder().allowedSources(sources).build();
        }

        /** TLS, and (if not null) the facilities each client certificate may send for. */
        public Settings withTls(ServerTls serverTls, SenderPolicy policy) {
            return toBuilder().tls(serverTls, policy).build();
        }

        private Builder toBuilder() {
            return new Builder(this);
        }

        /** These settings with one or two changed: each wither above is one line through it. */
        private static final class Builder {
            private int maxFrameBytes;
            private Duration frameTimeout;
            private int maxConnections;
            private Charset defaultCharset;
            private InetAddress bindAddress;
            private Duration idleTimeout;
            private Duration handshakeTimeout;
            private SourceAllowlist allowedSources;
            private ServerTls tls;
            private SenderPolicy senders;

            Builder(Settings s) {
                maxFrameBytes = s.maxFrameBytes;
                frameTimeout = s.frameTimeout;
                maxConnections = s.maxConnections;
                defaultCharset = s.defaultCharset;
                bindAddress = s.bindAddress;
                idleTimeout = s.idleTimeout;
                handshakeTimeout = s.handshakeTimeout;
                allowedSources = s.allowedSources;
                tls = s.tls;
                senders = s.senders;
            }

            Builder maxFrameBytes(int value) {
                maxFrameBytes = value;
                return this;
            }

            Builder frameTimeout(Duration value) {
                frameTimeout = value;
                return this;
            }

            Builder maxConnections(int value) {
                maxConnections = value;
                return this;
            }

            Builder defaultCharset(Charset value) {
                defaultCharset = value;
                return this;
            }

            Builder bindAddress(InetAddress value) {
                bindAddress = value;
                return this;
            }

            Builder idleTimeout(Duration value) {
                idleTimeout = value;
                return this;
            }

            Builder handshakeTimeout(Duration value) {
                handshakeTimeout = value;
                return this;
            }

            Builder allowedSources(SourceAllowlist value) {
                allowedSources = value;
                return this;
            }

            Builder tls(ServerTls serverTls, SenderPolicy policy) {
                tls = serverTls;
                senders = policy;
                return this;
            }

            Settings build() {
                return new Settings(
                        maxFrameBytes,
                        frameTimeout,
                        maxConnections,
                        defaultCharset,
                        bindAddress,
                        idleTimeout,
                        handshakeTimeout,
                        allowedSources,
                        tls,
                        senders);
            }
        }

        /** How often the watchdog looks: a quarter of the shortest limit, between 20 ms and 1 s. */
        Duration watchEvery() {
            long shortest =
                    Math.min(frameTimeout.toMillis(), Math.min(idleTimeout.toMillis(), handshakeTimeout.toMillis()));
            return Duration.ofMillis(Math.max(20, Math.min(1000, shortest / 4)));
        }
    }

    private final Settings settings;
    private final Hl7Responder responder;
    private final OutcomeCounters counters;
    private final ConnectionCounters connectionCounters;
    private final SourceLog sourceLog = new SourceLog();
    private final MllpReceiver receiver;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final ScheduledExecutorService watchdog;
    private final Set<MllpConnection> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closing;

    private MllpListener(int port, MessageHandler handler, MeterRegistry meters, Settings settings) throws IOException {
        this.settings = settings;
        this.counters = new OutcomeCounters(meters);
        this.connectionCounters = new ConnectionCounters(meters);
        this.responder = new Hl7Responder(handler, settings.senders(), connectionCounters);
        this.receiver = new MllpReceiver(settings, responder, counters, connectionCounters, sourceLog, () -> closing);
        // Plain TCP even with TLS: the handshake runs on the connection's thread (never in the accept loop), and
        // closing the TCP socket ends a handshake that hangs.
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(settings.bindAddress(), port), 200);
        AtomicInteger ids = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mllp-" + server.getLocalPort() + "-conn-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mllp-" + server.getLocalPort() + "-watchdog");
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
        long every = settings.watchEvery().toMillis();
        listener.watchdog.scheduleWithFixedDelay(listener::watch, every, every, TimeUnit.MILLISECONDS);
        listener.acceptor.start();
        log.info(
                "Listening for HL7 over MLLP{} on {}:{} (frames up to {} bytes, {} connections, idle timeout {},"
                        + " read timeout {}, sources: {}{})",
                settings.tls() == null
                        ? ""
                        : settings.tls().clientAuth() == ServerTls.ClientAuth.REQUIRED
                                ? " over mutual TLS"
                                : " over TLS",
                settings.bindAddress() == null ? "*" : settings.bindAddress().getHostAddress(),
                listener.port(),
                settings.maxFrameBytes(),
                settings.maxConnections(),
                settings.idleTimeout(),
                settings.frameTimeout(),
                settings.allowedSources(),
                settings.senders() == null ? "" : ", " + settings.senders().size() + " sender rules");
        if (settings.tls() == null
                && (settings.bindAddress() == null || !settings.bindAddress().isLoopbackAddress())) {
            log.warn(
                    "MLLP on port {} is plain TCP on a non-loopback address: anyone who can reach it can send"
                            + " results; use --mllp-tls-cert/--mllp-tls-key and --mllp-allow-cidr",
                    listener.port());
        }
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
            admit(socket);
        }
    }

    /** Never blocks on the peer: every check here uses only what the kernel already knows. */
    private void admit(Socket socket) {
        InetAddress source = socket.getInetAddress();
        if (!settings.allowedSources().allows(source)) {
            connectionCounters.increment(ConnectionCounters.Event.OUTSIDE_ALLOWLIST);
            sourceLog.warn(
                    "outside:" + source.getHostAddress(),
                    "Closed an MLLP connection from {}, outside --mllp-allow-cidr",
                    source.getHostAddress());
            closeQuietly(socket);
            return;
        }
        if (open.size() >= settings.maxConnections() && !makeRoom()) {
            connectionCounters.increment(ConnectionCounters.Event.REFUSED_FULL);
            sourceLog.warn(
                    "full",
                    "Refused an MLLP connection from {}: all {} connections are storing a message",
                    source.getHostAddress(),
                    settings.maxConnections());
            closeQuietly(socket);
            return;
        }
        MllpConnection connection = new MllpConnection(
                socket, settings.tls() == null ? MllpConnection.Phase.IDLE : MllpConnection.Phase.HANDSHAKE);
        open.add(connection);
        connectionCounters.increment(ConnectionCounters.Event.ACCEPTED);
        try {
            connections.execute(() -> serve(connection));
        } catch (RuntimeException e) {
            // Rejected because close() shut the pool down between accept and execute.
            release(connection);
        }
    }

    /**
     * Evicts the connection that has gone longest without a complete message (since its last answer, or since it
     * opened): idle sockets and slow-loris frames go first, a sender that just got its answer last. A connection
     * whose message the handler is storing is never evicted.
     */
    private boolean makeRoom() {
        MllpConnection victim = null;
        for (MllpConnection c : open) {
            if (c.phase() == MllpConnection.Phase.HANDLING) {
                continue;
            }
            if (victim == null || c.lastCompleted() < victim.lastCompleted()) {
                victim = c;
            }
        }
        if (victim == null) {
            return false;
        }
        open.remove(victim);
        connectionCounters.increment(ConnectionCounters.Event.EVICTED);
        victim.closeBecause(ConnectionCounters.Event.EVICTED);
        sourceLog.warn(
                "evicted",
                "MLLP connections full ({}): closed the one from {} that had gone longest without a message",
                settings.maxConnections(),
                victim.source().getHostAddress());
        return true;
    }

    /** The watchdog: every time limit of every connection, enforced by closing its socket. */
    private void watch() {
        long now = System.nanoTime();
        for (MllpConnection c : open) {
            long in = now - c.phaseSince();
            ConnectionCounters.Event expired =
                    switch (c.phase()) {
                        case HANDSHAKE ->
                            in > settings.handshakeTimeout().toNanos()
                                    ? ConnectionCounters.Event.HANDSHAKE_TIMEOUT
                                    : null;
                        case IDLE ->
                            in > settings.idleTimeout().toNanos() ? ConnectionCounters.Event.IDLE_TIMEOUT : null;
                        case RECEIVING, WRITING ->
                            in > settings.frameTimeout().toNanos() ? ConnectionCounters.Event.READ_TIMEOUT : null;
                        case HANDLING -> null;
                    };
            if (expired != null) {
                open.remove(c);
                connectionCounters.increment(expired);
                c.closeBecause(expired);
                log.debug("Closed MLLP connection from {}: {}", c.source().getHostAddress(), expired);
            }
        }
    }

    private void serve(MllpConnection connection) {
        try {
            receiver.receive(connection);
        } finally {
            release(connection);
        }
    }

    private void release(MllpConnection connection) {
        connection.close();
        open.remove(connection);
    }

    /** Counts of each outcome so far (the same numbers as the Micrometer counters). */
    public long count(Outcome outcome) {
        return counters.count(outcome);
    }

    /** Open connections now. */
    public int openConnections() {
        return open.size();
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
        watchdog.shutdownNow();
        open.forEach(MllpConnection::close);
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
