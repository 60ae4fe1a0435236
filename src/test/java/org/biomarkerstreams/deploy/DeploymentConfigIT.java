package org.biomarkerstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deployment files in docker/ are valid for the tools that read them: docker-compose (Debian's
 * v1) parses compose.yaml, promtool accepts prometheus.yml and the alert rules, and the rules' unit
 * tests (docker/alert-rules-test.yml) pass. Needs docker-compose and prometheus from Debian's packages.
 */
class DeploymentConfigIT {

    static final Path DOCKER = Path.of("docker");
    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final ExternalCommand COMPOSE =
            new ExternalCommand("docker-compose", "install Debian's docker-compose (apt-get install docker-compose)");
    static final ExternalCommand PROMTOOL = new ExternalCommand(
            "promtool", "install Debian's prometheus, which brings promtool (apt-get install prometheus)");

    @Test
    void shouldParseComposeFileWhenCheckedByDockerCompose() {
        COMPOSE.run(Path.of("."), TIMEOUT, "-f", "docker/compose.yaml", "config", "-q")
                .requireSuccess();
    }

    @Test
    void shouldResolveServicesAndRunTheAppAgainstKafkaAndRegistryWhenComposed() {
        String config = COMPOSE.run(Path.of("."), TIMEOUT, "-f", "docker/compose.yaml", "config")
                .requireSuccess()
                .output();

        assertThat(config)
                .contains("kafka:", "schema-registry:", "biomarker-streams:", "prometheus:", "grafana:")
                .contains("BIOMARKER_BOOTSTRAP_SERVERS: kafka:9092")
                .contains("BIOMARKER_SCHEMA_REGISTRY_URL: http://schema-registry:8081")
                .contains("read_only: true");
    }

    @Test
    void shouldAcceptPrometheusConfigWithItsRulesWhenCheckedByPromtool() {
        String output = PROMTOOL.run(DOCKER, TIMEOUT, "check", "config", "prometheus.yml")
                .requireSuccess()
                .output();

        assertThat(output).contains("SUCCESS").contains("alert-rules.yml");
    }

    @Test
    void shouldAcceptAlertRulesWhenCheckedByPromtool() {
        String output = PROMTOOL.run(DOCKER, TIMEOUT, "check", "rules", "alert-rules.yml")
                .requireSuccess()
                .output();

        assertThat(output).contains("SUCCESS: 5 rules found");
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
