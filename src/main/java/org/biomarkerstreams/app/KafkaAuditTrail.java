package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.api.AuditTrail;
import org.biomarkerstreams.avro.AccessOutcome;
import org.biomarkerstreams.avro.PatientDataAccess;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.TopicSpec;

/**
 * The audit trail on a Kafka topic: one {@code PatientDataAccess} record (Avro, registry wire format) per access,
 * keyed by the patient's pseudonym so that one patient's accesses stay in order in one partition. {@link #record}
 * returns only when the broker has acknowledged it (acks=all, idempotent: a retried send is not written twice), so
 * an answer never leaves without its record. How to keep and read it: README, "Audit trail".
 */
public final class KafkaAuditTrail implements AuditTrail, AutoCloseable {

    /** The default audit topic. */
    public static final String DEFAULT_TOPIC = "patient-access-audit";

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<PatientDataAccess> serializer;

    public KafkaAuditTrail(
            String topic, String bootstrapServers, Map<String, String> clientProperties, AvroSerdes serdes) {
        this.topic = topic;
        // No record, no answer: find the schema id now, so that a registry without it fails the start, not each
        // request.
        serdes.requireWriterSchemas(List.of(TopicSpec.avro(topic, PatientDataAccess.class, serdes)));
        Properties p = InputPublisher.durableProducer(clientProperties, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "biomarker-streams-audit");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ACK_TIMEOUT.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ACK_TIMEOUT.toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ACK_TIMEOUT.toMillis()));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.serializer = serdes.value(PatientDataAccess.class).serializer();
    }

    /** The audit topic: kept until deleted (an audit trail outlives the trial's monitoring), never compacted. */
    public static NewTopic topic(String name, Optional<Integer> partitions, Optional<Short> replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1",
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_DELETE));
    }

    @Override
    public void record(Access access) {
        PatientDataAccess value = PatientDataAccess.newBuilder()
                .setAccessedAt(access.at())
                .setSubject(access.subject())
                .setRoute(access.route())
                .setPatientPseudonym(access.patient())
                .setOutcome(AccessOutcome.valueOf(access.outcome().name()))
                .setHttpStatus(access.status())
                .setClient(access.client())
                .setInstance(access.instance())
                .build();
        try {
            producer.send(new ProducerRecord<>(topic, access.patient(), serializer.serialize(topic, value)))
                    .get(ACK_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while writing the audit record", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new AuditUnavailableException(
                    "audit topic " + topic + " did not acknowledge: "
                            + cause.getClass().getSimpleName(),
                    cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
