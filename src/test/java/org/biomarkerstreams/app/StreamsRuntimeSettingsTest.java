package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.Test;

/** What the product's defaults give Kafka Streams' producers, and that the operator's properties win. */
class StreamsRuntimeSettingsTest {

    private static StreamsRuntime.Settings settings(Map<String, String> operator) {
        return new StreamsRuntime.Settings(
                "127.0.0.1:9092", "app", Path.of("/tmp/state"), StreamsConfig.EXACTLY_ONCE_V2, 2, operator);
    }

    private static Map<String, Object> producerConfigs(Map<String, String> operator) {
        return streamsConfig(operator).getProducerConfigs("client");
    }

    private static StreamsConfig streamsConfig(Map<String, String> operator) {
        return new StreamsConfig(settings(operator).toProperties());
    }

    /** What the consumer of stream thread {@code thread} (from 1) gets. */
    private static Map<String, Object> mainConsumerConfigs(StreamsRuntime.Settings settings, int thread) {
        return new StreamsConfig(settings.toProperties()).getMainConsumerConfigs("app", "client", thread);
    }

    @Test
    void shouldNotWarnAboutTheGlobalProcessingExceptionHandlerWhenTheAssignorReadsItsConfig() {
        Map<String, Object> mainConsumer = streamsConfig(Map.of()).getMainConsumerConfigs("app", "client", 0);
        try (LogCapture logs = LogCapture.atLevel(Level.WARN)) {
            // What Streams' partition assignor does with the main consumer's properties.
            new StreamsConfig(mainConsumer);

            assertThat(logs.linesContaining("processing.exception.handler.global.enabled"))
                    .isEmpty();
        }
    }

    @Test
    void shouldGiveTheProducersLargerBatchesThanKafkasDefault() {
        assertThat(producerConfigs(Map.of()))
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(StreamsRuntime.PRODUCER_BATCH_BYTES));
        assertThat(StreamsRuntime.PRODUCER_BATCH_BYTES)
                .isGreaterThan(ProducerConfig.configDef()
                        .defaultValues()
                        .get(ProducerConfig.BATCH_SIZE_CONFIG)
                        .hashCode());
    }

    @Test
    void shouldLetTheOperatorsBatchSizeWinPrefixedOrNot() {
        assertThat(producerConfigs(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, "32768")))
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "32768");
        assertThat(producerConfigs(Map.of(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), "65536")))
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    }

    @Test
    void shouldJoinAsAStaticMemberWithOneInstanceIdPerStreamThreadWhenGivenAnInstanceId() {
        StreamsRuntime.Settings settings = settings(Map.of()).asStaticMember("biomarker-streams-0");

        assertThat(mainConsumerConfigs(settings, 1))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "biomarker-streams-0-1");
        assertThat(mainConsumerConfigs(settings, 2))
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "biomarker-streams-0-2");
        assertThat(mainConsumerConfigs(settings(Map.of()), 1))
                .as("a dynamic member without one")
                .doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }

    @Test
    void shouldKeepKafkasSessionTimeoutUnlessTheOperatorSetsOne() {
        assertThat(mainConsumerConfigs(settings(Map.of()), 1))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "45000");
        assertThat(ConsumerConfig.configDef().defaultValues().get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))
                .isEqualTo(StreamsRuntime.SESSION_TIMEOUT_MS);
        assertThat(mainConsumerConfigs(settings(Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000")), 1))
                .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000");
    }
}
