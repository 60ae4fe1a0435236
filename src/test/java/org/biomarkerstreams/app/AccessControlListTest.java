package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.Topics;
import org.junit.jupiter.api.Test;

class AccessControlListTest {

    private static final Topics TOPICS = Topics.defaults().withSuffix("-x");
    private static final AccessControlList.Names NAMES =
            new AccessControlList.Names(TOPICS, "trial-7", "patient-access-audit");

    private static AccessControlList of(AccessControlList.Role... roles) {
        return AccessControlList.of("User:app", NAMES, List.of(roles));
    }

    private static boolean allows(AccessControlList acls, ResourcePattern resource, AclOperation operation) {
        return acls.bindings().stream()
                .anyMatch(b -> b.pattern().equals(resource)
                        && b.entry().operation() == operation
                        && b.entry().principal().equals("User:app")
                        && b.entry().permissionType() == AclPermissionType.ALLOW);
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    @Test
    void shouldGrantRunItsInputsOutputsInternalTopicsGroupAndTransactionalIdsByTheApplicationId() {
        AccessControlList run = of(AccessControlList.Role.RUN);

        assertThat(allows(run, topic(TOPICS.readings()), AclOperation.READ)).isTrue();
        assertThat(allows(run, topic(TOPICS.events()), AclOperation.READ)).isTrue();
        for (String output : TOPICS.outputs()) {
            assertThat(allows(run, topic(output), AclOperation.WRITE))
                    .as(output)
                    .isTrue();
        }
        assertThat(allows(run, topic(TOPICS.cohortVisits()), AclOperation.READ))
                .as("global store source")
                .isTrue();
        ResourcePattern internal = new ResourcePattern(ResourceType.TOPIC, "trial-7-", PatternType.PREFIXED);
        assertThat(List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE))
                .allMatch(op -> allows(run, internal, op));
        assertThat(allows(
                        run,
                        new ResourcePattern(ResourceType.GROUP, "trial-7", PatternType.LITERAL),
                        AclOperation.READ))
                .isTrue();
        assertThat(allows(
                        run,
                        new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "trial-7-", PatternType.PREFIXED),
                        AclOperation.WRITE))
                .isTrue();
    }

    @Test
    void shouldNeverGrantRunAnyClusterOperationOrTopicCreationOfThePipelineTopics() {
        AccessControlList run = of(AccessControlList.Role.RUN, AccessControlList.Role.AUDIT);

        assertThat(run.bindings()).noneMatch(b -> b.pattern().resourceType() == ResourceType.CLUSTER);
        assertThat(run.bindings())
                .filteredOn(b -> b.entry().operation() == AclOperation.CREATE)
                .extracting(b -> b.pattern().name())
                .containsExactly("trial-7-");
        assertThat(run.bindings()).noneMatch(b -> b.entry().operation() == AclOperation.ALL);
    }

    @Test
    void shouldGrantCreateOnEveryTopicRunCreatesWhenMissing() {
        AccessControlList create = of(AccessControlList.Role.CREATE_TOPICS);

        assertThat(create.bindings())
                .extracting(b -> b.pattern().name())
                .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                                new PipelineTopics(TOPICS, Optional.empty(), Optional.empty())
                                        .all().stream().map(t -> t.name()),
                                java.util.stream.Stream.of("patient-access-audit"))
                        .toList());
        assertThat(create.bindings()).allMatch(b -> b.entry().operation() == AclOperation.CREATE);
    }

    @Test
    void shouldLetTheFeedsOnlyWriteInputsAndDeadLetters() {
        for (AccessControlList.Role feed : List.of(AccessControlList.Role.INGEST_HL7, AccessControlList.Role.REPLAY)) {
            assertThat(of(feed).bindings())
                    .as(feed.label())
                    .extracting(b -> b.pattern().name() + " " + b.entry().operation())
                    .containsExactlyInAnyOrder(
                            TOPICS.readings() + " WRITE",
                            TOPICS.events() + " WRITE",
                            TOPICS.deadLetters() + " WRITE",
                            TOPICS.readings() + " DESCRIBE_CONFIGS",
                            TOPICS.events() + " DESCRIBE_CONFIGS",
                            TOPICS.deadLetters() + " DESCRIBE_CONFIGS");
        }
    }

    @Test
    void shouldLetExportReadExactlyTheTopicsItWritesToFiles() {
        AvroSerdes serdes = new AvroSerdes(InMemorySchemaRegistry.scope("acl-test"), false);

        assertThat(of(AccessControlList.Role.EXPORT).bindings())
                .filteredOn(b -> b.entry().operation() == AclOperation.READ)
                .extracting(b -> b.pattern().name())
                .containsExactlyElementsOf(OutputFiles.outputs(TOPICS, serdes).keySet());
        assertThat(of(AccessControlList.Role.EXPORT).bindings())
                .allMatch(b -> b.entry().operation() == AclOperation.READ
                        || b.entry().operation() == AclOperation.DESCRIBE_CONFIGS);
    }

    @Test
    void shouldLetEveryRoleReadTheConfigsOfTheTopicsItUsesBecauseItChecksThemAtStart() {
        for (AccessControlList.Role role : AccessControlList.Role.values()) {
            if (role == AccessControlList.Role.CREATE_TOPICS) {
                continue;
            }
            AccessControlList acls = of(role);
            acls.bindings().stream()
                    .filter(b -> b.pattern().resourceType() == ResourceType.TOPIC
                            && b.pattern().patternType() == PatternType.LITERAL)
                    .forEach(b -> assertThat(allows(acls, b.pattern(), AclOperation.DESCRIBE_CONFIGS))
                            .as(role.label() + " on " + b.pattern().name())
                            .isTrue());
        }
    }

    @Test
    void shouldGrantTheAuditTopicItsOwnName() {
        assertThat(of(AccessControlList.Role.AUDIT).bindings())
                .extracting(AclBinding::pattern)
                .containsOnly(topic("patient-access-audit"));
    }

    @Test
    void shouldPrintOneKafkaAclsCommandPerResourceWithThePrefixedPatternType() {
        List<String> lines = of(AccessControlList.Role.RUN).kafkaAclsCommands(Optional.of("kafka:9093"));

        assertThat(lines).hasSize(12);
        assertThat(lines)
                .contains("kafka-acls.sh --bootstrap-server kafka:9093 --command-config <admin.properties> --add"
                        + " --allow-principal User:app --operation Write --resource-pattern-type prefixed"
                        + " --transactional-id trial-7-")
                .contains("kafka-acls.sh --bootstrap-server kafka:9093 --command-config <admin.properties> --add"
                        + " --allow-principal User:app --operation Read --group trial-7")
                .anySatisfy(l -> assertThat(l)
                        .contains("--operation Delete", "--resource-pattern-type prefixed --topic trial-7-"));
    }

    @Test
    void shouldQuoteAPrincipalWithSpacesForTheShell() {
        AccessControlList acls =
                AccessControlList.of("User:CN=biomarker app,O=Site", NAMES, List.of(AccessControlList.Role.AUDIT));

        assertThat(acls.kafkaAclsCommands(Optional.empty()))
                .singleElement()
                .asString()
                .contains("--allow-principal 'User:CN=biomarker app,O=Site'", "--bootstrap-server <bootstrap>");
    }

    @Test
    void shouldRejectAPrincipalWithoutItsType() {
        assertThatThrownBy(() -> AccessControlList.of("biomarker-app", NAMES, List.of(AccessControlList.Role.RUN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--principal biomarker-app")
                .hasMessageContaining("User:");
    }

    @Test
    void shouldDropOnlyTheOneOperationWithout() {
        AccessControlList run = of(AccessControlList.Role.RUN);
        ResourcePattern internal = new ResourcePattern(ResourceType.TOPIC, "trial-7-", PatternType.PREFIXED);

        AccessControlList lacking = run.without(internal, AclOperation.CREATE);

        assertThat(lacking.bindings()).hasSize(run.bindings().size() - 1);
        assertThat(allows(lacking, internal, AclOperation.CREATE)).isFalse();
        assertThat(allows(lacking, internal, AclOperation.WRITE)).isTrue();
    }
}
