package org.biomarkerstreams.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Hostile clients on loopback, bounded in number: slow-loris connections that (after the TLS handshake, when the
 * port speaks TLS) start a request and then send one more header line per second without ever finishing it, and
 * idle connections that send nothing at all, not even a TLS hello. A reader per connection notices when the
 * server closes it (end of stream or reset).
 */
final class SlowClients implements AutoCloseable {

    private static final Duration ROUND = Duration.ofSeconds(1);

    private final List<Client> clients = new ArrayList<>();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client-reader");
        t.setDaemon(true);
        return t;
    });

    private static final class Client {
        final Socket socket;
        final boolean trickling;
        final long openedAt = System.nanoTime();
        volatile long closedAt = -1;
        int lines;

        Client(Socket socket, boolean trickling) {
            this.socket = socket;
            this.trickling = trickling;
        }

        boolean isOpen() {
            return closedAt < 0;
        }

        void closed() {
            if (closedAt < 0) {
                closedAt = System.nanoTime();
            }
        }
    }

    /** What became of the connections of one kind. */
    record Outcome(int opened, int closedByServer, Duration slowestClose) {}

    private SlowClients() {}

    /**
     * Opens {@code trickling} slow-loris and {@code idle} silent connections to {@code port} on loopback; the
     * slow-loris ones over TLS when {@code tls} is given.
     */
    static SlowClients open(int port, SSLContext tls, int trickling, int idle) throws IOException {
        SlowClients attack = new SlowClients();
        try {
            for (int i = 0; i < trickling + idle; i++) {
                boolean slow = i < trickling;
                Socket plain = new Socket();
                plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                Socket socket = slow && tls != null ? RawHttp.secure(tls, plain, port) : plain;
                Client client = new Client(socket, slow);
                attack.clients.add(client);
                if (slow) {
                    attack.write(
                            client, "GET /api/cohort/visits?analyte=CRP HTTP/1.1\r\nHost: localhost:" + port + "\r\n");
                }
                attack.readers.execute(() -> awaitClose(client));
            }
        } catch (IOException e) {
            attack.close();
            throw e;
        }
        return attack;
    }

    /** Reads (and drops) whatever the server sends until it closes the connection. */
    private static void awaitClose(Client c) {
        byte[] sink = new byte[4096];
        try {
            InputStream in = c.socket.getInputStream();
            while (in.read(sink) >= 0) {
                // an error answer before the close, if any
            }
        } catch (IOException e) {
            // reset, or closed by us at the end
        }
        c.closed();
    }

    /**
     * Keeps trickling until the server has closed every connection or {@code limit} has passed, one round a
     * second; returns as soon as all are closed.
     */
    void trickleUntilClosed(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && open() > 0) {
            for (Client c : clients) {
                if (c.trickling && c.isOpen()) {
                    write(c, "X-Slow-" + c.lines++ + ": 1\r\n");
                }
            }
            Thread.sleep(ROUND.toMillis());
        }
    }

    /** Connections the server has not closed yet. */
    long open() {
        return clients.stream().filter(Client::isOpen).count();
    }

    Outcome trickling() {
        return outcome(true);
    }

    Outcome idle() {
        return outcome(false);
    }

    private Outcome outcome(boolean trickling) {
        List<Client> kind =
                clients.stream().filter(c -> c.trickling == trickling).toList();
        long slowest = kind.stream()
                .filter(c -> !c.isOpen())
                .mapToLong(c -> c.closedAt - c.openedAt)
                .max()
                .orElse(0);
        return new Outcome(
                kind.size(), (int) kind.stream().filter(c -> !c.isOpen()).count(), Duration.ofNanos(slowest));
    }

    private void write(Client c, String text) {
        try {
            OutputStream out = c.socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            c.closed();
        }
    }

    @Override
    public void close() {
        for (Client c : clients) {
            try {
                c.socket.close();
            } catch (IOException e) {
                // closing our own end; nothing to do
            }
        }
        readers.shutdownNow();
    }
}
