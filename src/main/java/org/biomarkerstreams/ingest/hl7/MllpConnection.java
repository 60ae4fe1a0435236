package org.biomarkerstreams.ingest.hl7;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * One admitted connection as the listener's watchdog and admission see it: the TCP socket (closing it ends the
 * connection's thread wherever it blocks, in a TLS handshake included), what it is doing, and since when.
 */
final class MllpConnection {

    /** What the connection is doing; each has its own time limit. */
    enum Phase {
        /** TLS handshake: limited by the handshake timeout */
        HANDSHAKE,
        /** between messages: limited by the idle timeout */
        IDLE,
        /** a frame has begun: limited by the read timeout */
        RECEIVING,
        /** the handler stores the message: limited by the handler's own write timeout, never evicted */
        HANDLING,
        /** the answer is being written: limited by the read timeout */
        WRITING
    }

    private final Socket socket;
    private final InetAddress source;
    private volatile Phase phase;
    private volatile long phaseSince;
    private volatile long lastCompleted;
    private volatile ConnectionCounters.Event closedBy;

    MllpConnection(Socket socket, Phase first) {
        this.socket = socket;
        this.source = socket.getInetAddress();
        long now = System.nanoTime();
        this.phase = first;
        this.phaseSince = now;
        this.lastCompleted = now;
    }

    Socket socket() {
        return socket;
    }

    InetAddress source() {
        return source;
    }

    Phase phase() {
        return phase;
    }

    long phaseSince() {
        return phaseSince;
    }

    /** When the connection last answered a message (or opened): eviction takes the oldest. */
    long lastCompleted() {
        return lastCompleted;
    }

    void enter(Phase next) {
        phaseSince = System.nanoTime();
        phase = next;
    }

    /** An answer went out: idle again. */
    void answered() {
        lastCompleted = System.nanoTime();
        enter(Phase.IDLE);
    }

    /** Why the listener closed it, or null if it was not the listener. */
    ConnectionCounters.Event closedBy() {
        return closedBy;
    }

    /** Closes it from another thread, recording why; the connection's thread then ends. */
    void closeBecause(ConnectionCounters.Event reason) {
        closedBy = reason;
        close();
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
