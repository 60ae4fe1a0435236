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
                        "ServiceAccount", "Service", "Service", "StatefulSet", "PodDisruptionBudget");
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
    void shouldProbeReadyAndLiveOnTheHttpPort() {
        Container app = render(template().withValuesFile(MINIMAL_VALUES)).container();

        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(app.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(app.getPorts()).anyMatch(p -> p.getName().equals("http") && p.getContainerPort() == 8080);
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
        assertThat(r.one(ConfigMap.class).getData().get("protocol.yaml")).contains("name: site-a");
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

        Rendered minimal = render(template().withValuesFile(MINIMAL_VALUES));
        assertThat(env(minimal.container(), "BIOMARKER_PSEUDONYM_KEY_FILE")).isEmpty();
        assertThat(mountPath(minimal.container(), "pseudonym-key")).isEmpty();
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
    void shouldLetPeersAndTheGivenNamespacesInWhenNetworkPolicyEnabled() {
        NetworkPolicy policy =
                render(template().withValuesFile(PRODUCTION_VALUES)).one(NetworkPolicy.class);

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress().get(0).getFrom()).hasSize(3);
        assertThat(policy.getSpec().getEgress()).anyMatch(rule -> rule.getPorts().stream()
                .anyMatch(p -> p.getPort().getIntVal() == 53));
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
