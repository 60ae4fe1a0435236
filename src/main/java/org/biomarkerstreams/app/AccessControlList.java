package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateAclsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.biomarkerstreams.streams.Topics;

/**
 * The Kafka ACLs a principal needs to run a part of the application, and nothing more: each {@link Role} is what one
 * command does on the cluster, derived from the topic names the command runs with.
 *
 * <p>Only the operations a request checks are listed: Kafka grants DESCRIBE with READ, WRITE, DELETE or ALTER, and
 * DESCRIBE_CONFIGS with ALTER_CONFIGS, so a topic read is a READ ACL, plus DESCRIBE_CONFIGS because every command
 * checks the cleanup policy of its topics at start. No cluster ACL is needed: the idempotent
 * producers of ingest and replay get their producer id with WRITE on a topic (KIP-679), the transactional ones of
 * {@code run} with WRITE on their transactional id; CREATE on a topic name (or prefix) is enough to create it.
 * {@code KafkaAclIT} runs each role with exactly these ACLs on a broker with {@code StandardAuthorizer}.
 *
 * @param principal as the broker's authorizer sees it, e.g. {@code User:biomarker-streams}
 */
public record AccessControlList(String principal, List<Grant> grants) {

    /** The parts of the application that talk to Kafka, each with its own grants. */
    public enum Role {
        /** The topology ({@code run}): Kafka Streams with exactly_once_v2. */
        RUN("run"),
        /** Any command creating the topics it uses that are missing at start ({@link TopicSetup}). */
        CREATE_TOPICS("create-topics"),
        /** The HTTP server writing who read which patient's data. */
        AUDIT("audit"),
        /** {@code ingest-hl7} (and {@code run --mllp-port}): HL7 over MLLP onto the input topics. */
        INGEST_HL7("ingest-hl7"),
        /** {@code replay} onto a cluster: files onto the input topics. */
        REPLAY("replay"),
        /** {@code replay --from-dlq}: dead letters back onto the input topics. */
        REPLAY_DLQ("replay-dlq"),
        /** {@code export}: output topics to files, read without a consumer group. */
        EXPORT("export");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The role named {@code label}; the message lists the valid names. */
        public static Role of(String label) {
            for (Role r : values()) {
                if (r.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no role '" + label + "'; expected one of "
                    + Arrays.stream(values()).map(Role::label).toList());
        }
    }

    /**
     * Operations on one resource pattern for one role.
     *
     * @param why what the application does with it, for the operator reading the table
     */
    public record Grant(Role role, ResourcePattern resource, Set<AclOperation> operations, String why) {
        public Grant {
            operations = Set.copyOf(operations);
        }

        /** The operations in Kafka's order, for stable output. */
        public List<AclOperation> sortedOperations() {
            return operations.stream().sorted().toList();
        }
    }

    /**
     * The names the grants are made for.
     *
     * @param topics the pipeline's topics as {@code run} and the other commands are given them
     * @param applicationId {@code run --application-id}: the consumer group, and the prefix of the internal topics
     *     and transactional ids
     * @param auditTopic where the HTTP server writes its audit records
     */
    public record Names(Topics topics, String applicationId, String auditTopic) {
        public Names {
            if (applicationId == null || applicationId.isBlank()) {
                throw new IllegalArgumentException("--application-id must not be empty");
            }
            if (auditTopic == null || auditTopic.isBlank()) {
                throw new IllegalArgumentException("--audit-topic must not be empty");
            }
        }

        /**
         * Every internal topic of Kafka Streams, and every transactional id of its exactly-once producers, starts
         * with this: {@code <application.id>-<store>-changelog}, {@code <application.id>-<processId>-<thread>}.
         * With the dash, the grant does not reach another application whose id merely starts with this one's.
         */
        public String internalPrefix() {
            return applicationId + "-";
        }
    }

    public AccessControlList {
        principal = requirePrincipal(principal);
        grants = List.copyOf(grants);
    }

    /** The grants {@code roles} need, in the order of the roles. */
    public static AccessControlList of(String principal, Names names, Collection<Role> roles) {
        List<Grant> grants = new ArrayList<>();
        for (Role role : EnumSet.copyOf(roles)) {
            grants.addAll(grants(role, names));
        }
        return new AccessControlList(principal, grants);
    }

    private static List<Grant> grants(Role role, Names n) {
        Topics t = n.topics();
        List<Grant> g = new ArrayList<>();
        switch (role) {
            case RUN -> {
                for (String input : t.inputs()) {
                    g.add(used(role, input, "input of the topology", AclOperation.READ));
                }
                for (String output : List.of(t.trajectory(), t.summaries(), t.timeToNormalization(), t.alerts())) {
                    g.add(used(role, output, "output of the topology", AclOperation.WRITE));
                }
                g.add(used(role, t.deadLetters(), "dead letters of the topology", AclOperation.WRITE));
                for (String cohort : List.of(t.cohortVisits(), t.cohortCurves())) {
                    // The global stores of the query API restore from the topic the topology writes.
                    g.add(used(
                            role,
                            cohort,
                            "output of the topology, read back into a global store",
                            AclOperation.WRITE,
                            AclOperation.READ));
                }
                g.add(new Grant(
                        role,
                        new ResourcePattern(ResourceType.TOPIC, n.internalPrefix(), PatternType.PREFIXED),
                        Set.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE),
                        "Kafka Streams' changelog and repartition topics: created at the first start; DELETE"
                                + " purges consumed repartition records (they are kept forever otherwise)"));
                g.add(new Grant(
                        role,
                        new ResourcePattern(ResourceType.GROUP, n.applicationId(), PatternType.LITERAL),
                        Set.of(AclOperation.READ),
                        "the consumer group of all instances (offsets committed in the transactions)"));
                g.add(new Grant(
                        role,
                        new ResourcePattern(ResourceType.TRANSACTIONAL_ID, n.internalPrefix(), PatternType.PREFIXED),
                        Set.of(AclOperation.WRITE),
                        "exactly_once_v2: one transactional producer per stream thread,"
                                + " <application.id>-<process id>-<thread>"));
            }
            case CREATE_TOPICS -> {
                for (NewTopic topic : new PipelineTopics(t, Optional.empty(), Optional.empty()).all()) {
                    g.add(topic(
                            role,
                            topic.name(),
                            "created when missing by the command that uses it; not needed once the topics exist",
                            AclOperation.CREATE));
                }
                g.add(topic(
                        role,
                        n.auditTopic(),
                        "the audit topic, created by run when missing (retention.ms=-1)",
                        AclOperation.CREATE));
            }
            case AUDIT -> g.add(used(role, n.auditTopic(), "audit records of patient data access", AclOperation.WRITE));
            case INGEST_HL7, REPLAY -> {
                for (String input : t.inputs()) {
                    g.add(used(role, input, "input of the topology (idempotent producer)", AclOperation.WRITE));
                }
                g.add(used(role, t.deadLetters(), "messages that cannot be used", AclOperation.WRITE));
            }
            case REPLAY_DLQ -> {
                g.add(used(role, t.deadLetters(), "dead letters to replay (no consumer group)", AclOperation.READ));
                for (String input : t.inputs()) {
                    g.add(used(role, input, "where a dead letter came from (idempotent producer)", AclOperation.WRITE));
                }
            }
            case EXPORT -> {
                for (String output : exportedTopics(t)) {
                    g.add(used(role, output, "output exported to a file (no consumer group)", AclOperation.READ));
                }
            }
        }
        return g;
    }

    /** The topics {@code export} (and a local {@code replay}) write to files: all seven outputs ({@link OutputFiles}). */
    static List<String> exportedTopics(Topics t) {
        return t.outputs();
    }

    /**
     * A topic a command uses, with DESCRIBE_CONFIGS: every command checks at start that its topics have the cleanup
     * policy (and {@code min.insync.replicas}) they need ({@link TopicSetup#prepare}).
     */
    private static Grant used(Role role, String name, String why, AclOperation... operations) {
        Set<AclOperation> all = EnumSet.of(AclOperation.DESCRIBE_CONFIGS, operations);
        return new Grant(role, new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), all, why);
    }

    private static Grant topic(Role role, String name, String why, AclOperation... operations) {
        return new Grant(
                role, new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), Set.of(operations), why);
    }

    /** The same list without the grant of {@code operation} on {@code resource} (the others on it stay). */
    public AccessControlList without(ResourcePattern resource, AclOperation operation) {
        List<Grant> kept = new ArrayList<>();
        for (Grant grant : grants) {
            if (grant.resource().equals(resource) && grant.operations().contains(operation)) {
                Set<AclOperation> rest = EnumSet.copyOf(grant.operations());
                rest.remove(operation);
                if (!rest.isEmpty()) {
                    kept.add(new Grant(grant.role(), grant.resource(), rest, grant.why()));
                }
            } else {
                kept.add(grant);
            }
        }
        return new AccessControlList(principal, kept);
    }

    /** One ALLOW binding per operation and resource, from any host, without duplicates across roles. */
    public List<AclBinding> bindings() {
        Set<AclBinding> bindings = new LinkedHashSet<>();
        for (Grant grant : grants) {
            for (AclOperation operation : grant.sortedOperations()) {
                bindings.add(new AclBinding(
                        grant.resource(), new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return List.copyOf(bindings);
    }

    /**
     * Creates these ACLs through {@code admin} (whose principal needs ALTER on the cluster); existing ones stay.
     *
     * @throws IllegalStateException naming the failure, when the cluster refuses or does not answer in time
     */
    public void createOn(Admin admin, Duration timeout) {
        try {
            admin.createAcls(bindings(), new CreateAclsOptions().timeoutMs((int) timeout.toMillis()))
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(
                    "Could not create the ACLs: " + cause.getMessage()
                            + (cause instanceof SecurityDisabledException
                                    ? " (the brokers have no authorizer: set authorizer.class.name)"
                                    : cause instanceof ClusterAuthorizationException
                                            ? " (creating ACLs needs ALTER on the cluster: use an administrator's --config)"
                                            : ""),
                    cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not create the ACLs: no answer from Kafka within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the ACLs", e);
        }
    }

    /** A table for people: role, resource type, pattern, name, operations, why. */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ROLE", "RESOURCE", "PATTERN", "NAME", "OPERATIONS", "WHY"});
        for (Grant grant : grants) {
            rows.add(new String[] {
                grant.role().label(),
                grant.resource().resourceType().name(),
                grant.resource().patternType().name(),
                grant.resource().name(),
                String.join(
                        ",", grant.sortedOperations().stream().map(Enum::name).toList()),
                grant.why()
            });
        }
        int[] width = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder("ACLs for principal " + principal + " (ALLOW, from any host):\n");
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                out.append(String.format(Locale.ROOT, "%-" + width[i] + "s  ", row[i]));
            }
            out.append(row[5]).append('\n');
        }
        return out.toString();
    }

    /**
     * The {@code kafka-acls.sh --add} command lines that create these ACLs, one per resource pattern.
     *
     * @param bootstrapServers where the command connects, or empty for a placeholder
     */
    public List<String> kafkaAclsCommands(Optional<String> bootstrapServers) {
        Map<ResourcePattern, Set<AclOperation>> byResource = new LinkedHashMap<>();
        for (Grant grant : grants) {
            byResource
                    .computeIfAbsent(grant.resource(), r -> EnumSet.noneOf(AclOperation.class))
                    .addAll(grant.operations());
        }
        String connect = "kafka-acls.sh --bootstrap-server " + bootstrapServers.orElse("<bootstrap>")
                + " --command-config <admin.properties> --add --allow-principal " + shellQuoted(principal);
        List<String> lines = new ArrayList<>();
        for (Map.Entry<ResourcePattern, Set<AclOperation>> e : byResource.entrySet()) {
            StringBuilder line = new StringBuilder(connect);
            for (AclOperation operation : e.getValue()) {
                line.append(" --operation ").append(camelCase(operation));
            }
            ResourcePattern r = e.getKey();
            if (r.patternType() == PatternType.PREFIXED) {
                line.append(" --resource-pattern-type prefixed");
            }
            line.append(
                            switch (r.resourceType()) {
                                case TOPIC -> " --topic ";
                                case GROUP -> " --group ";
                                case TRANSACTIONAL_ID -> " --transactional-id ";
                                default -> throw new IllegalStateException("no grant on a " + r.resourceType());
                            })
                    .append(shellQuoted(r.name()));
            lines.add(line.toString());
        }
        return lines;
    }

    /** {@code DESCRIBE_CONFIGS} as kafka-acls.sh spells it: {@code DescribeConfigs}. */
    static String camelCase(AclOperation operation) {
        StringBuilder out = new StringBuilder();
        for (String word : operation.name().split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    private static String shellQuoted(String s) {
        return s.matches("[A-Za-z0-9._:/=@+-]+") ? s : "'" + s.replace("'", "'\"'\"'") + "'";
    }

    private static String requirePrincipal(String principal) {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("--principal is required, e.g. User:biomarker-streams");
        }
        try {
            KafkaPrincipal parsed = org.apache.kafka.common.utils.SecurityUtils.parseKafkaPrincipal(principal);
            if (parsed.getName().isEmpty()) {
                throw new IllegalArgumentException("empty name");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--principal " + principal + ": expected TYPE:NAME as the broker's authorizer sees the client,"
                            + " e.g. User:biomarker-streams (SASL user name) or User:CN=app,O=site (mTLS)");
        }
        return principal;
    }
}
