package org.biomarkerstreams.app;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * An operator's sentence for a Kafka authorization failure anywhere in an exception's causes: which resource the
 * principal may not use, and where the full list of grants comes from. Kafka's own messages name a topic at best,
 * and a transactional id not at all.
 */
public final class AccessDenied {

    static final String SEE = "see 'biomarker-streams acls --principal User:<name>";

    private AccessDenied() {}

    /**
     * The explanation when {@code failure} (or one of its causes) is a Kafka authorization failure.
     *
     * @param applicationId names the group and the transactional id prefix; null for commands without one
     */
    public static Optional<String> explain(Throwable failure, String applicationId) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthorizationException denied) {
                // Our message (or Streams') around Kafka's says what the application was doing when refused.
                // (Kafka Streams' message is often just the cause's toString: nothing to add then.)
                String context = t == failure
                                || failure.getMessage() == null
                                || (denied.getMessage() != null
                                        && failure.getMessage().contains(denied.getMessage()))
                        ? ""
                        : sentenceEnd(failure.getMessage()) + " ";
                return Optional.of(context + sentence(denied, applicationId, context));
            }
        }
        return Optional.empty();
    }

    private static String sentence(AuthorizationException denied, String applicationId, String context) {
        String what;
        boolean internal = false;
        if (denied instanceof TopicAuthorizationException topics) {
            what = topics.unauthorizedTopics().isEmpty()
                    ? "a topic"
                    : "topic(s) "
                            + String.join(
                                    ", ",
                                    topics.unauthorizedTopics().stream()
                                            .sorted()
                                            .toList());
            internal = applicationId != null
                    && (context.contains(applicationId + "-")
                            || topics.unauthorizedTopics().stream().anyMatch(t -> t.startsWith(applicationId + "-")));
        } else if (denied instanceof GroupAuthorizationException group) {
            what = "consumer group " + (group.groupId() != null ? group.groupId() : applicationId);
        } else if (denied instanceof TransactionalIdAuthorizationException) {
            what = applicationId == null
                    ? "its transactional id"
                    : "transactional id prefix '" + applicationId + "-' (exactly_once_v2: grant WRITE on the"
                            + " PREFIXED transactional id)";
        } else if (denied instanceof ClusterAuthorizationException) {
            what = "the cluster";
        } else {
            what = "a Kafka resource";
        }
        if (internal) {
            what += " (internal topics of Kafka Streams: grant the PREFIXED topic ACLs on '" + applicationId + "-')";
        }
        String see = SEE + (applicationId == null ? "" : " --application-id " + applicationId) + "'";
        return "Kafka denied this application's principal access to " + what + ": "
                + sentenceEnd(String.valueOf(denied.getMessage())) + " Grant the missing ACLs (" + see
                + ", docs/security-kafka.md).";
    }

    private static String sentenceEnd(String message) {
        return message.replaceAll("[.\\s]+$", "") + ".";
    }
}
