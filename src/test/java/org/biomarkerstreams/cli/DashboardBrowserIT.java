package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.demo.SyntheticCohort;
import org.biomarkerstreams.streams.AvroJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: starts the demo, waits for its data, loads the dashboard in Debian's
 * headless Chromium and checks what was drawn (SVG from ECharts' SVG renderer), then saves a screenshot
 * as target/dashboard.png.
 */
class DashboardBrowserIT {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final List<String> ANALYTES = List.of("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO");

    @TempDir
    Path profile;

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningDemo demo;

    @AfterEach
    void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void shouldDrawCohortChartsRiskTableAndPatientViewWhenDemoHasData() throws Exception {
        String chromium = chromium();
        demo = RunningDemo.start(LIMIT, "--http-port", "0", "--mllp-port", "0", "--patients", "24", "--seed", "11");
        String url = demo.url();

        await("cohort visit summaries and curves of every analyte in the views")
                .atMost(LIMIT)
                .untilAsserted(() -> {
                    for (String analyte : ANALYTES) {
                        assertThat(rows(url + "api/cohort/visits?analyte=" + analyte, "visits"))
                                .isNotEmpty();
                        assertThat(rows(url + "api/cohort/normalization?analyte=" + analyte, "curves"))
                                .isNotEmpty();
                    }
                });
        String patient = "SYN-0001";
        assertThat(status(url + "api/patients/" + patient + "/trajectory")).isEqualTo(200);

        // The patient id travels in the fragment, never to the server.
        String page = url + "#patient=" + patient;
        String dom = run(chromium, "--dump-dom", "--virtual-time-budget=20000", "--window-size=1400,2600", page);

        for (String analyte : ANALYTES) {
            assertThat(svgPaths(dom, "visits-" + analyte))
                    .as("median/IQR chart of %s drawn", analyte)
                    .isGreaterThan(3);
            assertThat(svgPaths(dom, "km-" + analyte))
                    .as("Kaplan-Meier chart of %s drawn", analyte)
                    .isGreaterThan(2);
            assertThat(svgOf(dom, "visits-" + analyte))
                    .as("legend labels are the arm names")
                    .contains(">" + SyntheticCohort.MSC + "<", ">" + SyntheticCohort.CONTROL + "<");
        }
        assertThat(svgPaths(dom, "patient-CRP")).as("patient view drawn").isGreaterThan(1);
        String riskTable = between(dom, "class=\"km-risk-table\"", "</table>");
        assertThat(riskTable)
                .contains("<td>" + SyntheticCohort.MSC + "</td>", "<td>" + SyntheticCohort.CONTROL + "</td>")
                .contains("day 0", "day 28")
                .containsPattern("<td>\\d+</td>");
        assertThat(dom)
                .as("the log-rank test between the arms, computed by the cohort topology")
                .containsPattern("Log-rank \\(" + SyntheticCohort.CONTROL + " vs " + SyntheticCohort.MSC
                        + "\\): chi-square \\d");

        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        run(
                chromium,
                "--screenshot=" + screenshot,
                "--virtual-time-budget=20000",
                "--window-size=1400,2600",
                "--hide-scrollbars",
                page);
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(20_000);
    }

    private static String chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("headless Chromium is needed: apt-get install -y chromium (.ci/run installs it)");
    }

    /** Runs headless Chromium on a fresh profile; returns its standard output (the DOM for --dump-dom). */
    private String run(String chromium, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(profile, "chromium")));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(profile, "chromium", ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 2 minutes");
        }
        assertThat(process.exitValue()).as("chromium exit code").isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** The markup of the chart in the element with this id, up to the end of its SVG. */
    private static String svgOf(String dom, String id) {
        return between(dom, "id=\"" + id + "\"", "</svg>");
    }

    private static int svgPaths(String dom, String id) {
        Matcher m = Pattern.compile("<path[^>]*\\sd=\"M[^\"]+\"").matcher(svgOf(dom, id));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertThat(start).as("%s in the page", from).isNotNegative();
        int end = text.indexOf(to, start);
        assertThat(end).as("%s after %s", to, from).isPositive();
        return text.substring(start, end + to.length());
    }

    private List<?> rows(String url, String field) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return (List<?>) AvroJson.parse(r.body()).get(field);
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
