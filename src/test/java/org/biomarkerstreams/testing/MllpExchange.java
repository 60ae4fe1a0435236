package org.biomarkerstreams.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One HL7 message over a fresh MLLP connection, as the integration tests of the commands send them. */
public final class MllpExchange {

    private MllpExchange() {}

    /**
     * Sends {@code message} (line breaks turned into HL7's CR) in one MLLP frame to a listener on
     * loopback and returns the acknowledgment's text.
     */
    public static String send(int port, String message) throws IOException {
        return send(port, message.replace("\r\n", "\r").replace('\n', '\r').getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code message}, byte for byte, in one MLLP frame and returns the acknowledgment's text. */
    public static String send(int port, byte[] message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(0x0B);
            out.write(message);
            out.write(new byte[] {0x1C, 0x0D});
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream ack = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != 0x1C) {
                if (b != 0x0B) {
                    ack.write(b);
                }
            }
            return ack.toString(StandardCharsets.UTF_8);
        }
    }

    /** A sample message of {@code src/test/resources/hl7/}, without surrounding blanks. */
    public static String sample(String name) throws IOException {
        try (InputStream in = MllpExchange.class.getResourceAsStream("/hl7/" + name)) {
            if (in == null) {
                throw new IOException("no test resource /hl7/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
