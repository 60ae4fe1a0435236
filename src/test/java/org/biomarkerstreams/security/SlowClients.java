package org.biomarkerstreams.security;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile clients on loopback, bounded in number, driven by one thread: slow-loris connections that start a
 * request and then send one more header line per second without ever finishing it, and idle connections that
 * send nothing at all. Each round it notices which ones the server has closed (end of stream or reset).
 */
final class SlowClients implements AutoCloseable {

    private static final Duration ROUND = Duration.ofSeconds(1);

    private final List<Client> clients = new ArrayList<>();

    private static final class Client {
        final SocketChannel channel;
        final boolean trickling;
        final long openedAt;
        long closedAt = -1;
        int lines;

        Client(SocketChannel channel, boolean trickling, long openedAt) {
            this.channel = channel;
            this.trickling = trickling;
            this.openedAt = openedAt;
        }
    }

    /** What became of the connections of one kind. */
    record Outcome(int opened, int closedByServer, Duration slowestClose) {}

    private SlowClients() {}

    /** Opens {@code trickling} slow-loris and {@code idle} silent connections to {@code port} on loopback. */
    static SlowClients open(int port, int trickling, int idle) throws IOException {
        SlowClients attack = new SlowClients();
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        try {
            for (int i = 0; i < trickling + idle; i++) {
                SocketChannel channel = SocketChannel.open(server);
                channel.configureBlocking(false);
                boolean slow = i < trickling;
                Client client = new Client(channel, slow, System.nanoTime());
                attack.clients.add(client);
                if (slow) {
                    attack.write(
                            client, "GET /api/cohort/visits?analyte=CRP HTTP/1.1\r\nHost: localhost:" + port + "\r\n");
                }
            }
        } catch (IOException e) {
            attack.close();
            throw e;
        }
        return attack;
    }

    /**
     * Keeps trickling until the server has closed every connection or {@code limit} has passed, one round a
     * second; returns at once when all are closed.
     */
    void trickleUntilClosed(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && open() > 0) {
            for (Client c : clients) {
                if (c.closedAt < 0) {
                    if (c.trickling) {
                        write(c, "X-Slow-" + c.lines++ + ": 1\r\n");
                    }
                    checkClosed(c);
                }
            }
            Thread.sleep(ROUND.toMillis());
        }
    }

    /** Connections the server has not closed yet. */
    long open() {
        return clients.stream().filter(c -> c.closedAt < 0).count();
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
                .filter(c -> c.closedAt >= 0)
                .mapToLong(c -> c.closedAt - c.openedAt)
                .max()
                .orElse(0);
        return new Outcome(
                kind.size(), (int) kind.stream().filter(c -> c.closedAt >= 0).count(), Duration.ofNanos(slowest));
    }

    private void write(Client c, String text) {
        try {
            c.channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            c.closedAt = System.nanoTime();
        }
    }

    private static void checkClosed(Client c) {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try {
            // Whatever the server sends (an error answer) is read and dropped; the end of the stream is what counts.
            int n;
            do {
                sink.clear();
                n = c.channel.read(sink);
            } while (n > 0);
            if (n < 0) {
                c.closedAt = System.nanoTime();
            }
        } catch (IOException e) {
            c.closedAt = System.nanoTime();
        }
    }

    @Override
    public void close() {
        for (Client c : clients) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // closing our own end; nothing to do
            }
        }
    }
}
