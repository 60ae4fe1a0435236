package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Ack;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Closed;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Real MLLP bytes over a loopback socket against a running {@link MllpListener}. */
class MllpListenerIT {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicReference<MessageHandler> behaviour =
            new AtomicReference<>((m, er7) -> new Disposition.Accept());
    private final ConcurrentLinkedQueue<Message> handled = new ConcurrentLinkedQueue<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private MllpListener listener;

    @BeforeEach
    void start() {
        logs.start();
        root().addAppender(logs);
        listener = start(MllpListener.Settings.defaults());
    }

    private MllpListener start(MllpListener.Settings settings) {
        return MllpListener.start(
                0,
                (m, er7) -> {
                    handled.add(m);
                    return behaviour.get().handle(m, er7);
                },
                meters,
                settings.withBindAddress(InetAddress.getLoopbackAddress()));
    }

    @AfterEach
    void stop() {
        listener.close();
        root().detachAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private double count(Outcome outcome) {
        return meters.get("biomarker.hl7.messages")
                .tag("outcome", outcome.name())
                .counter()
                .count();
    }

    private Reply send(String er7) throws IOException {
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            return client.exchange(er7);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2.3", "2.4", "2.5.1"})
    void shouldAnswerAaEchoingControlIdAndVersionWhenHandlerAccepts(String version) throws Exception {
        Reply reply = send(Hl7Samples.oru(version, "CTRL-" + version));

        assertThat(reply).isInstanceOf(Ack.class);
        Ack ack = (Ack) reply;
        assertThat(ack.code()).isEqualTo("AA");
        assertThat(ack.field("MSA", 2)).isEqualTo("CTRL-" + version);
        assertThat(ack.field("MSH", 12)).isEqualTo(version);
        assertThat(ack.field("MSH", 9)).startsWith("ACK");
        assertThat(ack.field("MSH", 3)).isEqualTo("BIOMARKER");
        assertThat(ack.field("MSH", 5)).isEqualTo("LIS");
        assertThat(ack.field("MSH", 10)).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        assertThat(handled).singleElement().isInstanceOf(ORU_R01.class);
        ORU_R01 oru = (ORU_R01) handled.peek();
        assertThat(oru.getPATIENT_RESULT()
                        .getORDER_OBSERVATION()
                        .getOBSERVATION()
                        .getOBX()
                        .getObx5_ObservationValue(0)
                        .encode())
                .isEqualTo("12.5");
        assertThat(count(Outcome.AA)).isEqualTo(1.0);
    }

    @Test
    void shouldAnswerAeWithErr3AndErr8WhenHandlerReturnsErrorOnV25() throws Exception {
        behaviour.set((m, er7) -> new Disposition.Error("103", "unknown LOINC code 9999-9", "OBX(1)-3"));

        Ack ack = (Ack) send(Hl7Samples.oru("2.5.1", "C-AE"));

        assertThat(ack.code()).isEqualTo("AE");
        assertThat(ack.field("MSA", 2)).isEqualTo("C-AE");
        assertThat(ack.field("ERR", 2)).isEqualTo("OBX^1^3");
        assertThat(ack.field("ERR", 3)).isEqualTo("103^^HL70357");
        assertThat(ack.field("ERR", 4)).isEqualTo("E");
        assertThat(ack.field("ERR", 8)).isEqualTo("unknown LOINC code 9999-9");
        assertThat(count(Outcome.AE)).isEqualTo(1.0);
    }

    @Test
    void shouldAnswerAeWithErr1AndMsa3WhenHandlerReturnsErrorOnV23() throws Exception {
        behaviour.set((m, er7) -> new Disposition.Error("101", "OBX-5 is empty", "OBX-5"));

        Ack ack = (Ack) send(Hl7Samples.oru("2.3", "C-AE23"));

        assertThat(ack.code()).isEqualTo("AE");
        assertThat(ack.field("MSH", 12)).isEqualTo("2.3");
        assertThat(ack.field("MSA", 3)).isEqualTo("OBX-5 is empty");
        assertThat(ack.field("ERR", 1)).isEqualTo("OBX^1^5^101&OBX-5 is empty&HL70357");
    }

    @Test
    void shouldAnswerArWhenHandlerRejects() throws Exception {
        behaviour.set((m, er7) -> new Disposition.Reject("Kafka unavailable"));

        Ack ack = (Ack) send(Hl7Samples.oru("2.4", "C-AR"));

        assertThat(ack.code()).isEqualTo("AR");
        assertThat(ack.field("MSA", 2)).isEqualTo("C-AR");
        assertThat(ack.field("MSA", 3)).isEqualTo("Kafka unavailable");
        assertThat(count(Outcome.AR)).isEqualTo(1.0);
        assertThat(count(Outcome.AA)).isZero();
    }

    @Test
    void shouldAnswerArAndLogNoPatientDataWhenHandlerThrows() throws Exception {
        behaviour.set((m, er7) -> {
            throw new IllegalStateException("cannot map patient " + Hl7Samples.PATIENT_ID);
        });

        Ack ack = (Ack) send(Hl7Samples.oru("2.5.1", "C-THROW"));

        assertThat(ack.code()).isEqualTo("AR");
        assertThat(ack.field("MSA", 2)).isEqualTo("C-THROW");
        assertThat(ack.er7()).doesNotContain(Hl7Samples.PATIENT_ID);
        assertThat(count(Outcome.AR)).isEqualTo(1.0);
        assertThat(logs.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("C-THROW"));
        assertNoPatientDataLogged();
    }

    private void assertNoPatientDataLogged() {
        for (ILoggingEvent e : logs.list) {
            String text = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                            ? ""
                            : e.getThrowableProxy().getMessage());
            assertThat(text).doesNotContain(Hl7Samples.PATIENT_ID).doesNotContain("DOE");
        }
    }

    @Test
    void shouldAnswerArWhenFrameHasNoMsh() throws Exception {
        Ack ack = (Ack) send("PID|1||" + Hl7Samples.PATIENT_ID + "\rOBX|1|NM|1988-5^CRP^LN||12|mg/L\r");

        assertThat(ack.code()).isEqualTo("AR");
        assertThat(ack.field("MSA", 2)).isEmpty();
        assertThat(ack.field("ERR", 8)).contains("not an HL7 v2 message");
        assertThat(handled).isEmpty();
        assertThat(count(Outcome.AR)).isEqualTo(1.0);
        assertNoPatientDataLogged();
    }

    @Test
    void shouldAnswerAeCorrelatedToMsh10WhenHeaderIsReadableButMessageIsNot() throws Exception {
        Ack ack = (Ack) send("MSH|^~\\&|LIS|HOSP|BIOMARKER|TRIAL|20200203||ORU^R01|C-BAD|P|7.0\rPID|1||"
                + Hl7Samples.PATIENT_ID + "\r");

        assertThat(ack.code()).isEqualTo("AE");
        assertThat(ack.field("MSA", 2)).isEqualTo("C-BAD");
        assertThat(handled).isEmpty();
        assertThat(count(Outcome.AE)).isEqualTo(1.0);
        assertNoPatientDataLogged();
    }

    @Test
    void shouldAnswerArWhenFrameHoldsBinaryJunk() throws Exception {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        for (int i = 0; i < junk.length; i++) {
            if (junk[i] == MllpTestClient.START || junk[i] == MllpTestClient.END) {
                junk[i] = 0;
            }
        }
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            Ack ack = (Ack) client.exchange(MllpTestClient.frame(junk));
            assertThat(ack.code()).isEqualTo("AR");
            // The connection stays usable after a well-framed bad message.
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "NEXT"))).code())
                    .isEqualTo("AA");
        }
        assertThat(count(Outcome.AR)).isEqualTo(1.0);
        assertThat(count(Outcome.AA)).isEqualTo(1.0);
    }

    @Test
    void shouldCloseConnectionWhenBytesArriveOutsideAFrame() throws Exception {
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            assertThat(client.exchange(Hl7Samples.oru("2.5.1", "UNFRAMED").getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(Closed.class);
        }
        await("the listener counts the closed connection")
                .atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> count(Outcome.CLOSED) == 1.0);
        assertThat(send(Hl7Samples.oru("2.5.1", "AFTER"))).isInstanceOf(Ack.class);
    }

    @Test
    void shouldAnswerAeToAFrameAboveTheSizeLimitAndKeepServingTheConnection() throws Exception {
        byte[] huge = new byte[(1 << 20) + 4096];
        java.util.Arrays.fill(huge, (byte) 'A');
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            Ack ack = (Ack) client.exchange(MllpTestClient.frame(huge));
            assertThat(ack.code()).isEqualTo("AE");
            assertThat(ack.field("ERR", 3)).startsWith("104");
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "AFTER"))).code())
                    .isEqualTo("AA");
        }
        assertThat(count(Outcome.AE)).isEqualTo(1.0);
        assertThat(handled).hasSize(1);
    }

    @Test
    void shouldCountClosedWhenClientHangsUpMidFrame() throws Exception {
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            byte[] framed = MllpTestClient.frame(Hl7Samples.oru("2.5.1", "CUT"));
            client.write(java.util.Arrays.copyOf(framed, framed.length / 2));
            client.shutdownOutput();
            assertThat(client.read()).isInstanceOf(Closed.class);
        }
        await("the listener counts the frame cut short")
                .atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> count(Outcome.CLOSED) == 1.0);
        assertThat(handled).isEmpty();
        assertThat(((Ack) send(Hl7Samples.oru("2.5.1", "AFTER"))).code()).isEqualTo("AA");
    }

    @Test
    void shouldCloseConnectionWhenFrameNeverEndsWithinTheFrameTimeout() throws Exception {
        listener.close();
        listener = start(MllpListener.Settings.defaults().withFrameTimeout(Duration.ofMillis(300)));
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            byte[] framed = MllpTestClient.frame(Hl7Samples.oru("2.5.1", "SLOW"));
            client.write(java.util.Arrays.copyOf(framed, framed.length - 2));
            assertThat(client.read()).isInstanceOf(Closed.class);
        }
        assertThat(handled).isEmpty();
        await("the listener counts the stalled frame")
                .atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> count(Outcome.CLOSED) == 1.0);
    }

    @Test
    void shouldKeepAnIdleConnectionOpenBeyondTheFrameTimeout() throws Exception {
        listener.close();
        listener = start(MllpListener.Settings.defaults().withFrameTimeout(Duration.ofMillis(200)));
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "ONE"))).code())
                    .isEqualTo("AA");
            // Idle for several frame timeouts: waiting between messages is normal for MLLP.
            CountDownLatch never = new CountDownLatch(1);
            assertThat(never.await(700, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(((Ack) client.exchange(Hl7Samples.oru("2.5.1", "TWO"))).code())
                    .isEqualTo("AA");
        }
        assertThat(count(Outcome.CLOSED)).isZero();
    }

    @Test
    void shouldServeConcurrentConnectionsEachInOrder() throws Exception {
        int connections = 8;
        int perConnection = 25;
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int conn = c;
                results.add(clients.submit(() -> {
                    List<String> echoed = new ArrayList<>();
                    try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
                        for (int i = 0; i < perConnection; i++) {
                            Ack ack = (Ack) client.exchange(Hl7Samples.oru("2.5.1", conn + "-" + i));
                            assertThat(ack.code()).isEqualTo("AA");
                            echoed.add(ack.field("MSA", 2));
                        }
                    }
                    return echoed;
                }));
            }
            for (int c = 0; c < connections; c++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < perConnection; i++) {
                    expected.add(c + "-" + i);
                }
                assertThat(results.get(c).get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(count(Outcome.AA)).isEqualTo(connections * perConnection);
    }

    @Test
    void shouldAcknowledgeHapisOwnClient() throws Exception {
        try (HapiContext hapi = new DefaultHapiContext()) {
            hapi.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
            Message oru = hapi.getPipeParser().parse(Hl7Samples.oru("2.5.1", "HAPI-1"));
            Connection connection = hapi.newClient("localhost", listener.port(), false);
            try {
                Message response = connection.getInitiator().sendAndReceive(oru);
                Terser ack = new Terser(response);
                assertThat(ack.get("/MSA-1")).isEqualTo("AA");
                assertThat(ack.get("/MSA-2")).isEqualTo("HAPI-1");
            } finally {
                connection.close();
            }
        }
        assertThat(count(Outcome.AA)).isEqualTo(1.0);
    }

    @Test
    void shouldCloseConnectionsAndReleasePortWithinSecondsWhenClosed() throws Exception {
        CountDownLatch handlerEntered = new CountDownLatch(1);
        behaviour.set((m, er7) -> {
            handlerEntered.countDown();
            try {
                new CountDownLatch(1).await(); // a Kafka send that never completes
                return new Disposition.Accept();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Disposition.Reject("shutting down");
            }
        });
        int port = listener.port();
        try (MllpTestClient idle = MllpTestClient.connect(port);
                MllpTestClient busy = MllpTestClient.connect(port)) {
            busy.write(MllpTestClient.frame(Hl7Samples.oru("2.5.1", "STUCK")));
            assertThat(handlerEntered.await(5, TimeUnit.SECONDS)).isTrue();

            long started = System.nanoTime();
            listener.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

            assertThat(idle.read()).isInstanceOf(Closed.class);
            assertThat(busy.read()).isInstanceOf(Closed.class);
        }
        assertThat(count(Outcome.AA)).isZero();
        await("the interrupted message is counted as closed, not acknowledged")
                .atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> count(Outcome.CLOSED) == 1.0);
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
