package org.biomarkerstreams.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Closes connections that take too long to deliver a request. An idle timeout alone does not stop a slow-loris
 * client, which sends one byte every few seconds and so is never idle; this guard gives every connection {@code
 * requestTimeout} from its opening (TLS handshake included) or from its previous answer to deliver the next whole
 * request. A connection whose request is being handled is never closed by it: slow answers are bounded by the
 * handlers' own timeouts.
 *
 * <p>Added to a connector as a bean, it hears of every connection the connector opens; the API handler tells it
 * when a request begins and ends.
 */
final class SlowRequestGuard extends AbstractLifeCycle implements Connection.Listener {

    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    private final Map<Connection, Deadline> open = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private ScheduledExecutorService sweeper;

    /** When a connection's next request must have arrived; {@code handling} while one is being answered. */
    private static final class Deadline {
        volatile long since;
        volatile int handling;

        Deadline(long since) {
            this.since = since;
        }
    }

    SlowRequestGuard(java.time.Duration requestTimeout, LongSupplier nanoTime) {
        this.timeoutNanos = requestTimeout.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    protected void doStart() {
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-slow-request-guard");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 10);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
        open.clear();
    }

    @Override
    public void onOpened(Connection connection) {
        // Under TLS the HTTP connection is opened with the TLS one, on its decrypted side: it alone carries
        // requests, and closing it closes the socket.
        if (!(connection instanceof SslConnection)) {
            open.put(connection, new Deadline(nanoTime.getAsLong()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** A request on {@code connection} is being handled. */
    void begin(Connection connection) {
        Deadline d = open.get(connection);
        if (d != null) {
            synchronized (d) {
                d.handling++;
            }
        }
    }

    /** The answer on {@code connection} is complete: the next request's time starts now. */
    void end(Connection connection) {
        Deadline d = open.get(connection);
        if (d != null) {
            synchronized (d) {
                d.handling--;
                d.since = nanoTime.getAsLong();
            }
        }
    }

    /** Connections closed for being too slow, since start. */
    long closedCount() {
        return closed.get();
    }

    /** Open connections it watches. */
    int watched() {
        return open.size();
    }

    void sweep() {
        long now = nanoTime.getAsLong();
        open.forEach((connection, d) -> {
            if (d.handling == 0 && now - d.since > timeoutNanos) {
                open.remove(connection);
                closed.incrementAndGet();
                connection.getEndPoint().close();
            }
        });
    }
}
