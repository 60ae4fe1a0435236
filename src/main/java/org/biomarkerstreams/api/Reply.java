package org.biomarkerstreams.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP response: status, content type and body; {@code forwarded} when another instance (the patient's owner)
 * made it.
 */
public record Reply(int status, String contentType, byte[] body, boolean forwarded) {

    public Reply(int status, String contentType, byte[] body) {
        this(status, contentType, body, false);
    }

    static final String JSON = "application/json; charset=utf-8";
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Writes one JSON value. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonGenerator json) throws IOException;
    }

    static Reply json(int status, JsonBody body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Reply(status, JSON, out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"error": message}}; the message must not carry a patient id. */
    static Reply error(int status, String message) {
        return json(status, json -> {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        });
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
