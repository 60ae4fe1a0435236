package org.biomarkerstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files in docker/ are valid for the tools that read them: docker-compose (Debian's
 * v1) parses compose.yaml with an env file like .env.example and refuses it without the Grafana admin
 * credentials, every port is published on loopback, promtool accepts prometheus.yml with its token
 * file and the alert rules, and the rules' unit tests (docker/alert-rules-test.yml) pass. Needs docker-compose and prometheus from Debian's packages.
 */
class DeploymentConfigIT {

    static final Path DOCKER = Path.of("docker");
    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final ExternalCommand COMPOSE =
            new ExternalCommand("docker-compose", "install Debian's docker-compose (apt-get install docker-compose)");
    static final ExternalCommand PROMTOOL = new ExternalCommand(
            "promtool", "install Debian's prometheus, which brings promtool (apt-get install prometheus)");
    /** Variables compose would read from this JVM's environment in preference to the env file. */
    static final Set<String> COMPOSE_VARIABLES = Set.of("GRAFANA_ADMIN_USER", "GRAFANA_ADMIN_PASSWORD");

    static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path temp;

    /** docker-compose with only {@code envFile} for the variables (never docker/.env, never this environment). */
    static ExternalCommand.Result compose(Path envFile, String... args) {
        List<String> command = new ArrayList<>(List.of(
                "-f",
                "docker/compose.yaml",
                "--env-file",
                envFile.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return COMPOSE.run(Path.of("."), TIMEOUT, COMPOSE_VARIABLES, command.toArray(String[]::new));
    }

    private String composedConfig() throws IOException {
        Path envFile = Files.copy(DOCKER.resolve(".env.example"), temp.resolve("example.env"));
        return compose(envFile, "config").requireSuccess().output();
    }

    /** prometheus.yml and the rules it loads, in a directory of their own (docker/secrets/ is not in git). */
    private static Path prometheusConfigIn(Path temp) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("prometheus"));
        Files.copy(DOCKER.resolve("prometheus.yml"), dir.resolve("prometheus.yml"));
        Files.copy(DOCKER.resolve("alert-rules.yml"), dir.resolve("alert-rules.yml"));
        return dir;
    }

    @Test
    void shouldParseComposeFileWhenTheEnvFileIsACopyOfTheExample() throws IOException {
        Path envFile = Files.copy(DOCKER.resolve(".env.example"), temp.resolve(".env"));

        compose(envFile, "config", "-q").requireSuccess();
    }

    @Test
    void shouldRefuseComposeFileWhenNoGrafanaAdminPasswordIsSet() throws IOException {
        Path envFile = Files.writeString(temp.resolve(".env"), "GRAFANA_ADMIN_USER=someone\n");

        ExternalCommand.Result result = compose(envFile, "config", "-q");

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("set GRAFANA_ADMIN_PASSWORD in docker/.env");
    }

    @Test
    void shouldRefuseComposeFileWhenNoGrafanaAdminUserIsSet() throws IOException {
        Path envFile = Files.writeString(temp.resolve(".env"), "");

        ExternalCommand.Result result = compose(envFile, "config", "-q");

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("set GRAFANA_ADMIN_USER in docker/.env");
    }

    @Test
    void shouldResolveServicesAndRunTheAppAgainstKafkaAndRegistryWhenComposed() throws IOException {
        String config = composedConfig();

        assertThat(config)
                .contains("kafka:", "schema-registry:", "biomarker-streams:", "prometheus:", "grafana:")
                .contains("BIOMARKER_BOOTSTRAP_SERVERS: kafka:9092")
                .contains("BIOMARKER_SCHEMA_REGISTRY_URL: http://schema-registry:8081")
                .contains("read_only: true");
    }

    @Test
    void shouldPublishEveryPortOnTheHostsLoopbackOnlyWhenComposed() throws IOException {
        JsonNode services = YAML.readTree(composedConfig()).path("services");

        List<String> published = new ArrayList<>();
        services.forEach(service -> service.path("ports").forEach(port -> published.add(port.asText())));

        assertThat(published)
                .contains("127.0.0.1:8080:8080/tcp", "127.0.0.1:2575:2575/tcp")
                .allSatisfy(port -> assertThat(port).startsWith("127.0.0.1:"));
    }

    @Test
    void shouldRestartTheAppAsTheSameStaticGroupMemberWhenComposed() throws IOException {
        JsonNode env = YAML.readTree(composedConfig())
                .path("services")
                .path("biomarker-streams")
                .path("environment");

        assertThat(env.path("BIOMARKER_INSTANCE_ID").asText()).isEqualTo("biomarker-streams");
    }

    @Test
    void shouldRunTheAppWithApiTokensAndPhiKeysFromSecretFilesWhenComposed() throws IOException {
        JsonNode config = YAML.readTree(composedConfig());
        JsonNode app = config.path("services").path("biomarker-streams");
        JsonNode env = app.path("environment");

        assertThat(env.path("BIOMARKER_API_TOKENS_FILE").asText()).isEqualTo("/run/secrets/api-tokens");
        assertThat(env.path("BIOMARKER_PSEUDONYM_KEY_FILE").asText()).isEqualTo("/run/secrets/pseudonym-key");
        assertThat(env.path("BIOMARKER_DEAD_LETTER_KEY_FILE").asText()).isEqualTo("/run/secrets/dead-letter-key");
        assertThat(env.path("BIOMARKER_HEALTH_PORT").asText()).isEqualTo("8081");
        assertThat(app.path("secrets").findValuesAsText("source"))
                .containsExactlyInAnyOrder("api-tokens", "pseudonym-key", "dead-letter-key");
        assertThat(config.path("secrets").findValuesAsText("file"))
                .allSatisfy(file -> assertThat(file).contains("/docker/secrets/"));
        assertThat(app.path("healthcheck").path("test").toString()).contains("/dev/tcp/127.0.0.1/8081");
    }

    @Test
    void shouldAcceptPrometheusConfigWithItsRulesAndTokenFileWhenCheckedByPromtool() throws IOException {
        Path dir = prometheusConfigIn(temp);
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/prometheus-token"), "a-token-for-the-check\n");

        String output = PROMTOOL.run(dir, TIMEOUT, "check", "config", "prometheus.yml")
                .requireSuccess()
                .output();

        assertThat(output).contains("SUCCESS").contains("alert-rules.yml");
    }

    @Test
    void shouldRefusePrometheusConfigWhenTheTokenFileIsMissing() throws IOException {
        Path dir = prometheusConfigIn(temp);

        ExternalCommand.Result result = PROMTOOL.run(dir, TIMEOUT, "check", "config", "prometheus.yml");

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("secrets/prometheus-token");
    }

    @Test
    void shouldScrapeMetricsWithABearerTokenFromAFile() throws IOException {
        JsonNode job = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile())
                .path("scrape_configs")
                .path(0);

        assertThat(job.path("job_name").asText()).isEqualTo("biomarker-streams");
        assertThat(job.path("authorization").path("type").asText()).isEqualTo("Bearer");
        assertThat(job.path("authorization").path("credentials_file").asText()).isEqualTo("secrets/prometheus-token");
        assertThat(job.path("authorization").has("credentials"))
                .as("no token in the file itself")
                .isFalse();
    }

    @Test
    void shouldAcceptAlertRulesWhenCheckedByPromtool() {
        String output = PROMTOOL.run(DOCKER, TIMEOUT, "check", "rules", "alert-rules.yml")
                .requireSuccess()
                .output();

        assertThat(output).contains("SUCCESS: 6 rules found");
    }

    @Test
    void shouldFireEachAlertOnlyWhenItsConditionHoldsLongEnough() {
        String output = PROMTOOL.run(DOCKER, TIMEOUT, "test", "rules", "alert-rules-test.yml")
                .requireSuccess()
                .output();

        assertThat(output).contains("SUCCESS");
    }

    @Test
    void shouldQueryOnlyTheProvisionedPrometheusDatasourceWhenDashboardLoads() throws IOException {
        JsonNode dashboard = new ObjectMapper()
                .readTree(DOCKER.resolve("grafana/dashboards/biomarker-streams.json")
                        .toFile());

        List<String> datasources = new ArrayList<>();
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                datasources.add(target.path("datasource").path("uid").asText());
                expressions.add(target.path("expr").asText());
            }
        }

        assertThat(datasources).isNotEmpty().containsOnly("prometheus");
        assertThat(String.join("\n", expressions))
                .contains("biomarker_records_in_total", "biomarker_records_dead_lettered_total")
                .contains("kafka_consumer_fetch_manager_records_lag_max")
                .contains("biomarker_end_to_end_latency_seconds_bucket", "biomarker_input_freshness_seconds");
        assertThat(expressions).allSatisfy(expr -> assertThat(expr).isNotBlank());
    }
}
