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
        assertThat(alerts.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        assertThat(alerts.numPartitions()).isEqualTo(3);
    }

    @Test
    void shouldNeverCompactAnInputWhenCreatingTopics() {
        for (String input : names.inputs()) {
            assertThat(topics.get(input).configs())
                    .as(input)
                    .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        }
    }

    @Test
    void shouldSetMinInsyncReplicasAndReplicationOnEveryTopicWhenConfigured() {
        PipelineTopics configured = new PipelineTopics(names, Optional.of(6), Optional.of((short) 3), Optional.of(2));

        assertThat(configured.all()).allSatisfy(t -> {
            assertThat(t.numPartitions()).isEqualTo(6);
            assertThat(t.replicationFactor()).isEqualTo((short) 3);
            assertThat(t.configs()).containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        });
        assertThat(configured.audit("audit").configs())
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, "-1")
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }

    @Test
    void shouldGiveTheFeedsBothInputsAndTheDeadLettersWhenAsked() {
        assertThat(new PipelineTopics(names, Optional.empty(), Optional.empty()).feeds())
                .extracting(NewTopic::name)
                .containsExactly(names.readings(), names.events(), names.deadLetters());
    }

    @Test
    void shouldCreateEveryOutputWhenCreatingTopics() {
        assertThat(topics.keySet()).containsAll(names.outputs()).containsAll(names.inputs());
    }
}
