package org.biomarkerstreams.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;

/** Sends a patient request on to the instance that owns the patient. */
@FunctionalInterface
interface Forwarder {

    /** Marks a forwarded request, so that an instance that does not own the key either answers 503, not forwards again. */
    String HEADER = "X-Biomarker-Forwarded";

    /**
     * The owner's reply to the same path and query.
     *
     * @throws IOException when the owner cannot be reached
     */
    Reply forward(HostInfo owner, String rawPathAndQuery) throws IOException, InterruptedException;

    static Forwarder http(Duration timeout) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return (owner, rawPathAndQuery) -> {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://" + owner.host() + ":" + owner.port() + rawPathAndQuery))
                    .timeout(timeout)
                    .header(HEADER, "true")
                    .GET()
                    .build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(Reply.JSON),
                    response.body());
        };
    }
}
