package org.biomarkerstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart in {@code helm/biomarker-streams}: {@code helm lint --strict} and {@code helm template} (helm-java,
 * in-process) for the defaults and for a production-like site, every rendered manifest read by the Kubernetes
 * models with unknown fields refused, and the {@code fail} guards for bad values.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm/biomarker-streams");
    private static final Path MINIMAL_VALUES = Path.of("src/test/resources/helm/minimal-values.yaml");
    private static final Path PRODUCTION_VALUES = Path.of("src/test/resources/helm/production-values.yaml");
    private static final Path MLLP_FROM_THE_LAB = Path.of("src/test/resources/helm/mllp-from-the-lab-values.yaml");
    private static final String RELEASE = "bs";
    private static final String NAMESPACE = "trials";

    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "StatefulSet", StatefulSet.class,
            "Service", Service.class,
            "ServiceAccount", ServiceAccount.class,
            "Secret", Secret.class,
            "ConfigMap", ConfigMap.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "NetworkPolicy", NetworkPolicy.class,
            "ServiceMonitor", ServiceMonitor.class);

    /**
     * The Kubernetes models keep unknown fields in an "additionalProperties" map (a Jackson any-setter), so
     * FAIL_ON_UNKNOWN_PROPERTIES alone would accept a misspelt field. Without the any-setter it cannot.
     */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("no-additional-properties")
                    .setDeserializerModifier(new BeanDeserializerModifier() {
                        @Override
                        public BeanDeserializerBuilder updateBuilder(
                                DeserializationConfig config,
                                BeanDescription description,
                                BeanDeserializerBuilder builder) {
                            if (description.getBeanClass().getName().startsWith("io.fabric8.")) {
                                builder.setAnySetter(null);
                                builder.setIgnoreUnknownProperties(false);
                            }
                            return builder;
                        }
                    }));

    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path temp;

    @Test
    void shouldPassStrictLintWhenDefaultsPlusRequiredValues() throws IOException {
        LintResult lint = lintWith(MINIMAL_VALUES);

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void shouldPassStrictLintWhenProductionValues() throws IOException {
        LintResult lint = lintWith(PRODUCTION_VALUES);

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    // helm lint runs the templates in lint mode, where `fail` only logs: the bare chart lints clean, and the
    // guards are checked through `helm template` below.
    @Test
    void shouldPassStrictLintWhenOnlyTheChartsOwnValues() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void shouldRenderOnlyKnownFieldsWhenDefaults() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));

        assertThat(r.kinds())
                .containsExactlyInAnyOrder(
                        "ServiceAccount", "Service", "Service", "StatefulSet", "PodDisruptionBudget", "NetworkPolicy");
    }

    @Test
    void shouldRenderOnlyKnownFieldsWhenProductionValues() {
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES));

        assertThat(r.kinds())
                .containsExactlyInAnyOrder(
                        "ServiceAccount",
                        "Service",
                        "Service",
                        "StatefulSet",
                        "PodDisruptionBudget",
                        "ConfigMap",
                        "ConfigMap",
                        "ServiceMonitor",
                        "NetworkPolicy");
    }

    @Test
    void shouldRefuseAMisspeltFieldWhenReadingManifestsStrictly() throws IOException {
        JsonNode statefulSet = YAML.readTree(
                """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          securityContext: {readOnlyRootFileSystem: true}
                """);

        assertThatThrownBy(() -> STRICT.treeToValue(statefulSet, StatefulSet.class))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .hasMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void shouldRunNonRootOnAReadOnlyRootFilesystemWithoutCapabilities() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        PodSpec pod = r.statefulSet().getSpec().getTemplate().getSpec();
        Container app = r.container();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(app.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(app.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(app.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(app.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(app.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(mountPath(app, "tmp")).contains("/tmp");
        assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();
    }

    @Test
    void shouldProbeReadyAndLiveOnThePlaintextHealthPortWhichNoServiceExposes() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        Container app = r.container();

        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(List.of(app.getReadinessProbe(), app.getLivenessProbe(), app.getStartupProbe()))
                .allSatisfy(probe -> {
                    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("health");
                    assertThat(probe.getHttpGet().getScheme()).as("plaintext").isNull();
                });
        assertThat(app.getPorts()).anyMatch(p -> p.getName().equals("http") && p.getContainerPort() == 8080);
        assertThat(app.getPorts()).anyMatch(p -> p.getName().equals("health") && p.getContainerPort() == 8081);
        assertThat(env(app, "BIOMARKER_HEALTH_PORT")).contains("8081");
        assertThat(r.manifests().stream()
                        .filter(Service.class::isInstance)
                        .map(Service.class::cast)
                        .flatMap(s -> s.getSpec().getPorts().stream()))
                .noneMatch(p -> p.getName().equals("health") || p.getPort() == 8081);
    }

    @Test
    void shouldKeepStateOnAPersistentVolumeClaimPerInstance() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        StatefulSet sts = r.statefulSet();

        assertThat(sts.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(pvc -> {
            assertThat(pvc.getMetadata().getName()).isEqualTo("state");
            assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                    .isEqualTo(new Quantity("10Gi"));
        });
        assertThat(mountPath(r.container(), "state")).contains("/var/lib/biomarker-streams");
        assertThat(env(r.container(), "BIOMARKER_STATE_DIR")).contains("/var/lib/biomarker-streams/state");
        assertThat(sts.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(60L);
    }

    @Test
    void shouldUseTheAppVersionAsPinnedImageTagWhenNoTagIsGiven() throws IOException {
        String appVersion = YAML.readTree(CHART.resolve("Chart.yaml").toFile())
                .get("appVersion")
                .asText();

        Container app = render(template().withValuesFile(MINIMAL_VALUES)).container();

        assertThat(app.getImage()).isEqualTo("biomarker-streams:" + appVersion).doesNotEndWith(":latest");
    }

    @Test
    void shouldAdvertiseEachPodThroughTheHeadlessService() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        Service headless = r.service("bs-biomarker-streams-headless");

        assertThat(r.statefulSet().getSpec().getServiceName()).isEqualTo("bs-biomarker-streams-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(env(r.container(), "BIOMARKER_HTTP_ADVERTISED_HOST"))
                .contains("$(POD_NAME).bs-biomarker-streams-headless.trials.svc.cluster.local");
        assertThat(r.container().getEnv().get(0).getName())
                .as("POD_NAME comes first so that $(POD_NAME) expands")
                .isEqualTo("POD_NAME");
        assertThat(r.service("bs-biomarker-streams").getSpec().getPorts())
                .anyMatch(p -> p.getName().equals("http") && p.getPort() == 8080);
    }

    @Test
    void shouldMakeEachPodAStaticMemberUnderItsOwnNameThatLeavesTheGroupOnSigterm() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        EnvVar instanceId = r.container().getEnv().stream()
                .filter(e -> e.getName().equals("BIOMARKER_INSTANCE_ID"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no BIOMARKER_INSTANCE_ID"));

        assertThat(instanceId.getValue())
                .as("from the downward API, not a value")
                .isNull();
        assertThat(instanceId.getValueFrom().getFieldRef().getFieldPath())
                .as("the pod's name: stable across its restarts, unique in the StatefulSet")
                .isEqualTo("metadata.name");
        assertThat(env(r.container(), "BIOMARKER_GROUP_MEMBERSHIP_ON_CLOSE")).contains("leave-group");
        assertThat(env(
                        render(template()
                                        .withValuesFile(MINIMAL_VALUES)
                                        .set("kafka.groupMembershipOnClose", "remain-in-group"))
                                .container(),
                        "BIOMARKER_GROUP_MEMBERSHIP_ON_CLOSE"))
                .contains("remain-in-group");
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("kafka.groupMembershipOnClose", "REMAIN_IN_GROUP")
                        .call())
                .hasMessageContaining("groupMembershipOnClose");
    }

    @Test
    void shouldConfigureSaslSslScramAndMutualTlsFromSecretsWhenProductionValues() {
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES));
        Container app = r.container();
        PodSpec pod = r.statefulSet().getSpec().getTemplate().getSpec();

        assertThat(r.statefulSet().getSpec().getReplicas()).isEqualTo(3);
        assertThat(env(app, "BIOMARKER_KAFKA_NUM_STANDBY_REPLICAS")).contains("1");
        assertThat(env(app, "BIOMARKER_KAFKA_SECURITY_PROTOCOL")).contains("SASL_SSL");
        assertThat(env(app, "BIOMARKER_KAFKA_SASL_MECHANISM")).contains("SCRAM-SHA-512");
        assertThat(secretRef(app, "BIOMARKER_KAFKA_SASL_JAAS_CONFIG"))
                .isEqualTo("biomarker-streams-kafka-scram/sasl.jaas.config");
        assertThat(env(app, "BIOMARKER_KAFKA_SSL_TRUSTSTORE_LOCATION"))
                .contains("/etc/biomarker-streams/kafka-tls/truststore.p12");
        assertThat(env(app, "BIOMARKER_KAFKA_SSL_KEYSTORE_LOCATION"))
                .contains("/etc/biomarker-streams/kafka-tls/keystore.p12");
        assertThat(secretRef(app, "BIOMARKER_KAFKA_SSL_KEYSTORE_PASSWORD"))
                .isEqualTo("biomarker-streams-kafka-tls/keystore.password");
        assertThat(env(app, "BIOMARKER_KAFKA_SCHEMA_REGISTRY_SSL_KEYSTORE_LOCATION"))
                .contains("/etc/biomarker-streams/kafka-tls/keystore.p12");
        assertThat(secretRef(app, "BIOMARKER_KAFKA_BASIC_AUTH_USER_INFO"))
                .isEqualTo("biomarker-streams-registry-auth/basic.auth.user.info");
        assertThat(volume(pod, "kafka-tls").getSecret().getItems())
                .extracting(KeyToPath::getKey)
                .containsExactly("truststore.p12", "keystore.p12");
        assertThat(mountPath(app, "kafka-tls")).contains("/etc/biomarker-streams/kafka-tls");
        assertThat(env(app, "BIOMARKER_KAFKA_MAX_POLL_RECORDS")).contains("500");
        assertThat(env(app, "BIOMARKER_KAFKA_REPLICATION_FACTOR")).contains("3");
        assertThat(env(app, "BIOMARKER_PROTOCOL")).contains("/etc/biomarker-streams/protocol/protocol.yaml");
        assertThat(secretRef(app, "BIOMARKER_BLINDING_KEY")).isEqualTo("biomarker-streams-blinding/blinding-key");
        assertThat(env(app, "JAVA_TOOL_OPTIONS"))
                .hasValueSatisfying(o ->
                        assertThat(o).startsWith("-XX:MaxRAMPercentage=40.0").contains("-XX:+UseG1GC"));
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .hasSize(1);
        assertThat(r.configMap("bs-biomarker-streams-protocol").getData().get("protocol.yaml"))
                .contains("name: site-a");
    }

    @Test
    void shouldMountThePseudonymKeyAsAFileFromItsSecretOnlyWhenOneIsGiven() {
        Rendered production = render(template().withValuesFile(PRODUCTION_VALUES));
        Container app = production.container();
        PodSpec pod = production.statefulSet().getSpec().getTemplate().getSpec();

        assertThat(env(app, "BIOMARKER_PSEUDONYM_KEY_FILE")).contains("/etc/biomarker-streams/pseudonym/pseudonym.key");
        assertThat(volume(pod, "pseudonym-key").getSecret().getSecretName()).isEqualTo("biomarker-streams-pseudonym");
        assertThat(volume(pod, "pseudonym-key").getSecret().getItems())
                .singleElement()
                .satisfies(item -> {
                    assertThat(item.getKey()).isEqualTo("pseudonym-key");
                    assertThat(item.getPath()).isEqualTo("pseudonym.key");
                });
        assertThat(mountPath(app, "pseudonym-key")).contains("/etc/biomarker-streams/pseudonym");

        assertThat(env(app, "BIOMARKER_IDENTIFIED_OUTPUTS")).isEmpty();

        Rendered identified = render(template()
                .withValuesFile(MINIMAL_VALUES)
                .set("pseudonymKey.existingSecret", "")
                .set("identifiedOutputs", "true"));
        assertThat(env(identified.container(), "BIOMARKER_PSEUDONYM_KEY_FILE")).isEmpty();
        assertThat(mountPath(identified.container(), "pseudonym-key")).isEmpty();
        assertThat(env(identified.container(), "BIOMARKER_IDENTIFIED_OUTPUTS")).contains("true");
    }

    @Test
    void shouldScrapeMetricsOfTheHttpServiceOnlyWhenServiceMonitorEnabled() {
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES));
        ServiceMonitor monitor = r.one(ServiceMonitor.class);
        Map<String, String> selector = monitor.getSpec().getSelector().getMatchLabels();

        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(e -> {
            assertThat(e.getPort()).isEqualTo("http");
            assertThat(e.getPath()).isEqualTo("/metrics");
            assertThat(e.getScheme()).isEqualTo("https");
            assertThat(e.getAuthorization().getType()).isEqualTo("Bearer");
            assertThat(e.getAuthorization().getCredentials().getName()).isEqualTo("biomarker-streams-metrics-token");
            assertThat(e.getAuthorization().getCredentials().getKey()).isEqualTo("token");
            assertThat(e.getTlsConfig().getCa().getSecret().getName()).isEqualTo("biomarker-streams-http-tls");
            assertThat(e.getTlsConfig().getCa().getSecret().getKey()).isEqualTo("ca.crt");
            assertThat(e.getTlsConfig().getServerName()).isEqualTo("bs-biomarker-streams.trials.svc");
            assertThat(e.getTlsConfig().getInsecureSkipVerify()).isNull();
        });
        assertThat(r.service("bs-biomarker-streams").getMetadata().getLabels()).containsAllEntriesOf(selector);
        assertThat(r.service("bs-biomarker-streams-headless")
                        .getMetadata()
                        .getLabels()
                        .entrySet())
                .as("scraping the headless Service too would count every instance twice")
                .doesNotContainAnyElementsOf(List.of(Map.entry("biomarker-streams/service", "http")));
        assertThat(selector).containsEntry("biomarker-streams/service", "http");
    }

    @Test
    void shouldLetOnlyTheInstancesAndPrometheusInAndOnlyDnsKafkaAndTheRegistryOutWhenDefaults() {
        NetworkPolicy policy = render(template().withValuesFile(MINIMAL_VALUES)).one(NetworkPolicy.class);
        Map<String, String> self =
                Map.of("app.kubernetes.io/name", "biomarker-streams", "app.kubernetes.io/instance", "bs");

        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(self);
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress())
                .as("HTTP from the other instances, /metrics from the monitoring namespace, nothing else")
                .hasSize(2)
                .allSatisfy(rule -> {
                    assertThat(rule.getFrom()).isNotEmpty();
                    assertThat(ports(rule.getPorts())).containsExactly("http/TCP");
                });
        assertThat(policy.getSpec().getIngress().get(0).getFrom())
                .singleElement()
                .satisfies(peer ->
                        assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(self));
        assertThat(policy.getSpec().getIngress().get(1).getFrom())
                .singleElement()
                .satisfies(peer -> {
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
                    assertThat(peer.getPodSelector()).isNull();
                });

        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress)
                .as("every egress rule names its destinations and ports: none is open to everywhere")
                .allSatisfy(rule -> {
                    assertThat(rule.getTo()).isNotEmpty();
                    assertThat(rule.getPorts()).isNotEmpty();
                });
        assertThat(egress)
                .extracting(rule -> ports(rule.getPorts()))
                .containsExactly(
                        List.of("53/UDP", "53/TCP"), List.of("8080/TCP"), List.of("9092/TCP"), List.of("8081/TCP"));
        assertThat(egress.get(0).getTo()).singleElement().satisfies(dns -> {
            assertThat(dns.getNamespaceSelector().getMatchLabels())
                    .containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
            assertThat(dns.getPodSelector().getMatchLabels()).containsExactly(Map.entry("k8s-app", "kube-dns"));
        });
        assertThat(egress.get(1).getTo()).singleElement().satisfies(peer -> assertThat(
                        peer.getPodSelector().getMatchLabels())
                .isEqualTo(self));
        assertThat(egress.get(2).getTo()).singleElement().satisfies(kafka -> assertThat(
                        kafka.getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "kafka")));
    }

    @Test
    void shouldLetTheIngressControllerInAndTheIdpOutWhenProductionValues() {
        NetworkPolicy policy =
                render(template().withValuesFile(PRODUCTION_VALUES)).one(NetworkPolicy.class);

        assertThat(policy.getSpec().getIngress().get(0).getFrom())
                .hasSize(2)
                .filteredOn(peer -> peer.getNamespaceSelector() != null)
                .singleElement()
                .satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
        assertThat(policy.getSpec().getEgress())
                .extracting(rule -> ports(rule.getPorts()))
                .contains(List.of("9093/TCP"), List.of("443/TCP"));
        assertThat(policy.getSpec().getEgress())
                .filteredOn(rule -> ports(rule.getPorts()).equals(List.of("443/TCP")))
                .singleElement()
                .satisfies(idp -> assertThat(idp.getTo()).singleElement().satisfies(peer -> assertThat(
                                peer.getIpBlock().getCidr())
                        .isEqualTo("10.0.40.10/32")));
    }

    @Test
    void shouldLetOnlyTheSourceRangesReachMllpAndTellTheListenerToWhenMllpEnabled() {
        Rendered r = render(template()
                .withValuesFile(MINIMAL_VALUES)
                .set("mllp.enabled", "true")
                .withValuesFile(MLLP_FROM_THE_LAB)
                .set("mllp.tls.existingSecret", "mllp-tls"));
        NetworkPolicy policy = r.one(NetworkPolicy.class);

        assertThat(policy.getSpec().getIngress())
                .filteredOn(rule -> ports(rule.getPorts()).equals(List.of("mllp/TCP")))
                .singleElement()
                .satisfies(rule -> assertThat(rule.getFrom())
                        .extracting(peer -> peer.getIpBlock().getCidr())
                        .containsExactly("10.20.30.0/24", "10.20.31.7/32"));
        assertThat(env(r.container(), "BIOMARKER_MLLP_ALLOW_CIDR")).contains("10.20.30.0/24,10.20.31.7/32");
        assertThat(env(r.container(), "BIOMARKER_MLLP_PORT")).contains("2575");
        assertThat(env(r.container(), "BIOMARKER_MLLP_TLS_CERT")).contains("/etc/biomarker-streams/mllp-tls/tls.crt");
        assertThat(env(r.container(), "BIOMARKER_MLLP_TLS_KEY")).contains("/etc/biomarker-streams/mllp-tls/tls.key");
        assertThat(env(r.container(), "BIOMARKER_MLLP_TLS_CLIENT_CA")).isEmpty();
    }

    @Test
    void shouldRequireMutualTlsSendersAndLimitsFromValuesWhenProductionValues() {
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES));
        Container app = r.container();
        PodSpec pod = r.statefulSet().getSpec().getTemplate().getSpec();

        assertThat(env(app, "BIOMARKER_MLLP_TLS_CLIENT_CA")).contains("/etc/biomarker-streams/mllp-tls/ca.crt");
        assertThat(volume(pod, "mllp-tls").getSecret().getSecretName()).isEqualTo("biomarker-streams-mllp-tls");
        assertThat(env(app, "BIOMARKER_MLLP_SENDERS")).contains("/etc/biomarker-streams/mllp-senders/mllp-senders");
        assertThat(r.configMap("bs-biomarker-streams-mllp-senders").getData().get("mllp-senders"))
                .contains("LAB^HOSPITAL");
        assertThat(env(app, "BIOMARKER_MLLP_MAX_CONNECTIONS")).contains("32");
        assertThat(env(app, "BIOMARKER_MLLP_IDLE_TIMEOUT")).contains("PT2M");
        assertThat(r.statefulSet().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("checksum/mllp-senders");
    }

    @Test
    void shouldRefuseBySchemaToExposeMllpWithoutSourceRanges() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("mllp.enabled", "true")
                        .set("mllp.tls.existingSecret", "mllp-tls")
                        .call())
                .hasMessageContaining("/mllp/sourceRanges")
                .hasMessageContaining("/mllp/from");
    }

    // The schema answers first; the guard stands where the schema is not checked (a parent chart's
    // --skip-schema-validation), and says what to do.
    @Test
    void shouldFailWithTheGuardMessageWhenMllpIsExposedWithoutSourceRanges() throws IOException {
        Path chart = temp.resolve("without-schema");
        copyTree(CHART, chart);
        Files.delete(chart.resolve("values.schema.json"));

        assertThatThrownBy(() -> new Helm(chart)
                        .template()
                        .withName(RELEASE)
                        .withNamespace(NAMESPACE)
                        .withValuesFile(MINIMAL_VALUES)
                        .set("mllp.enabled", "true")
                        .set("mllp.tls.existingSecret", "mllp-tls")
                        .call())
                .hasMessageContaining("mllp.enabled needs mllp.sourceRanges");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenMllpHasNoCertificateUnlessTlsIsExplicitlyOff() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("mllp.enabled", "true")
                        .withValuesFile(MLLP_FROM_THE_LAB)
                        .call())
                .hasMessageContaining("mllp.tls.enabled needs mllp.tls.existingSecret");

        Container plaintext = render(template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("mllp.enabled", "true")
                        .withValuesFile(MLLP_FROM_THE_LAB)
                        .set("mllp.tls.enabled", "false"))
                .container();
        assertThat(env(plaintext, "BIOMARKER_MLLP_TLS_CERT")).isEmpty();
        assertThat(mountPath(plaintext, "mllp-tls")).isEmpty();
    }

    @Test
    void shouldServeHttpsFromTheMountedCertificateDirectoryWhenDefaults() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        Container app = r.container();
        PodSpec pod = r.statefulSet().getSpec().getTemplate().getSpec();

        assertThat(env(app, "BIOMARKER_HTTP_TLS_CERT")).contains("/etc/biomarker-streams/http-tls/tls.crt");
        assertThat(env(app, "BIOMARKER_HTTP_TLS_KEY")).contains("/etc/biomarker-streams/http-tls/tls.key");
        assertThat(env(app, "BIOMARKER_HTTP_PEER_CA")).contains("/etc/biomarker-streams/http-tls/ca.crt");
        assertThat(env(app, "BIOMARKER_HTTP_BIND_ADDRESS")).contains("0.0.0.0");
        assertThat(env(app, "BIOMARKER_HTTP_INSECURE")).isEmpty();
        assertThat(volume(pod, "http-tls").getSecret().getSecretName()).isEqualTo("biomarker-streams-http-tls");
        assertThat(volume(pod, "http-tls").getSecret().getItems())
                .as("the whole Secret, so that renewed files replace the old ones")
                .isNullOrEmpty();
        assertThat(app.getVolumeMounts())
                .filteredOn(m -> m.getName().equals("http-tls"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/biomarker-streams/http-tls");
                    assertThat(m.getReadOnly()).isTrue();
                    assertThat(m.getSubPath())
                            .as("a subPath mount never sees a renewed certificate")
                            .isNull();
                });
    }

    @Test
    void shouldPassTheKeystoreAndItsPasswordFileWhenTlsFormatIsPkcs12() {
        Container app = render(template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("http.tls.format", "pkcs12")
                        .set("http.tls.peerCaKey", ""))
                .container();

        assertThat(env(app, "BIOMARKER_HTTP_TLS_KEYSTORE")).contains("/etc/biomarker-streams/http-tls/keystore.p12");
        assertThat(env(app, "BIOMARKER_HTTP_TLS_KEYSTORE_PASSWORD_FILE"))
                .contains("/etc/biomarker-streams/http-tls/keystore.password");
        assertThat(env(app, "BIOMARKER_HTTP_TLS_CERT")).isEmpty();
        assertThat(env(app, "BIOMARKER_HTTP_PEER_CA")).isEmpty();
    }

    @Test
    void shouldFailWithTheGuardMessageWhenNoCertificateUnlessPlaintextIsExplicit() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("http.tls.existingSecret", "")
                        .call())
                .hasMessageContaining("http.tls.existingSecret is required");

        Rendered plaintext = render(template()
                .withValuesFile(MINIMAL_VALUES)
                .set("http.tls.existingSecret", "")
                .set("http.insecure", "true"));
        assertThat(env(plaintext.container(), "BIOMARKER_HTTP_INSECURE")).contains("true");
        assertThat(env(plaintext.container(), "BIOMARKER_HTTP_TLS_CERT")).isEmpty();
        assertThat(mountPath(plaintext.container(), "http-tls")).isEmpty();
    }

    @Test
    void shouldPassOidcSettingsAndMountTheApiTokensFileWhenProductionValues() {
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES));
        Container app = r.container();
        PodSpec pod = r.statefulSet().getSpec().getTemplate().getSpec();

        assertThat(env(app, "BIOMARKER_OIDC_ISSUER")).contains("https://keycloak.hospital.example/realms/trials");
        assertThat(env(app, "BIOMARKER_OIDC_AUDIENCE")).contains("biomarker-streams");
        assertThat(env(app, "BIOMARKER_OIDC_ROLES_CLAIM")).contains("realm_access.roles");
        assertThat(env(app, "BIOMARKER_OIDC_DASHBOARD_CLIENT_ID")).contains("biomarker-dashboard");
        assertThat(env(app, "BIOMARKER_OIDC_JWKS_URI"))
                .as("discovered from the issuer")
                .isEmpty();
        assertThat(env(app, "BIOMARKER_API_TOKENS_FILE")).contains("/etc/biomarker-streams/api-tokens/api-tokens");
        assertThat(volume(pod, "api-tokens").getSecret().getSecretName()).isEqualTo("biomarker-streams-api-tokens");
        assertThat(volume(pod, "api-tokens").getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(mountPath(app, "api-tokens")).contains("/etc/biomarker-streams/api-tokens");
        assertThat(app.getVolumeMounts())
                .filteredOn(m -> m.getMountPath().startsWith("/etc/biomarker-streams"))
                .allSatisfy(m -> assertThat(m.getReadOnly()).as(m.getName()).isTrue());
    }

    @Test
    void shouldFailWithTheGuardMessageWhenNoAuthenticationIsConfigured() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("auth.apiTokens.existingSecret", "")
                        .call())
                .hasMessageContaining("authentication is required");
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("auth.oidc.issuer", "https://idp.example/realms/x")
                        .call())
                .hasMessageContaining("auth.oidc.issuer needs auth.oidc.audience");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenNoPseudonymKeyUnlessIdentifiedOutputsIsExplicit() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("pseudonymKey.existingSecret", "")
                        .call())
                .hasMessageContaining("pseudonymKey.existingSecret is required")
                .hasMessageContaining("identifiedOutputs=true");
    }

    @Test
    void shouldMountTheDeadLetterKeyAndFailWithoutOneUnlessPlaintextIsExplicit() {
        Rendered r = render(template().withValuesFile(MINIMAL_VALUES));
        assertThat(env(r.container(), "BIOMARKER_DEAD_LETTER_KEY_FILE"))
                .contains("/etc/biomarker-streams/dead-letter/dead-letter.key");
        assertThat(volume(r.statefulSet().getSpec().getTemplate().getSpec(), "dead-letter-key")
                        .getSecret()
                        .getSecretName())
                .isEqualTo("biomarker-streams-dead-letter");

        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("deadLetterKey.existingSecret", "")
                        .call())
                .hasMessageContaining("deadLetterKey.existingSecret is required");
        assertThat(env(
                        render(template()
                                        .withValuesFile(MINIMAL_VALUES)
                                        .set("deadLetterKey.existingSecret", "")
                                        .set("deadLetterKey.allowPlaintext", "true"))
                                .container(),
                        "BIOMARKER_DEAD_LETTER_KEY_FILE"))
                .isEmpty();
    }

    @Test
    void shouldFailWithTheGuardMessageWhenEgressHasNowhereToReachKafka() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("networkPolicy.egress.kafka.to", "null")
                        .call())
                .hasMessageContaining("networkPolicy.egress.kafka.to or networkPolicy.egress.kafka.cidrs is required");
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("auth.oidc.issuer", "https://idp.example/realms/x")
                        .set("auth.oidc.audience", "biomarker-streams")
                        .call())
                .hasMessageContaining("networkPolicy.egress.idp.to or networkPolicy.egress.idp.cidrs is required");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenServiceMonitorHasNoToken() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("metrics.serviceMonitor.enabled", "true")
                        .call())
                .hasMessageContaining("metrics.serviceMonitor.bearerTokenSecret.name");
    }

    @Test
    void shouldAllowOnlyTheServiceAndInstanceNamesAsHostHeadersWhenDefaults() {
        Container app = render(template().withValuesFile(MINIMAL_VALUES).set("replicaCount", "2"))
                .container();

        assertThat(env(app, "BIOMARKER_HTTP_ALLOWED_HOSTS")).hasValueSatisfying(hosts -> assertThat(hosts.split(","))
                .containsExactly(
                        "localhost",
                        "bs-biomarker-streams",
                        "bs-biomarker-streams.trials",
                        "bs-biomarker-streams.trials.svc",
                        "bs-biomarker-streams.trials.svc.cluster.local",
                        "bs-biomarker-streams-0.bs-biomarker-streams-headless.trials.svc.cluster.local",
                        "bs-biomarker-streams-1.bs-biomarker-streams-headless.trials.svc.cluster.local"));
    }

    @Test
    void shouldKeepSecretValuesOutOfConfigMapsAndThePodSpec() throws IOException {
        Path values = valuesFile(
                """
                kafka:
                  security:
                    protocol: SASL_SSL
                    sasl: {existingSecret: "", username: biomarker, password: canary-sasl-password}
                schemaRegistry:
                  basicAuth: {existingSecret: "", username: reg, password: canary-registry-password}
                """);
        Rendered r = render(template().withValuesFile(PRODUCTION_VALUES).withValuesFile(values));
        assertThat(decoded(r.one(Secret.class), "basic.auth.user.info")).isEqualTo("reg:canary-registry-password");

        List<String> readable = new ArrayList<>();
        for (HasMetadata manifest : r.manifests()) {
            if (!(manifest instanceof Secret)) {
                readable.add(YAML.writeValueAsString(manifest));
            }
        }
        assertThat(readable).noneMatch(yaml -> yaml.contains("canary-"));
        assertThat(r.manifests())
                .filteredOn(ConfigMap.class::isInstance)
                .map(m -> ((ConfigMap) m).getData())
                .allSatisfy(data -> assertThat(String.join("\n", data.values()))
                        .doesNotContain("PRIVATE KEY", "password", "token"));
        assertThat(r.container().getEnv())
                .filteredOn(e -> e.getName().matches(".*(PASSWORD|JAAS_CONFIG|USER_INFO|_KEY|TOKEN)$"))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getValue())
                        .as("%s is a Secret reference or a file path, never a value", e.getName())
                        .satisfiesAnyOf(
                                v -> assertThat(v).isNull(), v -> assertThat(v).startsWith("/etc/biomarker-streams/")));
    }

    @Test
    void shouldBuildTheJaasLineInTheChartSecretAndKeepPasswordsOutOfThePodWhenCredentialsAreValues()
            throws IOException {
        Path values = valuesFile(
                """
                kafka:
                  security:
                    protocol: SASL_SSL
                    sasl: {username: biomarker, password: 's3cr"et\\word'}
                schemaRegistry:
                  basicAuth: {enabled: true, username: reg, password: regpass}
                """);

        Rendered r = render(template().withValuesFile(MINIMAL_VALUES).withValuesFile(values));
        Secret secret = r.one(Secret.class);

        assertThat(decoded(secret, "sasl.jaas.config"))
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"biomarker\" password=\"s3cr\\\"et\\\\word\";");
        assertThat(decoded(secret, "basic.auth.user.info")).isEqualTo("reg:regpass");
        assertThat(secretRef(r.container(), "BIOMARKER_KAFKA_SASL_JAAS_CONFIG"))
                .isEqualTo("bs-biomarker-streams-credentials/sasl.jaas.config");
        assertThat(r.yaml(StatefulSet.class)).doesNotContain("regpass").doesNotContain("s3cr");
        assertThat(r.statefulSet().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("checksum/secret");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenBootstrapServersAreMissing() {
        assertThatThrownBy(() -> template()
                        .set("schemaRegistry.url", "http://registry:8081")
                        .call())
                .hasMessageContaining("kafka.bootstrapServers is required");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenSaslHasNoCredentials() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("kafka.security.protocol", "SASL_SSL")
                        .call())
                .hasMessageContaining("needs kafka.security.sasl.existingSecret");
    }

    @Test
    void shouldFailWithTheGuardMessageWhenAKafkaPropertyIsASecret() throws IOException {
        Path values = valuesFile("kafka: {config: {ssl.truststore.password: changeit}}\n");

        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .withValuesFile(values)
                        .call())
                .hasMessageContaining("kafka.config.ssl.truststore.password");
    }

    @Test
    void shouldRefuseTheLatestImageTag() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("image.tag", "latest")
                        .call())
                .hasMessageContaining("tag");
    }

    @Test
    void shouldRefuseAValueOfTheWrongTypeBySchema() {
        assertThatThrownBy(() -> template()
                        .withValuesFile(MINIMAL_VALUES)
                        .set("kafka.processingGuarantee", "exactly_once")
                        .call())
                .hasMessageContaining("processingGuarantee");
    }

    private static TemplateCommand template() {
        return new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    }

    /** helm-java's lint takes no values file: lint a copy of the chart whose values.yaml has them merged in. */
    private LintResult lintWith(Path valuesFile) throws IOException {
        Path chart = temp.resolve("biomarker-streams");
        copyTree(CHART, chart);
        @SuppressWarnings("unchecked")
        Map<String, Object> values = YAML.readValue(CHART.resolve("values.yaml").toFile(), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> overrides = YAML.readValue(valuesFile.toFile(), Map.class);
        YAML.writeValue(chart.resolve("values.yaml").toFile(), merge(values, overrides));
        return new Helm(chart).lint().strict().call();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overrides) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overrides.forEach((key, value) -> {
            if (value instanceof Map<?, ?> over && merged.get(key) instanceof Map<?, ?> under) {
                merged.put(key, merge((Map<String, Object>) under, (Map<String, Object>) over));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private Path valuesFile(String yaml) throws IOException {
        Path file = Files.createTempFile(temp, "values", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** Every document of the output, read strictly into the model of its kind. */
    private static Rendered render(TemplateCommand command) {
        String output = command.call();
        List<HasMetadata> manifests = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(output)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("kind").asText();
                assertThat(MODELS).as("a model for kind %s", kind).containsKey(kind);
                manifests.add(STRICT.treeToValue(doc, MODELS.get(kind)));
            }
        } catch (IOException e) {
            throw new AssertionError("rendered manifests are not what the Kubernetes models accept:\n" + output, e);
        }
        return new Rendered(output, manifests);
    }

    private record Rendered(String output, List<HasMetadata> manifests) {

        List<String> kinds() {
            return manifests.stream().map(HasMetadata::getKind).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found =
                    manifests.stream().filter(type::isInstance).map(type::cast).toList();
            assertThat(found).as("one %s", type.getSimpleName()).hasSize(1);
            return found.get(0);
        }

        StatefulSet statefulSet() {
            return one(StatefulSet.class);
        }

        Container container() {
            return statefulSet()
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
        }

        ConfigMap configMap(String name) {
            return manifests.stream()
                    .filter(ConfigMap.class::isInstance)
                    .map(ConfigMap.class::cast)
                    .filter(c -> c.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        }

        Service service(String name) {
            return manifests.stream()
                    .filter(Service.class::isInstance)
                    .map(Service.class::cast)
                    .filter(s -> s.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Service " + name));
        }

        String yaml(Class<? extends HasMetadata> type) {
            try {
                return YAML.writeValueAsString(one(type));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** "port/protocol" of each NetworkPolicyPort, named or numbered. */
    private static List<String> ports(List<NetworkPolicyPort> ports) {
        return ports.stream()
                .map(p -> (p.getPort().getStrVal() != null
                                ? p.getPort().getStrVal()
                                : String.valueOf(p.getPort().getIntVal()))
                        + "/" + p.getProtocol())
                .toList();
    }

    private static Optional<String> env(Container container, String name) {
        return container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .map(EnvVar::getValue)
                .findFirst();
    }

    private static String secretRef(Container container, String name) {
        EnvVar var = container.getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
        assertThat(var.getValue())
                .as("%s comes from a Secret, not a value", name)
                .isNull();
        var ref = var.getValueFrom().getSecretKeyRef();
        return ref.getName() + "/" + ref.getKey();
    }

    private static Optional<String> mountPath(Container container, String volume) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(volume))
                .map(VolumeMount::getMountPath)
                .findFirst();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
