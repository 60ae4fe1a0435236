package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.testing.KafkaClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CatchUpIT {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void shouldWaitForAnOpenTransactionOnAnOutputBeforeCallingItSettled() throws Exception {
        String topic = "settle-" + UUID.randomUUID();
        KAFKA.createTopics(new NewTopic(topic, 2, (short) 1));
        try (Admin admin = KAFKA.admin();
                KafkaProducer<String, String> producer = transactional()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();

            CompletableFuture<Void> settled = CompletableFuture.runAsync(() -> settle(admin, topic));
            // Not settled while the record is written but not committed: a read_committed export
            // taken now would miss it.
            await("the quiet period to pass several times over")
                    .during(QUIET.multipliedBy(4))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !settled.isDone());

            producer.commitTransaction();
            settled.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldSettleOnceNothingMovesWhenNoTransactionIsOpen() throws Exception {
        String topic = "settle-" + UUID.randomUUID();
        KAFKA.createTopics(new NewTopic(topic, 1, (short) 1));
        try (Admin admin = KAFKA.admin();
                KafkaProducer<String, String> producer = transactional()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "v"));
            producer.commitTransaction();

            long started = System.nanoTime();
            settle(admin, topic);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(QUIET);
        }
    }

    private static void settle(Admin admin, String topic) {
        try {
            CatchUp.awaitSettled(admin, List.of(topic), QUIET, Duration.ofSeconds(60), () -> true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaProducer<String, String> transactional() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "catch-up-" + UUID.randomUUID()),
                new StringSerializer(),
                new StringSerializer());
    }
}
