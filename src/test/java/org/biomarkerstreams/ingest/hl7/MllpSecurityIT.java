package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.hl7v2.model.Message;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Ack;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Closed;
import org.biomarkerstreams.tls.ServerTls;
import org.biomarkerstreams.tls.TlsFiles;
import org.biomarkerstreams.tls.TlsFixtures;
import org.biomarkerstreams.tls.TlsFixtures.Issued;
import org.biomarkerstreams.tls.TlsFixtures.KeyFormat;
import org.biomarkerstreams.tls.TlsFixtures.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MLLP door under attack, with real HL7 bytes over real TCP and TLS on loopback: client certificates and the
 * facilities they may send for, the source allowlist, idle and slow-loris sockets that must not lock a sender
 * out, and messages that can never succeed (too large, an unknown charset) answered AE.
 */
class MllpSecurityIT {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ConcurrentLinkedQueue<Message> handled = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<MessageHandler.Refusal> refused = new ConcurrentLinkedQueue<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private MllpListener listener;

    private final MessageHandler handler = new MessageHandler() {
        @Override
        public Disposition handle(Message message, String er7) {
            handled.add(message);
            return new Disposition.Accept();
        }

        @Override
        public Disposition refuse(Refusal refusal) {
            refused.add(refusal);
            return refusal.answer();
        }
    };

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private MllpListener start(MllpListener.Settings settings) {
        listener = MllpListener.start(0, handler, meters, settings.withBindAddress(InetAddress.getLoopbackAddress()));
        return listener;
    }

    private double connections(String event) {
        return meters.get("biomarker.mllp.connections")
                .tag("event", event)
                .counter()
                .count();
    }

    private Ack exchange(String er7) throws IOException {
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            return (Ack) client.exchange(er7);
        }
    }

    // --- TLS ---------------------------------------------------------------------------------------------------

    private record Pki(TlsFixtures serverCa, TlsFixtures labCa, ServerTls tls) {}

    private Pki mutualTls() throws Exception {
        TlsFixtures serverCa = TlsFixtures.authority("mllp server CA");
        TlsFixtures labCa = TlsFixtures.authority("hospital lab CA");
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        TlsFixtures.writePem(serverCa.server("mllp.trial.example", KeyType.RSA), cert, key, KeyFormat.TRADITIONAL);
        ServerTls tls = ServerTls.load(
                TlsFiles.pem("--mllp-tls", cert, key, labCa.writeCaPem(dir.resolve("labs.pem"))),
                ServerTls.DEFAULT_CHECK_EVERY);
        toClose.add(tls);
        return new Pki(serverCa, labCa, tls);
    }

    private MllpTestClient tlsClient(SSLContext context) throws IOException {
        SSLSocket socket =
                (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.port());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return MllpTestClient.over(socket);
    }

    @Test
    void shouldAcknowledgeOverMutualTlsWhenTheClientCertificateIsFromTheLabCa() throws Exception {
        Pki pki = mutualTls();
        start(MllpListener.Settings.defaults().withTls(pki.tls(), null));
        Issued lab = pki.labCa().client("CN=lis.hospital.example,O=Hospital", null);

        try (MllpTestClient client = tlsClient(pki.serverCa().clientContext(lab))) {
            // the client trusts the server CA only, and presents the lab certificate
            Ack ack = (Ack) client.exchange(Hl7Samples.oru("2.5.1", "TLS-1"));
            assertThat(ack.code()).isEqualTo("AA");
        }
        assertThat(handled).hasSize(1);
    }

    @Test
    void shouldFailTheHandshakeAndStoreNothingWhenTheClientCertificateIsWrongOrMissing() throws Exception {
        Pki pki = mutualTls();
        start(MllpListener.Settings.defaults().withTls(pki.tls(), null));
        TlsFixtures stranger = TlsFixtures.authority("hospital lab CA"); // same name, other key
        Issued forged = stranger.client("CN=lis.hospital.example,O=Hospital", null);

        for (SSLContext context :
                List.of(pki.serverCa().clientContext(forged), pki.serverCa().clientContext(null))) {
            assertThatThrownBy(() -> {
                        try (MllpTestClient client = tlsClient(context)) {
                            // TLS 1.3: the server's refusal of the certificate arrives on the first read
                            assertThat(client.exchange(Hl7Samples.oru("2.5.1", "FORGED")))
                                    .isInstanceOf(Closed.class);
                            throw new IOException("closed without an answer");
                        }
                    })
                    .isInstanceOf(IOException.class);
        }
        assertThat(handled).isEmpty();
        await("both failed handshakes are counted")
                .atMost(Duration.ofSeconds(5))
                .until(() -> connections("HANDSHAKE_FAILED") == 2.0);
    }

    @Test
    void shouldAnswerAeAndDeadLetterWhenTheCertificateMayNotSendForTheFacility() throws Exception {
        Pki pki = mutualTls();
        Path senders = dir.resolve("senders.yaml");
        Files.writeString(
                senders,
                """
                senders:
                  - certificate: "CN=lis.hospital.example, O=Hospital"
                    facilities: [HOSP]
                  - dns: poc.other.example
                    facilities: [OTHER]
                """);
        start(MllpListener.Settings.defaults().withTls(pki.tls(), SenderPolicy.load(senders)));
        Issued hospital = pki.labCa().client("CN=lis.hospital.example,O=Hospital", null);
        Issued other = pki.labCa().client("CN=poc gateway,O=Other", "poc.other.example");

        try (MllpTestClient client = tlsClient(pki.serverCa().clientContext(hospital))) {
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "OWN"))).code())
                    .isEqualTo("AA");
        }
        try (MllpTestClient client = tlsClient(pki.serverCa().clientContext(other))) {
            // MSH-4 HOSP from the other site's certificate
            Ack ack = (Ack) client.exchange(Hl7Samples.oru("2.5.1", "SPOOF"));
            assertThat(ack.code()).isEqualTo("AE");
            assertThat(ack.field("MSA", 2)).isEqualTo("SPOOF");
            assertThat(ack.segment("ERR")).isPresent();
        }
        assertThat(handled).hasSize(1);
        assertThat(refused).extracting(MessageHandler.Refusal::code).containsExactly(ErrorCode.UNAUTHORIZED_SENDER);
        assertThat(meters.get("biomarker.mllp.refusals")
                        .tag("reason", "SENDER_NOT_ALLOWED")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    // --- who may connect ---------------------------------------------------------------------------------------

    @Test
    void shouldCloseAConnectionFromOutsideTheAllowlistWithoutReadingIt() throws Exception {
        start(MllpListener.Settings.defaults()
                .withAllowedSources(SourceAllowlist.of(List.of("10.0.0.0/8", "fd00::/8"))));

        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            assertThat(client.exchange(Hl7Samples.oru("2.5.1", "OUTSIDE"))).isInstanceOf(Closed.class);
        }
        assertThat(handled).isEmpty();
        assertThat(connections("OUTSIDE_ALLOWLIST")).isEqualTo(1.0);
    }

    @Test
    void shouldAdmitASourceInsideTheAllowlist() throws Exception {
        start(MllpListener.Settings.defaults().withAllowedSources(SourceAllowlist.of(List.of("127.0.0.0/8", "::1"))));

        assertThat(exchange(Hl7Samples.oru("2.5.1", "INSIDE")).code()).isEqualTo("AA");
    }

    @Test
    void shouldAcknowledgeAGoodSenderWhileMaxPlusSixIdleConnectionsAreOpen() throws Exception {
        start(MllpListener.Settings.defaults()); // 64 connections, 60 s idle timeout
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 64 + 6; i++) {
                idle.add(new Socket(InetAddress.getLoopbackAddress(), listener.port()));
            }
            await("the listener has taken all of them")
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> connections("ACCEPTED") >= 70);

            long started = System.nanoTime();
            assertThat(exchange(Hl7Samples.oru("2.5.1", "AFTER-IDLE")).code()).isEqualTo("AA");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf(
                    "MLLP idle-socket test: 70 idle sockets open, a good message answered AA in %d ms%n",
                    took.toMillis());
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(listener.openConnections()).isLessThanOrEqualTo(64);
            assertThat(connections("EVICTED")).isGreaterThanOrEqualTo(7.0);
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void shouldCloseAConnectionIdleBeyondTheIdleTimeout() throws Exception {
        start(MllpListener.Settings.defaults().withIdleTimeout(Duration.ofMillis(300)));
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            assertThat(client.read()).isInstanceOf(Closed.class);
        }
        assertThat(connections("IDLE_TIMEOUT")).isEqualTo(1.0);
    }

    @Test
    void shouldAcknowledgeGoodSendersDuringASlowLorisOfTwoHundredSockets() throws Exception {
        start(MllpListener.Settings.defaults().withFrameTimeout(Duration.ofSeconds(30)));
        int sockets = 200;
        AtomicBoolean attacking = new AtomicBoolean(true);
        AtomicInteger alive = new AtomicInteger();
        ExecutorService loris = Executors.newFixedThreadPool(8);
        List<Socket> open = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            for (int i = 0; i < sockets; i++) {
                open.add(new Socket(InetAddress.getLoopbackAddress(), listener.port()));
            }
            // each socket starts a frame and then sends one byte a second, for ever
            byte[] frame = MllpTestClient.frame(Hl7Samples.oru("2.5.1", "LORIS"));
            for (int t = 0; t < 8; t++) {
                int slice = t;
                loris.submit(() -> {
                    int position = 0;
                    while (attacking.get()) {
                        int living = 0;
                        for (int i = slice; i < open.size(); i += 8) {
                            try {
                                OutputStream out = open.get(i).getOutputStream();
                                out.write(frame[Math.min(position, frame.length - 3)]);
                                out.flush();
                                living++;
                            } catch (IOException closedByTheListener) {
                                // evicted: the attacker lost this slot
                            }
                        }
                        alive.addAndGet(living);
                        position++;
                        TimeUnit.SECONDS.sleep(1);
                    }
                    return null;
                });
            }
            List<Long> latencies = new ArrayList<>();
            for (int round = 0; round < 10; round++) {
                TimeUnit.MILLISECONDS.sleep(500);
                long started = System.nanoTime();
                assertThat(exchange(Hl7Samples.oru("2.5.1", "GOOD-" + round)).code())
                        .isEqualTo("AA");
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            System.out.printf(
                    "MLLP slow-loris test: %d sockets at one byte a second; 10 good messages, all AA, latency ms %s;"
                            + " evicted %.0f, listener connections %d%n",
                    sockets, latencies, connections("EVICTED"), listener.openConnections());
            assertThat(latencies).allMatch(ms -> ms < 2000);
            assertThat(listener.openConnections()).isLessThanOrEqualTo(64);
            assertThat(handled).hasSize(10);
        } finally {
            attacking.set(false);
            loris.shutdownNow();
            loris.awaitTermination(5, TimeUnit.SECONDS);
            for (Socket s : open) {
                s.close();
            }
        }
    }

    // --- messages that can never succeed -----------------------------------------------------------------------

    @Test
    void shouldAnswerAeWithErrAndKeepTheHeadOfAnOversizedMessage() throws Exception {
        start(MllpListener.Settings.defaults().withMaxFrameBytes(64 * 1024));
        String big = Hl7Samples.oru("2.5.1", "BIG") + "NTE|1||" + "x".repeat(100_000) + "\r";

        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            Ack ack = (Ack) client.exchange(big);
            assertThat(ack.code()).isEqualTo("AE");
            assertThat(ack.field("MSA", 2)).isEqualTo("BIG");
            assertThat(ack.field("ERR", 3)).startsWith("104");
            assertThat(ack.field("ERR", 4)).isEqualTo("E");
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "NEXT"))).code())
                    .isEqualTo("AA");
        }
        assertThat(refused).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(ErrorCode.OVERSIZED);
            assertThat(r.bytes().length).isEqualTo(MllpFrames.KEPT_OF_OVERSIZED);
        });
    }

    @Test
    void shouldAnswerAeAndCloseWhenAnOversizedFrameNeverEnds() throws Exception {
        start(MllpListener.Settings.defaults().withMaxFrameBytes(1024));
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            byte[] endless = new byte[64 * 1024];
            java.util.Arrays.fill(endless, (byte) 'A');
            endless[0] = MllpTestClient.START;
            client.write(endless);
            assertThat(((Ack) client.read()).code()).isEqualTo("AE");
            assertThat(client.read()).isInstanceOf(Closed.class);
        }
    }

    @Test
    void shouldAnswerAeWhenMsh18NamesACharsetThatCannotBeDecoded() throws Exception {
        start(MllpListener.Settings.defaults());
        String er7 = Hl7Samples.oru("2.5.1", "KLINGON").replaceFirst("\\|P\\|2\\.5\\.1", "|P|2.5.1||||||KLINGON-8");

        Ack ack = exchange(er7);

        assertThat(ack.code()).isEqualTo("AE");
        assertThat(ack.field("MSA", 2)).isEqualTo("KLINGON");
        assertThat(ack.field("ERR", 3)).startsWith("103");
        assertThat(handled).isEmpty();
        assertThat(refused).extracting(MessageHandler.Refusal::code).containsExactly(ErrorCode.UNDESERIALIZABLE);
    }

    @Test
    void shouldDecodeAMessageInTheCharsetMsh18Names() throws Exception {
        start(MllpListener.Settings.defaults());
        String er7 = Hl7Samples.oru("2.5.1", "UTF8")
                .replaceFirst("\\|P\\|2\\.5\\.1", "|P|2.5.1||||||UNICODE UTF-8")
                .replace("C reactive protein", "C-reaktives Protein \u00e4\u00f6\u00fc");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.port());
                MllpTestClient client = MllpTestClient.over(socket)) {
            assertThat(((Ack) client.exchange(MllpTestClient.frame(er7.getBytes(StandardCharsets.UTF_8)))).code())
                    .isEqualTo("AA");
        }
        assertThat(handled.peek().encode()).contains("\u00e4\u00f6\u00fc");
    }

    @Test
    void shouldFinishTheHandshakeWithinTheHandshakeTimeoutOrClose() throws Exception {
        Pki pki = mutualTls();
        start(MllpListener.Settings.defaults().withTls(pki.tls(), null).withHandshakeTimeout(Duration.ofMillis(500)));
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            silent.setSoTimeout(5000);
            InputStream in = silent.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(connections("HANDSHAKE_TIMEOUT")).isEqualTo(1.0);
    }
}
