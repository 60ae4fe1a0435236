package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.Test;

/** What the product's defaults give Kafka Streams' producers, and that the operator's properties win. */
class StreamsRuntimeSettingsTest {

    private static Map<String, Object> producerConfigs(Map<String, String> operator) {
        return streamsConfig(operator).getProducerConfigs("client");
    }

    private static StreamsConfig streamsConfig(Map<String, String> operator) {
        StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                "127.0.0.1:9092", "app", Path.of("/tmp/state"), StreamsConfig.EXACTLY_ONCE_V2, 1, operator);
        return new StreamsConfig(settings.toProperties());
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
}
