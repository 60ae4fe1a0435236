package org.biomarkerstreams.cli;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.streams.InputPublisher;
import picocli.CommandLine.Option;

/** How HL7 v2 messages are read and acknowledged (ingest-hl7, and the listener inside demo and run). */
final class Hl7Options {

    @Option(
            names = "--local-code",
            paramLabel = "CODE=LOINC",
            description = "Map a local OBX-3 code (CODE or CODE^SYSTEM) to a LOINC code; repeatable.")
    Map<String, String> localCodes = Map.of();

    @Option(
            names = "--arm-field",
            defaultValue = Hl7Settings.DEFAULT_ARM_FIELD,
            description =
                    "Where ADT^A01/A04 carry the trial arm: a field such as PV1-18, or OBX:CODE (default: ${DEFAULT-VALUE}).")
    String armField;

    @Option(
            names = "--write-timeout",
            defaultValue = "PT10S",
            description =
                    "How long an HL7 message may wait for Kafka before it is answered AR (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    Hl7Settings settings(ZoneId zone) {
        Hl7Settings s =
                Hl7Settings.defaults(Clock.systemUTC()).withSiteZone(zone).withArmField(armField);
        for (Map.Entry<String, String> e : localCodes.entrySet()) {
            s = s.withLocalCode(e.getKey(), e.getValue());
        }
        return s;
    }

    /**
     * The HL7 path's producer: a send must not block longer than the ACK may wait (with Kafka down,
     * the sender gets AR in time); and no linger, because each message waits for its own records before
     * its ACK, so on one connection nothing could join the batch and every message would wait the
     * whole linger (5 ms: 96 messages/s instead of ~800). No compression either: a batch is one
     * message's few readings, too small to shrink, and lz4 allocates a 64 KiB block buffer per batch.
     */
    Map<String, String> producerProperties(Map<String, String> clientProperties) {
        Map<String, String> producer = new java.util.HashMap<>(clientProperties);
        producer.putIfAbsent("max.block.ms", Long.toString(writeTimeout.toMillis()));
        producer.putIfAbsent("linger.ms", "0");
        producer.putIfAbsent("compression.type", "none");
        return producer;
    }

    MllpListener listen(int port, ZoneId zone, InputPublisher publisher, MeterRegistry meters) {
        return MllpListener.start(port, new DurableHl7Handler(settings(zone), publisher, writeTimeout), meters);
    }
}
