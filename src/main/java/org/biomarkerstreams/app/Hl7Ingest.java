package org.biomarkerstreams.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;

/**
 * The HL7 ingest service: an MLLP listener with its durable publisher to the input topics, on its
 * own ({@code ingest-hl7}) or next to a pipeline in the same process ({@code run}, {@code demo}).
 */
public final class Hl7Ingest implements AutoCloseable {

    /**
     * How HL7 v2 messages are read and acknowledged.
     *
     * @param localCodes local OBX-3 codes (CODE or CODE^SYSTEM) to LOINC
     * @param armField where ADT^A01/A04 carry the trial arm (PV1-18, or OBX:CODE)
     * @param writeTimeout how long a message may wait for Kafka before it is answered AR
     */
    public record Settings(Map<String, String> localCodes, String armField, Duration writeTimeout) {

        public Settings {
            localCodes = Map.copyOf(localCodes);
            Objects.requireNonNull(armField, "armField");
            Objects.requireNonNull(writeTimeout, "writeTimeout");
        }

        public static Settings defaults() {
            return new Settings(Map.of(), Hl7Settings.DEFAULT_ARM_FIELD, Duration.ofSeconds(10));
        }

        Hl7Settings mapping(ZoneId zone) {
            Hl7Settings s =
                    Hl7Settings.defaults(Clock.systemUTC()).withSiteZone(zone).withArmField(armField);
            for (Map.Entry<String, String> e : localCodes.entrySet()) {
                s = s.withLocalCode(e.getKey(), e.getValue());
            }
            return s;
        }

        /**
         * The HL7 path's producer: a send must not block longer than the ACK may wait (with Kafka down,
         * the sender gets AR in time); and no linger, because each message waits for its own records
         * before its ACK, so on one connection nothing could join the batch and every message would wait
         * the whole linger. No compression either: a batch is one message's few readings, too small to
         * shrink, and lz4 allocates a 64 KiB block buffer per batch.
         */
        Map<String, String> producerProperties(Map<String, String> clientProperties) {
            Map<String, String> producer = new HashMap<>(clientProperties);
            producer.putIfAbsent("max.block.ms", Long.toString(writeTimeout.toMillis()));
            producer.putIfAbsent("linger.ms", "0");
            producer.putIfAbsent("compression.type", "none");
            return producer;
        }
    }

    private final InputPublisher publisher;
    private final MllpListener listener;

    private Hl7Ingest(InputPublisher publisher, MllpListener listener) {
        this.publisher = publisher;
        this.listener = listener;
    }

    /** Listens on {@code port} (0: any free port) and writes to {@code topics} of the cluster at {@code bootstrapServers}. */
    public static Hl7Ingest start(
            Settings settings,
            int port,
            ZoneId zone,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Topics topics,
            AvroSerdes serdes,
            MeterRegistry meters) {
        return start(
                settings,
                port,
                zone,
                bootstrapServers,
                clientProperties,
                topics,
                serdes,
                meters,
                new DeadLetters(java.time.Clock.systemUTC()));
    }

    /** As above, with rejected messages dead-lettered by {@code letters} (sealed when it has a key). */
    public static Hl7Ingest start(
            Settings settings,
            int port,
            ZoneId zone,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Topics topics,
            AvroSerdes serdes,
            MeterRegistry meters,
            DeadLetters letters) {
        InputPublisher publisher = new InputPublisher(
                settings.producerProperties(clientProperties), bootstrapServers, topics, serdes, letters);
        try {
            MllpListener listener = MllpListener.start(
                    port, new DurableHl7Handler(settings.mapping(zone), publisher, settings.writeTimeout()), meters);
            return new Hl7Ingest(publisher, listener);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
    }

    /** As above, beside {@code pipeline}: its cluster, topics, registry, time zone and meters. */
    public static Hl7Ingest start(Settings settings, int port, Pipeline pipeline) {
        return start(
                settings,
                port,
                pipeline.config().protocol().zone(),
                pipeline.bootstrapServers(),
                pipeline.clientProperties(),
                pipeline.config().topics(),
                pipeline.serdes(),
                pipeline.meters(),
                DeadLetters.forTopology(pipeline.config()));
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
        publisher.close();
    }
}
