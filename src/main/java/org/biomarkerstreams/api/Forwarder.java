package org.biomarkerstreams.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;

/** Sends a patient request on to the instance that owns the patient. */
@FunctionalInterface
interface Forwarder {

    /** Marks a forwarded request, so that an instance that does not own the key either answers 503, not forwards again. */
    String HEADER = "X-Biomarker-Forwarded";

    /**
     * The owner's reply to the same path and query, asked with the caller's credentials: the owner checks them
     * again and audits the access.
     *
     * @throws IOException when the owner cannot be reached
     */
    Reply forward(HostInfo owner, Origin origin) throws IOException, InterruptedException;

    /** Over HTTPS, trusting {@code peerTls}, when present; else plain HTTP. */
    static Forwarder http(Duration timeout, Optional<SSLContext> peerTls) {
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        peerTls.ifPresent(builder::sslContext);
        HttpClient client = builder.build();
        String scheme = peerTls.isPresent() ? "https://" : "http://";
        return (owner, origin) -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(scheme + owner.host() + ":" + owner.port() + origin.rawPathAndQuery()))
                    .timeout(timeout)
                    .header(HEADER, "true")
                    .GET();
            if (origin.authorization() != null) {
                request.header("Authorization", origin.authorization());
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(Reply.JSON),
                    response.body(),
                    true);
        };
    }
}
