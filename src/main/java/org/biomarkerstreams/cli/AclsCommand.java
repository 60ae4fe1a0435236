package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.biomarkerstreams.app.AccessControlList;
import org.biomarkerstreams.app.ClusterProbe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "acls",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the Kafka ACLs a principal needs to run parts of the application on a cluster with an authorizer,",
            "for the topic names and application id given as to 'run' (give the same --*-topic options).",
            "Roles: run (the topology), create-topics (only if 'run' is to create missing topics), audit (the HTTP",
            "server's audit records), ingest-hl7 (also 'run --mllp-port'), replay, replay-dlq (replay --from-dlq), export.",
            "With --apply, creates them through the Admin API (the --config principal needs ALTER on the cluster)."
        })
final class AclsCommand extends ClusterCommand implements Callable<Integer> {

    /** How to print the ACLs. */
    enum Format {
        table,
        kafka_acls
    }

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);

    @Option(
            names = "--principal",
            required = true,
            paramLabel = "TYPE:NAME",
            description = "The principal as the brokers' authorizer sees the application: User:<SASL user name>, or"
                    + " User:<certificate's distinguished name> under mTLS (after ssl.principal.mapping.rules).")
    String principal;

    @Option(
            names = "--application-id",
            defaultValue = "biomarker-streams",
            description = "As given to 'run' (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--audit-topic",
            defaultValue = "patient-access-audit",
            description = "Where the HTTP server writes its audit records (default: ${DEFAULT-VALUE}).")
    String auditTopic;

    @Option(
            names = "--role",
            split = ",",
            paramLabel = "ROLE",
            defaultValue = "run,audit",
            description = "What the principal does: run, create-topics, audit, ingest-hl7, replay, replay-dlq, export;"
                    + " several separated by commas (default: ${DEFAULT-VALUE}).")
    List<String> roles;

    @Option(
            names = "--format",
            defaultValue = "table",
            converter = FormatConverter.class,
            description = "table, or kafka-acls for kafka-acls.sh --add command lines (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = "--apply",
            description = "Create the ACLs on the --bootstrap-servers cluster, as the principal of --config.")
    boolean apply;

    @Override
    public Integer call() {
        AccessControlList acls = AccessControlList.of(
                principal,
                new AccessControlList.Names(pipeline.topics(), applicationId, auditTopic),
                roles.stream().map(AccessControlList.Role::of).toList());
        PrintWriter out = out();
        if (format == Format.kafka_acls) {
            acls.kafkaAclsCommands(Optional.ofNullable(kafka.hasCluster() ? kafka.bootstrapServers : null))
                    .forEach(out::println);
        } else {
            out.print(acls.table());
        }
        if (apply) {
            // Fails fast (exit 3) naming the address and cause, where the admin client would wait a minute.
            ClusterProbe.check(kafka.requireBootstrapServers(), kafka.clientProperties(), Optional.empty());
            Properties p = new Properties();
            p.putAll(kafka.clientProperties());
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.requireBootstrapServers());
            try (Admin admin = Admin.create(p)) {
                acls.createOn(admin, APPLY_TIMEOUT);
            }
            out.printf("Created %d ACLs for %s%n", acls.bindings().size(), principal);
        }
        out.flush();
        return 0;
    }

    /** Accepts {@code kafka-acls} as the option is spelled. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format " + value + ": expected table or kafka-acls");
            }
        }
    }
}
