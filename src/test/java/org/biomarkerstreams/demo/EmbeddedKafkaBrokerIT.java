package org.biomarkerstreams.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.app.TopicSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        long startedAt = System.nanoTime();
        broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults());
        System.out.printf(
                "Embedded broker start-up took %d ms%n",
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDeliverOnlyCommittedRecordsWhenConsumerReadsCommitted() {
        String topic = uniqueTopic("readings");
        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 1, (short) 1)), TIMEOUT);

        try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k2", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k3", "committed-2"));
            producer.commitTransaction();
        }

        assertThat(readCommitted(broker.bootstrapServers(), topic, 2)).containsExactly("committed-1", "committed-2");
    }

    @Test
    void shouldCreateCompactedTopicWhenCleanupPolicyIsCompact() throws Exception {
        String topic = uniqueTopic("baselines");
        NewTopic compacted = new NewTopic(topic, 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

        TopicSetup.ensureTopics(admin, List.of(compacted), TIMEOUT);

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        assertThat(admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions())
                .hasSize(3);
    }

    @Test
    void shouldLeaveExistingTopicUnchangedWhenEnsuredAgain() throws Exception {
        String topic = uniqueTopic("events");
        TopicSetup.ensureTopics(admin, List.of(new NewTopic(topic, 2, (short) 1)), TIMEOUT);

        TopicSetup.ensureTopics(
                admin, List.of(new NewTopic(topic, 6, (short) 1), new NewTopic(topic + "-dlq", 1, (short) 1)), TIMEOUT);

        assertThat(admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions())
                .hasSize(2);
        assertThat(admin.listTopics().names().get()).contains(topic, topic + "-dlq");
    }

    @Test
    void shouldNameTheTopicWhenTheBrokerRejectsIt() {
        String topic = uniqueTopic("over-replicated");
        NewTopic impossible = new NewTopic(topic, 1, (short) 3);

        assertThatThrownBy(() -> TopicSetup.ensureTopics(admin, List.of(impossible), TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("replication factor");
    }

    /**
     * A broker shows a new topic a moment before its partitions exist, and an idempotent producer that sends in that
     * moment can lose a batch (TopicSetup.awaitLeaders). So when ensureTopics returns, every partition's leader must
     * already answer: a ListOffsets from an admin client that never retries, and at once an idempotent producer with
     * five requests in flight, whose every record must be acknowledged well within its delivery timeout.
     */
    @Test
    void shouldLeaveEveryCreatedPartitionWritableWhenEnsureTopicsReturns() throws Exception {
        List<NewTopic> topics = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            topics.add(new NewTopic(uniqueTopic("writable-" + i), 2, (short) 1));
        }
        TopicSetup.ensureTopics(admin, topics, TIMEOUT);

        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> partitions =
                new java.util.HashMap<>();
        topics.forEach(t -> {
            for (int p = 0; p < 2; p++) {
                partitions.put(
                        new org.apache.kafka.common.TopicPartition(t.name(), p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        });
        try (Admin once = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                AdminClientConfig.RETRIES_CONFIG,
                0))) {
            assertThat(once.listOffsets(partitions).all().get()).hasSize(40);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int round = 0; round < 10; round++) {
                for (var partition : partitions.keySet()) {
                    sent.add(producer.send(new ProducerRecord<>(
                            partition.topic(), partition.partition(), "k", "record " + round + " of " + partition)));
                }
            }
            for (var future : sent) {
                future.get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertThat(sent).hasSize(400);
    }

    @Test
    void shouldNotCreateTopicWhenProducerWritesToAMissingOne() throws Exception {
        String topic = uniqueTopic("never-created");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_500);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
    }

    @Test
    void shouldDeleteTempDirAndFreePortWhenClosed() throws IOException {
        EmbeddedKafkaBroker own = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults());
        Path dataDir = own.dataDirectory();
        int port = portOf(own.bootstrapServers());
        assertThat(dataDir).isDirectory();

        own.close();
        own.close();

        assertThat(dataDir).doesNotExist();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertThat(socket.isBound()).isTrue();
        }
    }

    @Test
    void shouldKeepTopicsWhenRestartedOnTheSameDataDir(@TempDir Path dataDir) throws Exception {
        EmbeddedKafkaBroker.Options options = new EmbeddedKafkaBroker.Options(0, Optional.of(dataDir), Map.of());
        String topic = uniqueTopic("kept");
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start(options);
                Admin firstAdmin = adminFor(first)) {
            TopicSetup.ensureTopics(firstAdmin, List.of(new NewTopic(topic, 1, (short) 1)), TIMEOUT);
        }
        assertThat(dataDir)
                .isDirectoryContaining(path -> path.getFileName().toString().equals("kafka-logs"));

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start(options);
                Admin secondAdmin = adminFor(second)) {
            assertThat(secondAdmin.listTopics().names().get()).contains(topic);
        }
        assertThat(Files.exists(dataDir)).as("a given data dir is kept").isTrue();
    }

    @Test
    void shouldPrintAddressAndStopWhenInterrupted() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Thread runner = new Thread(
                () -> EmbeddedKafkaBroker.runUntilInterrupted(EmbeddedKafkaBroker.Options.defaults(), out),
                "broker-command");
        runner.start();

        await("the broker command to print its address")
                .atMost(TIMEOUT)
                .until(() -> printed.toString(StandardCharsets.UTF_8).contains("127.0.0.1:"));
        String line = printed.toString(StandardCharsets.UTF_8);
        int port = Integer.parseInt(line.replaceAll("(?s).*127\\.0\\.0\\.1:(\\d+).*", "$1"));

        runner.interrupt();
        runner.join(TIMEOUT.toMillis());

        assertThat(runner.isAlive()).as("the command returns once interrupted").isFalse();
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

    private static Admin adminFor(EmbeddedKafkaBroker b) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(props);
    }

    private static List<String> readCommitted(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(topic));
            await("the committed records to be consumed").atMost(TIMEOUT).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
            // One more poll proves nothing else (such as the aborted record) follows.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static int portOf(String bootstrap) {
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
