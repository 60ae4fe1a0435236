package org.biomarkerstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The container image, built the way CI can without a Docker engine or a registry: a Debian bookworm
 * base with Debian's JRE 17 made by mmdebstrap and {@code podman import}, the image built by podman
 * from docker/Dockerfile, started with its default command (the embedded demo) on a read-only root
 * filesystem, and scraped by Debian's Prometheus. Slow (minutes on a cold base), so only with
 * {@code -Dcontainer.tests=true}; needs root, podman, runc, mmdebstrap and prometheus (.ci/run).
 */
@EnabledIfSystemProperty(named = "container.tests", matches = "true")
class ContainerImageIT {

    static final String BASE_IMAGE = "localhost/biomarker-streams-base:bookworm-jre17";
    static final String IMAGE = "localhost/biomarker-streams:it";
    static final String CONTAINER = "biomarker-streams-it";
    static final Path ROOT = Path.of(".");
    static final Path WORK = Path.of("target", "container-it");
    static final ExternalCommand PODMAN =
            new ExternalCommand("podman", "install Debian's podman and runc (apt-get install podman runc)");
    static final ExternalCommand MMDEBSTRAP =
            new ExternalCommand("mmdebstrap", "install Debian's mmdebstrap (apt-get install mmdebstrap)");
    static final ExternalCommand PROMETHEUS =
            new ExternalCommand("prometheus", "install Debian's prometheus (apt-get install prometheus)");
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static int httpPort;

    @BeforeAll
    static void buildImageAndStartDemo() throws IOException {
        Files.createDirectories(WORK);
        assertThat(Path.of("target", "biomarker-streams.jar"))
                .as("the shaded jar the Dockerfile copies (package phase)")
                .exists();
        if (PODMAN.run(ROOT, Duration.ofSeconds(30), "image", "exists", BASE_IMAGE)
                        .exitCode()
                != 0) {
            Path rootfs = WORK.resolve("base.tar");
            MMDEBSTRAP
                    .run(
                            ROOT,
                            Duration.ofMinutes(15),
                            "--variant=minbase",
                            "--include=openjdk-17-jre-headless",
                            "--aptopt=Acquire::Retries \"3\"",
                            "bookworm",
                            rootfs.toString(),
                            System.getProperty("container.debian.mirror", "http://deb.debian.org/debian"))
                    .requireSuccess();
            PODMAN.run(ROOT, Duration.ofMinutes(5), "import", rootfs.toString(), BASE_IMAGE)
                    .requireSuccess();
            Files.delete(rootfs);
        }
        PODMAN.run(
                        ROOT,
                        Duration.ofMinutes(10),
                        "build",
                        "--pull=never",
                        // docker format keeps the image's HEALTHCHECK (OCI has no such field)
                        "--format=docker",
                        "--build-arg",
                        "BASE_IMAGE=" + BASE_IMAGE,
                        "-f",
                        "docker/Dockerfile",
                        "-t",
                        IMAGE,
                        ".")
                .requireSuccess();

        PODMAN.run(ROOT, Duration.ofMinutes(1), "rm", "-f", "--ignore", CONTAINER);
        httpPort = freePort();
        // The image as shipped: default command (the demo on 8080 and MLLP 2575), read-only root
        // filesystem (podman then mounts /tmp as tmpfs; the state dir is an anonymous volume), a memory
        // limit for the container-aware heap; only the HTTP port is published, on loopback.
        PODMAN.run(
                        ROOT,
                        Duration.ofMinutes(1),
                        "run",
                        "-d",
                        "--name",
                        CONTAINER,
                        "--read-only",
                        "--memory=1g",
                        "-p",
                        "127.0.0.1:" + httpPort + ":8080",
                        IMAGE)
                .requireSuccess();
        await("the demo in the container reports ready (embedded broker, topology RUNNING)")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(get("/health/ready").statusCode())
                        .as(ContainerImageIT::containerLogs)
                        .isEqualTo(200));
    }

    @AfterAll
    static void stopDemo() {
        if (httpPort != 0) {
            try {
                Files.writeString(
                        WORK.resolve("container.log"),
                        PODMAN.run(ROOT, Duration.ofMinutes(1), "logs", CONTAINER)
                                .output());
            } catch (IOException e) {
                // The log is for reading after a failure; losing it must not hide the test result.
            }
            PODMAN.run(ROOT, Duration.ofMinutes(1), "rm", "-f", "-t", "40", CONTAINER);
        }
    }

    @Test
    void shouldAnswerLivenessWhenDemoRunsOnReadOnlyRootFilesystem() throws Exception {
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        String inspect = PODMAN.run(
                        ROOT,
                        Duration.ofSeconds(30),
                        "inspect",
                        "--format",
                        "{{.HostConfig.ReadonlyRootfs}}",
                        CONTAINER)
                .requireSuccess()
                .output();
        assertThat(inspect.strip()).isEqualTo("true");
    }

    @Test
    void shouldRunAsUnprivilegedFixedUidWhenStartedWithDefaults() {
        String id = PODMAN.run(ROOT, Duration.ofSeconds(30), "exec", CONTAINER, "id", "-u")
                .requireSuccess()
                .output();
        assertThat(id.strip()).isEqualTo("10001");
    }

    @Test
    void shouldServePrometheusMetricsWhenDemoRuns() throws Exception {
        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE ").contains("biomarker_");
    }

    @Test
    void shouldFindEveryMetricTheDashboardAndAlertsUseWhenPrometheusScrapesTheDemo() throws Exception {
        Set<String> used = metricNamesUsedByDashboardAndRules();
        int prometheusPort = freePort();
        Path config = WORK.resolve("prometheus.yml");
        Files.writeString(
                config,
                """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: biomarker-streams
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """
                        .formatted(httpPort));
        Path data = Files.createTempDirectory(WORK, "prometheus-data");
        Process prometheus = new ProcessBuilder(
                        PROMETHEUS.require().toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + data,
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("prometheus.log").toFile())
                .start();
        try {
            URI api = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/");
            await("Prometheus has scraped the demo at least twice (rates need two samples)")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> assertThat(query(api, "count_over_time(up{job=\"biomarker-streams\"}[1m]) >= 2"))
                                    .isNotEmpty());
            assertThat(query(api, "up{job=\"biomarker-streams\"} == 1"))
                    .as(() -> "the scrape of /metrics succeeds; Prometheus' last scrape error: " + lastScrapeError(api))
                    .isNotEmpty();

            Set<String> scraped = new TreeSet<>();
            JsonNode names = json(api.resolve("label/__name__/values"));
            names.path("data").forEach(n -> scraped.add(n.asText()));

            assertThat(scraped)
                    .as("metric names in Prometheus after scraping the demo; the dashboard and rules use %s", used)
                    .containsAll(used);
        } finally {
            prometheus.destroy();
            prometheus.waitFor();
        }
    }

    /** Every metric name in the Grafana dashboard's queries and the alert rules' expressions. */
    static Set<String> metricNamesUsedByDashboardAndRules() throws IOException {
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("docker/grafana/dashboards/biomarker-streams.json")
                        .toFile());
        dashboard.path("panels").forEach(p -> p.path("targets")
                .forEach(t -> expressions.add(t.path("expr").asText())));
        for (String line : Files.readAllLines(Path.of("docker/alert-rules.yml"))) {
            if (!line.strip().startsWith("summary:") && !line.strip().startsWith("description:")) {
                expressions.add(line);
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b((?:biomarker|kafka)_[a-z0-9_]+)\\b").matcher(String.join("\n", expressions));
        while (m.find()) {
            names.add(m.group(1));
        }
        names.add("up");
        return names;
    }

    static String lastScrapeError(URI api) {
        try {
            List<String> errors = new ArrayList<>();
            json(api.resolve("targets"))
                    .path("data")
                    .path("activeTargets")
                    .forEach(t -> errors.add(t.path("lastError").asText()));
            return String.join("; ", errors);
        } catch (Exception e) {
            return "(targets unavailable: " + e + ")";
        }
    }

    static JsonNode query(URI api, String promql) throws Exception {
        return json(api.resolve("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .path("data")
                .path("result");
    }

    static JsonNode json(URI uri) throws Exception {
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String containerLogs() {
        return PODMAN.run(ROOT, Duration.ofSeconds(30), "logs", "--tail", "40", CONTAINER)
                .output();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
