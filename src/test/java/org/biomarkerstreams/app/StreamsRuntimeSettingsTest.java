package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** What the product's defaults give Kafka Streams' producers, and that the operator's properties win. */
class StreamsRuntimeSettingsTest {

    private static Map<String, Object> producerConfigs(Map<String, String> operator) {
        StreamsRuntime.Settings settings = new StreamsRuntime.Settings(
                "127.0.0.1:9092", "app", Path.of("/tmp/state"), StreamsConfig.EXACTLY_ONCE_V2, 1, operator);
        return new StreamsConfig(settings.toProperties()).getProducerConfigs("client");
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
