package org.biomarkerstreams.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 GET on a socket of its own, from a chosen loopback address: the server limits failed authentications
 * per client address, so each test that fails on purpose speaks from its own {@code 127.0.0.x} (the JDK 17 client
 * cannot choose its local address). The answer's header names are kept in order, as sent.
 */
final class RawHttp {

    private RawHttp() {}

    record Header(String name, String value) {}

    record Answer(int status, List<Header> headers, String body) {

        Optional<String> header(String name) {
            return headers.stream()
                    .filter(h -> h.name().equalsIgnoreCase(name))
                    .map(Header::value)
                    .findFirst();
        }

        List<String> headerNames() {
            return headers.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList();
        }
    }

    /** A loopback address of its own for client number {@code n} (1..250): 127.0.0.n. */
    static InetAddress loopback(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** GET {@code path} on loopback {@code port} from {@code from}, over TLS when {@code tls} is given. */
    static Answer get(InetAddress from, int port, SSLContext tls, String path, String bearerToken) throws IOException {
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(from, 0));
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            plain.setSoTimeout(15_000);
            Socket socket = tls == null ? plain : secure(tls, plain, port);
            StringBuilder request = new StringBuilder()
                    .append("GET ")
                    .append(path)
                    .append(" HTTP/1.1\r\nHost: localhost:")
                    .append(port)
                    .append("\r\n");
            if (bearerToken != null) {
                request.append("Authorization: Bearer ").append(bearerToken).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    /** TLS on a connected socket, checking that the certificate is for {@code localhost}. */
    static SSLSocket secure(SSLContext tls, Socket plain, int port) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static Answer parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new Header(
                    lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        boolean chunked = headers.stream()
                .anyMatch(h -> h.name().equalsIgnoreCase("Transfer-Encoding")
                        && h.value().equalsIgnoreCase("chunked"));
        if (chunked) {
            body = dechunk(body);
        }
        return new Answer(status, List.copyOf(headers), new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int lineEnd = indexOf(body, at);
            String size = new String(body, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            out.write(body, lineEnd + 2, n);
            at = lineEnd + 2 + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return bytes.length;
    }
}
