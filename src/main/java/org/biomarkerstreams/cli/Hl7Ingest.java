package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.streams.InputPublisher;

/** An MLLP listener with its durable publisher, running next to a pipeline in the same process. */
final class Hl7Ingest implements AutoCloseable {

    private final InputPublisher publisher;
    private final MllpListener listener;

    private Hl7Ingest(InputPublisher publisher, MllpListener listener) {
        this.publisher = publisher;
        this.listener = listener;
    }

    static Hl7Ingest start(
            Hl7Options options,
            int port,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Pipeline pipeline,
            PrintWriter out) {
        InputPublisher publisher = new InputPublisher(
                options.producerProperties(clientProperties),
                bootstrapServers,
                pipeline.config().topics(),
                pipeline.serdes());
        try {
            MllpListener listener =
                    options.listen(port, pipeline.config().protocol().zone(), publisher, pipeline.meters());
            out.printf("Listening for HL7 v2 over MLLP on port %d%n", listener.port());
            out.flush();
            return new Hl7Ingest(publisher, listener);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
        publisher.close();
    }
}
