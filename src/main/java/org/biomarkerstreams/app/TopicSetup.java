package org.biomarkerstreams.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the topics a command uses exist and are as {@link PipelineTopics} describes them: missing ones are
 * created (or, on a cluster where the application may not create topics, named with the command that creates them),
 * and existing ones are checked, never changed: their partitions and replication factor when configured, their
 * {@code cleanup.policy}, and their {@code min.insync.replicas} when configured. Retention is the operator's.
 */
public final class TopicSetup {
    private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

    /** The budget for finding out what is missing or different (listing and describing). */
    public static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    /** The budget when topics are also created: a controller under load may take a few seconds per batch. */
    public static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);

    /** The topic configs that are checked on existing topics when the spec sets them. */
    private static final List<String> CHECKED_CONFIGS =
            List.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);

    /** What to do about a missing topic. */
    public enum Creation {
        /** Create it as specified. */
        CREATE_MISSING,
        /** Fail, naming it and how to create it ({@code --no-create-topics}). */
        CHECK_ONLY
    }

    private TopicSetup() {}

    /**
     * Makes sure {@code topics} exist and are as specified, through a short-lived admin client of the cluster.
     *
     * @throws TopicsNotReadyException naming each topic that is missing (with {@link Creation#CHECK_ONLY}) or
     *     different from its spec, and how to fix it
     */
    public static void prepare(
            String bootstrapServers,
            Map<String, String> clientProperties,
            Collection<NewTopic> topics,
            Creation creation) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            prepare(admin, bootstrapServers, topics, creation);
        }
    }

    /**
     * As above, with {@code admin}; {@code bootstrapServers} only goes into the fix commands of the message.
     *
     * @throws TopicsNotReadyException naming each topic that is missing or different, and the fix
     * @throws IllegalStateException when the cluster refuses a creation or does not answer in time
     */
    public static void prepare(Admin admin, String bootstrapServers, Collection<NewTopic> topics, Creation creation) {
        Map<String, NewTopic> wanted = new LinkedHashMap<>();
        topics.forEach(t -> wanted.putIfAbsent(t.name(), t));
        if (wanted.isEmpty()) {
            return;
        }
        long deadline =
                System.nanoTime() + (creation == Creation.CHECK_ONLY ? CHECK_TIMEOUT : CREATE_TIMEOUT).toNanos();
        Set<String> existing = listTopics(admin, deadline);
        Map<String, NewTopic> missing = new LinkedHashMap<>(wanted);
        missing.keySet().removeAll(existing);
        Map<String, NewTopic> present = new LinkedHashMap<>(wanted);
        present.keySet().retainAll(existing);

        List<String> problems = new ArrayList<>();
        if (creation == Creation.CREATE_MISSING) {
            create(admin, missing, deadline);
        } else {
            for (NewTopic topic : missing.values()) {
                problems.add(topic.name() + ": missing. Create it: " + createCommand(bootstrapServers, topic));
            }
        }
        problems.addAll(differences(admin, bootstrapServers, present, deadline));
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("the topics on ")
                    .append(bootstrapServers)
                    .append(" are not as this command needs them; nothing was changed:");
            problems.forEach(
                    p -> message.append(System.lineSeparator()).append("  ").append(p));
            if (creation == Creation.CHECK_ONLY && !missing.isEmpty()) {
                message.append(System.lineSeparator())
                        .append("  Or let the command create them: leave out --no-create-topics (its principal then"
                                + " needs CREATE on them: 'biomarker-streams acls --role create-topics').");
            }
            throw new TopicsNotReadyException(message.toString());
        }
    }

    /**
     * Makes sure every topic in {@code topics} exists; existing ones are left exactly as they are.
     *
     * <p>A topic that another process creates at the same moment counts as existing.
     *
     * @param timeout the whole budget for listing and creating
     * @throws IllegalStateException naming the topic if one could not be created, or if the cluster did
     *     not answer within {@code timeout}
     */
    public static void ensureTopics(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> existing = listTopics(admin, deadline);

        Map<String, NewTopic> missing = new LinkedHashMap<>();
        for (NewTopic topic : topics) {
            if (existing.contains(topic.name())) {
                log.debug("Topic {} already exists; leaving it unchanged", topic.name());
            } else {
                missing.putIfAbsent(topic.name(), topic);
            }
        }
        create(admin, missing, deadline);
    }

    private static void create(Admin admin, Map<String, NewTopic> missing, long deadline) {
        if (missing.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(
                        List.copyOf(missing.values()), new CreateTopicsOptions().timeoutMs(millisLeft(deadline)))
                .values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            String name = result.getKey();
            try {
                await(result.getValue(), deadline, "create topic '" + name + "'");
                NewTopic spec = missing.get(name);
                log.info(
                        "Created topic {} ({} partitions, replication factor {}, {})",
                        name,
                        spec.numPartitions() < 0 ? "default" : spec.numPartitions(),
                        spec.replicationFactor() < 0 ? "default" : spec.replicationFactor(),
                        configsOf(spec));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    // The topic was not in the list: missing, or there but hidden from a principal without
                    // READ, WRITE or DESCRIBE on it. Either way the operator must grant something.
                    throw new IllegalStateException(
                            "Could not create topic '" + name + "': not authorized. It is missing, or it exists and"
                                    + " this principal may not see it",
                            new TopicAuthorizationException(denied.getMessage(), Set.of(name)));
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("create topic '" + name + "'", e);
                }
                log.debug("Topic {} was created concurrently by another client", name);
            }
        }
        awaitVisible(admin, missing.keySet(), deadline);
        awaitLeaders(admin, missing.keySet(), deadline);
    }

    /** How each existing topic differs from its spec, as one line per difference with its fix. */
    private static List<String> differences(
            Admin admin, String bootstrapServers, Map<String, NewTopic> present, long deadline) {
        if (present.isEmpty()) {
            return List.of();
        }
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(
                        present.keySet(), new DescribeTopicsOptions().timeoutMs(millisLeft(deadline)))
                .topicNameValues();
        List<ConfigResource> resources = present.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                .toList();
        Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(
                        resources, new DescribeConfigsOptions().timeoutMs(millisLeft(deadline)))
                .values();
        List<String> problems = new ArrayList<>();
        for (NewTopic spec : present.values()) {
            String name = spec.name();
            try {
                TopicDescription description = await(descriptions.get(name), deadline, "describe topic '" + name + "'");
                problems.addAll(layoutDifferences(spec, description));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    problems.add(name + ": deleted while being checked; run the command again");
                    continue;
                }
                throw failure("describe topic '" + name + "'", e);
            }
            try {
                Config config = await(
                        configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)),
                        deadline,
                        "describe the configs of topic '" + name + "'");
                problems.addAll(configDifferences(bootstrapServers, spec, config));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    problems.add(
                            name + ": its configs cannot be read, so its cleanup policy cannot be checked. Grant"
                                    + " this principal DescribeConfigs on it ('biomarker-streams acls' lists it with each role)");
                    continue;
                }
                throw failure("describe the configs of topic '" + name + "'", e);
            }
        }
        return problems;
    }

    private static List<String> layoutDifferences(NewTopic spec, TopicDescription description) {
        List<String> problems = new ArrayList<>();
        String name = spec.name();
        int partitions = description.partitions().size();
        if (spec.numPartitions() > 0 && partitions != spec.numPartitions()) {
            String fix = partitions < spec.numPartitions()
                    ? " Give --topic-partitions " + partitions + ", or add partitions (kafka-topics.sh --alter --topic "
                            + name + " --partitions " + spec.numPartitions() + "; on an input topic this moves patients"
                            + " to other partitions: reset the application first)"
                    : " Give --topic-partitions " + partitions + " (partitions cannot be removed)";
            problems.add(name + ": has " + partitions + " partitions, configured " + spec.numPartitions() + "." + fix);
        }
        Set<Integer> replication = description.partitions().stream()
                .map(TopicPartitionInfo::replicas)
                .map(List::size)
                .collect(Collectors.toCollection(TreeSet::new));
        if (spec.replicationFactor() > 0 && !replication.equals(Set.of((int) spec.replicationFactor()))) {
            problems.add(name + ": has replication factor "
                    + replication.stream().map(String::valueOf).collect(Collectors.joining("/")) + ", configured "
                    + spec.replicationFactor() + ". Give --topic-replication-factor "
                    + replication.iterator().next() + ", or reassign its replicas (kafka-reassign-partitions.sh)");
        }
        return problems;
    }

    private static List<String> configDifferences(String bootstrapServers, NewTopic spec, Config config) {
        List<String> problems = new ArrayList<>();
        Map<String, String> wanted = configsOf(spec);
        for (String key : CHECKED_CONFIGS) {
            String expected = wanted.get(key);
            if (expected == null) {
                continue;
            }
            ConfigEntry entry = config.get(key);
            String actual = entry == null ? null : entry.value();
            if (!sameValue(key, expected, actual)) {
                String why = key.equals(TopicConfig.CLEANUP_POLICY_CONFIG)
                        ? (expected.equals(TopicConfig.CLEANUP_POLICY_COMPACT)
                                ? " (a latest-state output: deleted by age it would lose patients' current records)"
                                : " (compacted, it would keep only the last record per patient id)")
                        : "";
                problems.add(spec.name() + ": " + key + " is " + actual + ", should be " + expected + why
                        + ". Fix: kafka-configs.sh --bootstrap-server " + bootstrapServers
                        + " --alter --entity-type topics --entity-name " + spec.name() + " --add-config " + key + "="
                        + expected);
            }
        }
        return problems;
    }

    private static boolean sameValue(String key, String expected, String actual) {
        if (actual == null) {
            return false;
        }
        if (key.equals(TopicConfig.CLEANUP_POLICY_CONFIG)) {
            // A list: "compact,delete" is not "compact".
            return policies(expected).equals(policies(actual));
        }
        return expected.trim().equals(actual.trim());
    }

    private static Set<String> policies(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The kafka-topics.sh command that creates {@code topic} as specified. */
    static String createCommand(String bootstrapServers, NewTopic topic) {
        StringBuilder command = new StringBuilder("kafka-topics.sh --bootstrap-server ")
                .append(bootstrapServers)
                .append(" --create --topic ")
                .append(topic.name());
        if (topic.numPartitions() > 0) {
            command.append(" --partitions ").append(topic.numPartitions());
        }
        if (topic.replicationFactor() > 0) {
            command.append(" --replication-factor ").append(topic.replicationFactor());
        }
        new java.util.TreeMap<>(configsOf(topic))
                .forEach((k, v) ->
                        command.append(" --config ").append(k).append('=').append(v));
        return command.toString();
    }

    private static Map<String, String> configsOf(NewTopic topic) {
        return Optional.ofNullable(topic.configs()).orElse(Map.of());
    }

    /**
     * Waits until the topics just created show in the cluster's metadata. The controller answers a creation
     * once it is committed; a broker's metadata may show it a moment later, and a client that lists, produces
     * or subscribes in that moment would find it missing.
     */
    private static void awaitVisible(Admin admin, Set<String> created, long deadline) {
        while (!listTopics(admin, deadline).containsAll(created)) {
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(
                        "Created topics " + created + " did not show in the cluster's metadata in time");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for created topics to show", e);
            }
        }
    }

    /**
     * Waits until the leader of every partition of the topics just created has the partition: until each answers
     * a ListOffsets request, which the leader serves from the same partition state as a produce request. A broker
     * shows a new topic in its metadata a moment before it has created the partitions. An idempotent producer that
     * sends two requests to a partition in that moment can have the first refused (NOT_LEADER_OR_FOLLOWER) and the
     * second appended; every retry of the first is then refused as out of order until its delivery timeout
     * (KAFKA-15591, KAFKA-19880; seen with the 4.3.1 broker in CI: a replay right after creating its topics lost a
     * batch after 120 s). The admin client retries NOT_LEADER_OR_FOLLOWER itself, so one call waits out that moment.
     * A principal that may create topics but not describe them skips the wait (the race stays possible, not an error).
     */
    private static void awaitLeaders(Admin admin, Set<String> created, long deadline) {
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        try {
            for (TopicDescription topic : await(
                            admin.describeTopics(created, new DescribeTopicsOptions().timeoutMs(millisLeft(deadline)))
                                    .allTopicNames(),
                            deadline,
                            "describe the created topics")
                    .values()) {
                topic.partitions()
                        .forEach(p ->
                                partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
            }
            await(
                    admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(millisLeft(deadline)))
                            .all(),
                    deadline,
                    "reach the leaders of the created topics' partitions");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                log.debug("May not describe the created topics {}; not waiting for their leaders", created);
                return;
            }
            throw failure("reach the leaders of the created topics' partitions", e);
        }
    }

    private static Set<String> listTopics(Admin admin, long deadline) {
        ListTopicsOptions options = new ListTopicsOptions().listInternal(true).timeoutMs(millisLeft(deadline));
        try {
            return await(admin.listTopics(options).names(), deadline, "list topics");
        } catch (ExecutionException e) {
            throw failure("list topics", e);
        }
    }

    private static <T> T await(KafkaFuture<T> future, long deadline, String what) throws ExecutionException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not " + what + ": no answer from Kafka in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to " + what, e);
        }
    }

    private static IllegalStateException failure(String what, ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new IllegalStateException("Could not " + what + ": " + cause.getMessage(), cause);
    }

    private static int millisLeft(long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
    }
}
