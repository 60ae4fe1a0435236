package org.biomarkerstreams.ingest.hl7;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * A deliberately plain MLLP client for tests: a {@link Socket} that writes whatever bytes it is
 * given and reads one reply frame or notices that the listener closed the connection. Not HAPI, so
 * the tests do not test HAPI against itself.
 */
final class MllpTestClient implements AutoCloseable {

    static final int START = 0x0B;
    static final int END = 0x1C;
    static final int CR = 0x0D;

    /** What came back for one request. */
    sealed interface Reply {}

    /** An acknowledgment frame; segments split on carriage returns. */
    record Ack(String er7) implements Reply {

        /** A field of the first segment named {@code segment}, 1-based as in HL7 (MSH-1 is "|"). */
        String field(String segment, int n) {
            return segment(segment)
                    .map(s -> {
                        String[] f = s.split("\\|", -1);
                        int index = segment.equals("MSH") ? n - 1 : n;
                        if (segment.equals("MSH") && n == 1) {
                            return "|";
                        }
                        return index < f.length ? f[index] : "";
                    })
                    .orElse(null);
        }

        Optional<String> segment(String name) {
            return Arrays.stream(er7.split("\r"))
                    .filter(s -> s.startsWith(name + "|"))
                    .findFirst();
        }

        String code() {
            return field("MSA", 1);
        }
    }

    /** The listener closed (or reset) the connection instead of answering. */
    record Closed() implements Reply {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private MllpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static MllpTestClient connect(int port) throws IOException {
        return new MllpTestClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Over a socket already connected (a TLS one, say). */
    static MllpTestClient over(Socket socket) throws IOException {
        return new MllpTestClient(socket);
    }

    static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + 3];
        framed[0] = START;
        System.arraycopy(payload, 0, framed, 1, payload.length);
        framed[framed.length - 2] = END;
        framed[framed.length - 1] = CR;
        return framed;
    }

    static byte[] frame(String er7) {
        return frame(er7.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends one framed message and waits for the reply. */
    Reply exchange(String er7) throws IOException {
        return exchange(frame(er7));
    }

    Reply exchange(byte[] raw) throws IOException {
        if (!write(raw)) {
            return new Closed();
        }
        return read();
    }

    /** Writes raw bytes; false if the listener already closed the connection. */
    boolean write(byte[] raw) throws IOException {
        try {
            out.write(raw);
            out.flush();
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Half-closes: the listener sees end of stream, the client can still read. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads one reply frame, or {@link Closed} on end of stream or reset. */
    Reply read() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            int c = in.read();
            if (c == -1) {
                return new Closed();
            }
            if (c != START) {
                throw new IOException("reply does not start with 0x0B but " + c);
            }
            while ((c = in.read()) != END) {
                if (c == -1) {
                    throw new IOException("reply ends mid-frame");
                }
                body.write(c);
            }
            if (in.read() != CR) {
                throw new IOException("reply end block not followed by a carriage return");
            }
        } catch (SocketException e) {
            return new Closed();
        }
        return new Ack(body.toString(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
