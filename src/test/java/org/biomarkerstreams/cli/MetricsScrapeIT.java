package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a running demo over HTTP: every metric the dashboards and alert rules use is in
 * the scrape, and no patient id is. The scrape is saved as target/metrics-scrape.txt.
 */
class MetricsScrapeIT {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    /** The names other artifacts (Prometheus rules, the Grafana dashboard) rely on. */
    static final List<String> REQUIRED = List.of(
            "biomarker_records_in_total",
            "biomarker_records_accepted_total",
            "biomarker_records_dead_lettered_total",
            "biomarker_records_duplicates_total",
            "biomarker_readings_corrected_total",
            "biomarker_readings_retracted_total",
            "biomarker_hl7_messages_total",
            "biomarker_alerts_total",
            "biomarker_normalization_events_total",
            "biomarker_end_to_end_latency_seconds_bucket",
            "biomarker_end_to_end_latency_seconds_sum",
            "biomarker_end_to_end_latency_seconds_count",
            "biomarker_input_freshness_seconds",
            "biomarker_orphan_patients",
            "biomarker_orphan_readings",
            "kafka_consumer_fetch_manager_records_lag_max",
            "kafka_stream_thread_process_rate");

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningDemo demo;

    @AfterEach
    void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void shouldServeEveryPipelineAndStreamsMetricWithoutPatientIdsWhenDemoRuns() throws Exception {
        demo = RunningDemo.start(LIMIT, "--http-port", "0", "--mllp-port", "0", "--patients", "8", "--seed", "5");
        URI metrics = URI.create(demo.url() + "metrics");

        // The Kafka client metrics binder picks up new client metrics on a schedule.
        await("the Kafka Streams client metrics in the scrape").atMost(LIMIT).untilAsserted(() -> assertThat(
                        names(get(metrics, "text/plain").body()))
                .contains("kafka_consumer_fetch_manager_records_lag_max", "kafka_stream_thread_process_rate"));

        HttpResponse<String> text = get(metrics, "text/plain");
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "metrics-scrape.txt"), text.body());
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
        assertThat(names(text.body())).containsAll(REQUIRED);
        assertThat(text.body())
                .as("records were counted and their latency recorded")
                .containsPattern("biomarker_records_accepted_total\\{topic=\"[^\"]+\"} [1-9]")
                .containsPattern("biomarker_end_to_end_latency_seconds_count [1-9]")
                .containsPattern("biomarker_hl7_messages_total\\{outcome=\"[^\"]+\"} [1-9]");
        assertThat(text.body()).as("no patient id in any label").doesNotContain("SYN-");

        HttpResponse<String> openMetrics = get(metrics, "application/openmetrics-text; version=1.0.0");
        assertThat(openMetrics.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/openmetrics-text"));
        assertThat(openMetrics.body()).contains("biomarker_records_in_total").endsWith("# EOF\n");
    }

    private HttpResponse<String> get(URI uri, String accept) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sample names (with _total, _bucket, ... suffixes) of a text-format scrape. */
    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
