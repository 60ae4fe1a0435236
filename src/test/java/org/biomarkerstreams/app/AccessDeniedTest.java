package org.biomarkerstreams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class AccessDeniedTest {

    @Test
    void shouldNameTheGroupOnceWhenStreamsWrapsTheDenial() {
        GroupAuthorizationException denied = GroupAuthorizationException.forGroupId("trial-7");

        assertThat(AccessDenied.explain(new StreamsException(denied.toString(), denied), "trial-7"))
                .hasValue("Kafka denied this application's principal access to consumer group trial-7: Not authorized"
                        + " to access group: trial-7. Grant the missing ACLs (see 'biomarker-streams acls --principal"
                        + " User:<name> --application-id trial-7', docs/security-kafka.md).");
    }

    @Test
    void shouldNameTheTransactionalIdPrefixWhichKafkaDoesNot() {
        assertThat(AccessDenied.explain(
                        new StreamsException(
                                "Error encountered trying to initialize transactions",
                                new TransactionalIdAuthorizationException("Transactional Id authorization failed.")),
                        "trial-7"))
                .hasValueSatisfying(s -> assertThat(s)
                        .startsWith("Error encountered trying to initialize transactions. Kafka denied")
                        .contains("transactional id prefix 'trial-7-'"));
    }

    @Test
    void shouldPointToThePrefixWhenAnInternalTopicIsDenied() {
        assertThat(AccessDenied.explain(
                        new TopicAuthorizationException("denied", Set.of("trial-7-patients-changelog")), "trial-7"))
                .hasValueSatisfying(s -> assertThat(s)
                        .contains("topic(s) trial-7-patients-changelog")
                        .contains("grant the PREFIXED topic ACLs on 'trial-7-'"));
    }

    @Test
    void shouldExplainNothingWhenNoAuthorizationFailureCausedIt() {
        assertThat(AccessDenied.explain(new StreamsException(new TimeoutException("slow")), "trial-7"))
                .isEmpty();
    }
}
