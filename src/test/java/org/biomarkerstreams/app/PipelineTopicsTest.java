package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.Test;

class PipelineTopicsTest {

    private final Topics names = Topics.defaults();
    private final Map<String, NewTopic> topics = new PipelineTopics(names, Optional.of(3), Optional.empty())
            .all().stream().collect(Collectors.toMap(NewTopic::name, Function.identity()));

    @Test
    void shouldCompactCohortViewsWhenCreatingTopics() {
        assertThat(topics.get(names.cohortVisits()).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        assertThat(topics.get(names.cohortCurves()).configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void shouldCreateAlertsAsAnEventTopicWhenCreatingTopics() {
        NewTopic alerts = topics.get(names.alerts());
        assertThat(alerts).isNotNull();
        assertThat(alerts.configs() == null ? Map.of() : alerts.configs())
                .doesNotContainKey(TopicConfig.CLEANUP_POLICY_CONFIG);
        assertThat(alerts.numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldCreateEveryOutputWhenCreatingTopics() {
        assertThat(topics.keySet()).containsAll(names.outputs()).containsAll(names.inputs());
    }
}
