package org.biomarkerstreams.ingest.hl7;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Ack;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Closed;
import org.biomarkerstreams.ingest.hl7.MllpTestClient.Reply;

/**
 * Malformed and mutated input over a real socket: the listener never crashes, answers each input
 * with AE or AR or closes the connection, never AA for a handler that accepts nothing, and counts
 * every input exactly once.
 */
class MllpListenerPropertiesIT {

    /** What the handler does with whatever parses. */
    enum HandlerBehaviour {
        ERROR,
        REJECT,
        THROW
    }

    /** How the bytes go over the wire. */
    enum Framing {
        FRAMED,
        UNFRAMED,
        CUT_OFF
    }

    record Input(byte[] payload, Framing framing, HandlerBehaviour behaviour) {
        @Override
        public String toString() {
            return framing + "/" + behaviour + " "
                    + new String(payload, 0, Math.min(60, payload.length), StandardCharsets.ISO_8859_1);
        }
    }

    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private static final AtomicReference<HandlerBehaviour> behaviour = new AtomicReference<>();
    private static MllpListener listener;

    @BeforeContainer
    static void start() {
        listener = MllpListener.start(
                0,
                (m, er7) -> switch (behaviour.get()) {
                    case ERROR -> new Disposition.Error("207", "refused", "OBX-5");
                    case REJECT -> new Disposition.Reject("storage unavailable");
                    case THROW -> throw new IllegalStateException("handler bug");
                },
                meters,
                MllpListener.Settings.defaults()
                        .withMaxFrameBytes(16 * 1024)
                        .withBindAddress(InetAddress.getLoopbackAddress()));
    }

    @AfterContainer
    static void stop() {
        listener.close();
    }

    private static double total() {
        return Arrays.stream(Outcome.values())
                .mapToDouble(o -> meters.get("biomarker.hl7.messages")
                        .tag("outcome", o.name())
                        .counter()
                        .count())
                .sum();
    }

    @Property(tries = 200)
    void shouldAnswerAeArOrCloseAndCountEveryInput(@ForAll("inputs") Input input) throws Exception {
        behaviour.set(input.behaviour());
        double before = total();

        Reply reply;
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            reply = switch (input.framing()) {
                case FRAMED -> client.exchange(MllpTestClient.frame(input.payload()));
                case UNFRAMED -> client.exchange(input.payload());
                case CUT_OFF -> {
                    byte[] framed = MllpTestClient.frame(input.payload());
                    client.write(Arrays.copyOf(framed, framed.length - 2));
                    client.shutdownOutput();
                    yield client.read();
                }
            };
        }

        if (reply instanceof Ack ack) {
            assertThat(ack.code()).isIn("AE", "AR");
        } else {
            assertThat(reply).isInstanceOf(Closed.class);
        }
        await("the listener counts the input once")
                .atMost(Duration.ofSeconds(5))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5))
                .untilAsserted(() -> assertThat(total()).isEqualTo(before + 1));

        // Still serving: a well-formed message gets its answer on a fresh connection.
        try (MllpTestClient client = MllpTestClient.connect(listener.port())) {
            assertThat(client.exchange(Hl7Samples.oru("2.5.1", "PROBE"))).isInstanceOf(Ack.class);
        }
    }

    @Provide
    Arbitrary<Input> inputs() {
        Arbitrary<byte[]> payload = Arbitraries.oneOf(mutatedMessages(), randomText(), randomBytes());
        Arbitrary<Framing> framing = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Framing.FRAMED)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Framing.UNFRAMED)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Framing.CUT_OFF)));
        return Combinators.combine(payload, framing, Arbitraries.of(HandlerBehaviour.class))
                .as(Input::new)
                // Line ends between frames are tolerated (senders put them after the end block), so unframed
                // bytes are an input only if one of them is something else; only line ends, the listener waits.
                .filter(i -> i.framing() != Framing.UNFRAMED || hasByteOtherThanLineEnd(i.payload()))
                .filter(i -> i.framing() != Framing.CUT_OFF || i.payload().length > 0);
    }

    /** Valid messages with lines, fields and characters deleted, duplicated or replaced. */
    private Arbitrary<byte[]> mutatedMessages() {
        Arbitrary<String> base = Arbitraries.of("2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "9.9", "")
                .map(v -> Hl7Samples.oru(v, "M-1"));
        Arbitrary<Mutation> mutation = Combinators.combine(
                        Arbitraries.of(MutationKind.class),
                        Arbitraries.integers().between(0, 400),
                        Arbitraries.integers().between(1, 40),
                        Arbitraries.strings()
                                .withChars("|^~\\&\r\n MSHPIDOBX0123456789.ÿ")
                                .ofMaxLength(10))
                .as(Mutation::new);
        return Combinators.combine(base, mutation.list().ofMinSize(1).ofMaxSize(4))
                .as((text, mutations) -> {
                    String result = text;
                    for (Mutation m : mutations) {
                        result = m.apply(result);
                    }
                    return safe(result.getBytes(StandardCharsets.ISO_8859_1));
                });
    }

    private Arbitrary<byte[]> randomText() {
        return Arbitraries.strings()
                .withChars("MSH|^~\\&\rPIDOBXORU01.2345 abc")
                .ofMaxLength(300)
                .map(s -> safe(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(20_000).map(MllpListenerPropertiesIT::safe);
    }

    private static boolean hasByteOtherThanLineEnd(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\r' && b != '\n') {
                return true;
            }
        }
        return false;
    }

    /** Framing bytes inside a payload would make one input two frames (two outcomes). */
    private static byte[] safe(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b != MllpTestClient.START && b != MllpTestClient.END) {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    enum MutationKind {
        DELETE,
        INSERT,
        REPLACE,
        DUPLICATE_LINE,
        TRUNCATE
    }

    record Mutation(MutationKind kind, int at, int length, String text) {
        String apply(String s) {
            int from = Math.min(at, s.length());
            int to = Math.min(s.length(), from + length);
            return switch (kind) {
                case DELETE -> s.substring(0, from) + s.substring(to);
                case INSERT -> s.substring(0, from) + text + s.substring(from);
                case REPLACE -> s.substring(0, from) + text + s.substring(to);
                case DUPLICATE_LINE -> {
                    List<String> lines = List.of(s.split("\r", -1));
                    String line = lines.get(Math.min(at % Math.max(1, lines.size()), lines.size() - 1));
                    yield s + line + "\r";
                }
                case TRUNCATE -> s.substring(0, from);
            };
        }
    }
}
