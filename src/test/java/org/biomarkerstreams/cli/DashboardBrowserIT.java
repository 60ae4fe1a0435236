package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.protocol.ProtocolFile;
import org.biomarkerstreams.security.HeadlessChromium;
import org.biomarkerstreams.streams.AvroJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser: starts the demo of a seed protocol that counts CDISC study days (ADY, no day
 * 0), waits for its data, opens the dashboard in Debian's headless Chromium and reads what was drawn over the
 * DevTools protocol ({@link HeadlessChromium}): the rendered SVG of ECharts' SVG renderer and the layout boxes of the page. It clicks each
 * download button and reads the file the page hands to the browser. Saves a screenshot as target/dashboard.png.
 */
class DashboardBrowserIT {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final String PROTOCOL = "seed-002";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pixels a number-at-risk cell may be off its day's tick label (sub-pixel text metrics). */
    private static final double ALIGNED_PX = 2.0;

    @TempDir
    Path profile;

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningDemo demo;
    private HeadlessChromium browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void shouldExplainEveryChartWhenTheDemoOfAnAdyProtocolHasData() throws Exception {
        HeadlessChromium.binary();
        ProtocolFile.Loaded file = ProtocolFile.load(PROTOCOL, Map.of());
        demo = RunningDemo.start(LIMIT, "--http-port", "0", "--mllp-port", "0", "--protocol", PROTOCOL, "--seed", "11");
        String url = demo.url();
        List<String> analytes = primaryAnalytes(url);
        List<String> withData = new ArrayList<>();
        await("cohort visit summaries of the analytes with data in the views")
                .atMost(LIMIT)
                .untilAsserted(() -> {
                    withData.clear();
                    for (String analyte : analytes) {
                        if (hasData(url, analyte)) {
                            withData.add(analyte);
                        }
                    }
                    assertThat(withData).contains("CRP");
                });
        List<String> withoutData =
                analytes.stream().filter(a -> !withData.contains(a)).toList();
        assertThat(withoutData)
                .as("the default profile's PCT and WBC have no demo data")
                .isNotEmpty();
        String patient = "SYN-0001";
        assertThat(status(url + "api/patients/" + patient + "/trajectory")).isEqualTo(200);
        List<?> ttn = (List<?>)
                json(url + "api/patients/" + patient + "/time-to-normalization").get("timeToNormalization");
        assertThat(ttn)
                .as("per analyte: status, aval, cnsr, event date, ady, evntdesc, provisional")
                .isNotEmpty()
                .allSatisfy(t -> assertThat(((Map<?, ?>) t)
                                .keySet().stream().map(String::valueOf).toList())
                        .contains("analyte", "status", "aval", "cnsr", "adt", "ady", "evntdesc", "provisional"));

        // The patient id travels in the fragment, never to the server.
        browser = HeadlessChromium.start(profile.resolve("chromium"), List.of());
        browser.navigate(url + "#patient=" + patient);
        await("the dashboard to draw the cohort and the patient")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> browser.evaluate("Number(document.body.dataset.rendered || 0) >= 1"
                                + " && document.querySelectorAll('#analytes .analyte').length >= "
                                + withData.size()
                                + " && !!document.querySelector('#patient-CRP svg')")
                        .asBoolean());
        JsonNode page = JSON.readTree(browser.evaluate(PAGE_PROBE).asText());

        // Study, arms, day convention.
        assertThat(page.get("title").asText()).isEqualTo(file.title());
        assertThat(page.get("arms")).extracting(JsonNode::asText).containsExactlyElementsOf(file.arms());
        assertThat(page.get("detail").asText())
                .contains("ADY", "type " + file.protocol().quantileType().number());

        // Analytes without data are named, not drawn.
        assertThat(page.get("cards")).extracting(JsonNode::asText).containsExactlyElementsOf(withData);
        assertThat(page.get("noData").asText()).contains(withoutData);

        for (String analyte : withData) {
            JsonNode a = page.get("analytes").get(analyte);
            assertThat(a.get("medianSeries"))
                    .as("%s: one median series per arm", analyte)
                    .hasSize(file.arms().size());
            assertThat(a.get("medianSeries")).extracting(JsonNode::asText).containsExactlyElementsOf(file.arms());
            for (String arm : file.arms()) {
                assertThat(a.get("visitTexts"))
                        .extracting(JsonNode::asText)
                        .as("legend")
                        .contains(arm);
            }
            List<String> dayTicks = texts(a.get("visitTicks"));
            assertThat(dayTicks)
                    .as("%s: the visit axis is numbered in ADY days, without day 0", analyte)
                    .hasSizeGreaterThan(2)
                    .allMatch(t -> t.matches("-?\\d+"))
                    .doesNotContain("0");
            assertThat(a.get("visitTexts"))
                    .extracting(JsonNode::asText)
                    .as("%s: axis titles with the unit and the day convention", analyte)
                    .contains(analyte + " (" + a.get("unit").asText() + ")")
                    .anyMatch(t -> t.startsWith("Study day (ADY"));
            assertThat(a.get("visitTable").asText()).contains("BL (day 1)").doesNotContain("day 0");
            assertThat(a.get("windowShades").asInt())
                    .as("%s: a shaded window per visit and the baseline window", analyte)
                    .isGreaterThanOrEqualTo(file.protocol().visits().size() + 1);
            assertThat(a.get("kmTexts"))
                    .extracting(JsonNode::asText)
                    .contains("Days since first infusion (anchor)", "Not yet normalized (proportion)");

            JsonNode ticks = a.get("kmTicks");
            assertThat(ticks).as("%s: KM day ticks", analyte).hasSizeGreaterThan(2);
            assertThat(a.get("riskCells")).as("%s: number at risk", analyte).isNotEmpty();
            for (JsonNode cell : a.get("riskCells")) {
                JsonNode tick = tickOf(ticks, cell.get("day").asText());
                assertThat(tick)
                        .as("%s: a tick for day %s", analyte, cell.get("day"))
                        .isNotNull();
                assertThat(Math.abs(cell.get("x").asDouble() - tick.get("x").asDouble()))
                        .as("%s: at-risk count of day %s under its tick", analyte, cell.get("day"))
                        .isLessThanOrEqualTo(ALIGNED_PX);
                assertThat(cell.get("text").asText()).matches("\\d+|-");
            }
            assertThat(a.get("riskArms")).extracting(JsonNode::asText).containsExactlyElementsOf(file.arms());
            assertThat(a.get("logRank").asText()).startsWith("Log-rank");
        }

        // Downloads: each chart's CSV starts with its header, each PNG is a PNG.
        List<String> charts = texts(JSON.readTree(
                browser.evaluate("JSON.stringify([...new Set([...document.querySelectorAll('button.download')]"
                                + ".map(b => b.dataset.chart))])")
                        .asText()));
        assertThat(charts)
                .contains("visits-CRP", "km-CRP", "patient-CRP")
                .hasSizeGreaterThanOrEqualTo(2 * withData.size() + 1);
        List<JsonNode> files = new ArrayList<>();
        for (String chart : charts) {
            JSON.readTree(browser.evaluate(DOWNLOAD_PROBE.replace("CHART_ID", chart))
                            .asText())
                    .forEach(files::add);
        }
        assertThat(files).hasSize(2 * charts.size());
        for (JsonNode f : files) {
            String name = f.get("name").asText();
            if (name.endsWith(".csv")) {
                String header = name.startsWith("visits-")
                        ? "protocol,arm,analyte,unit,visit,day,dayConvention,n,N,nMissing,median,q1,q3,quantileType"
                        : name.startsWith("km-")
                                ? "protocol,arm,analyte,days,atRisk,events,censored,survival,stdErr"
                                : "analyte,readingId,observedAt,ady,pdy,hoursSinceAnchor,value,unit,anrind";
                assertThat(f.get("text").asText()).as(name).startsWith(header);
                assertThat(f.get("lines").asInt()).as("%s has data rows", name).isGreaterThan(1);
            } else {
                assertThat(name).endsWith(".png");
                assertThat(f.get("type").asText()).isEqualTo("image/png");
                assertThat(f.get("magic").asText()).as(name).isEqualTo("89504e47");
                assertThat(f.get("size").asInt()).as(name).isGreaterThan(2_000);
            }
        }

        // Patient view: legend, reference limits as numbers, infusions and visit windows.
        JsonNode p = page.get("patient");
        assertThat(p.get("legend"))
                .extracting(JsonNode::asText)
                .contains("HIGH", "NORMAL", "LOW", "BASELINE", "REFERENCE", "WINDOW", "INFUSION");
        assertThat(p.get("crpTexts"))
                .extracting(JsonNode::asText)
                .as("CRP's upper reference limit, 10 mg/L, written on the chart")
                .contains("upper limit 10 mg/L")
                .contains("infusion 1")
                .anyMatch(t -> t.startsWith("Study day (ADY"));
        assertThat(texts(p.get("crpTexts")).stream().filter(t -> t.startsWith("infusion ")))
                .as("every infusion of the patient marked (seed 002: four)")
                .hasSize(((List<?>) json(url + "api/patients/" + patient + "/summary")
                                .get("infusions"))
                        .size())
                .hasSizeGreaterThan(1);
        assertThat(p.get("windowShades").asInt())
                .isGreaterThanOrEqualTo(file.protocol().visits().size() + 1);
        assertThat(p.get("limits").asText()).contains("upper 10", "mg/L");
        assertThat(p.get("ttn").asText()).startsWith("Time to normalization: ");
        assertThat(p.get("placeholder").asText())
                .as("the hint looks like the demo's ids")
                .contains("SYN-")
                .matches(".*SYN-\\d{4}.*");

        Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.write(screenshot, browser.screenshot());
        assertThat(Files.size(screenshot)).isGreaterThan(20_000);
    }

    /** Reads the rendered page: texts and shapes of each chart's SVG, and layout boxes, as JSON. */
    private static final String PAGE_PROBE =
            """
            (() => {
              const svg = id => document.querySelector('#' + id + ' svg');
              const texts = id => svg(id) ? [...svg(id).querySelectorAll('text')] : [];
              const centre = e => { const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; };
              // The x-axis labels: the lowest row of whole numbers.
              const ticks = id => {
                const numbers = texts(id).filter(t => /^-?\\d+$/.test(t.textContent.trim()))
                  .map(t => Object.assign({ text: t.textContent.trim() }, centre(t)));
                const bottom = Math.max(...numbers.map(n => Math.round(n.y)));
                return numbers.filter(n => Math.abs(n.y - bottom) <= 1.5);
              };
              const shades = id => svg(id) ? [...svg(id).querySelectorAll('path')]
                .filter(p => /104,\\s*112,\\s*184/.test(p.getAttribute('fill') || '')).length : 0;
              const out = {
                title: document.getElementById('study-title').textContent,
                detail: document.getElementById('study-detail').textContent,
                arms: [...document.querySelectorAll('#study-arms li')].map(li => li.textContent),
                cards: [...document.querySelectorAll('#analytes .analyte')].map(e => e.id.substring('analyte-'.length)),
                noData: document.getElementById('no-data').textContent,
                analytes: {},
              };
              for (const a of out.cards) {
                const option = echarts.getInstanceByDom(document.getElementById('visits-' + a)).getOption();
                out.analytes[a] = {
                  unit: document.querySelector('#analyte-' + a + ' h3').textContent.replace(/^.*\\((.*)\\)$/, '$1'),
                  medianSeries: option.series.filter(s => s.type === 'line').map(s => s.name),
                  visitTexts: texts('visits-' + a).map(t => t.textContent),
                  visitTicks: ticks('visits-' + a).map(t => t.text),
                  visitTable: document.getElementById('visits-n-' + a).textContent,
                  windowShades: shades('visits-' + a),
                  kmTexts: texts('km-' + a).map(t => t.textContent),
                  kmTicks: ticks('km-' + a),
                  riskCells: [...document.querySelectorAll('#risk-' + a + ' .risk-cell')]
                    .map(c => Object.assign({ day: c.dataset.day, text: c.textContent }, centre(c))),
                  riskArms: [...document.querySelectorAll('#risk-' + a + ' .risk-row[data-arm]')].map(r => r.dataset.arm),
                  logRank: document.getElementById('logrank-' + a).textContent,
                };
              }
              out.patient = {
                legend: [...document.querySelectorAll('#patient-legend li')].map(li => li.dataset.key),
                crpTexts: texts('patient-CRP').map(t => t.textContent),
                windowShades: shades('patient-CRP'),
                limits: document.getElementById('limits-CRP').textContent,
                ttn: document.getElementById('ttn-CRP').textContent,
                placeholder: document.getElementById('patient-id').getAttribute('placeholder'),
              };
              return JSON.stringify(out);
            })()
            """;

    /**
     * Clicks the download buttons of one chart ({@code CHART_ID}) and reads what the page hands to the browser to save (the object URL's blob);
     * the anchor's click is caught so that nothing is written to disk.
     */
    private static final String DOWNLOAD_PROBE =
            """
            (async () => {
              const blobs = new Map();
              const create = URL.createObjectURL;
              URL.createObjectURL = b => { const u = create.call(URL, b); blobs.set(u, b); return u; };
              const click = HTMLAnchorElement.prototype.click;
              const saved = [];
              HTMLAnchorElement.prototype.click = function () { saved.push({ name: this.download, blob: blobs.get(this.href) }); };
              try {
                document.querySelectorAll('button.download[data-chart="CHART_ID"]').forEach(b => b.click());
              } finally {
                HTMLAnchorElement.prototype.click = click;
                URL.createObjectURL = create;
              }
              const out = [];
              for (const s of saved) {
                if (s.name.endsWith('.csv')) {
                  const text = await s.blob.text();
                  out.push({ name: s.name, text, lines: text.trim().split('\\n').length });
                } else {
                  const bytes = new Uint8Array(await s.blob.arrayBuffer());
                  out.push({ name: s.name, type: s.blob.type, size: s.blob.size,
                    magic: [...bytes.slice(0, 4)].map(b => b.toString(16).padStart(2, '0')).join('') });
                }
              }
              return JSON.stringify(out);
            })()
            """;

    private static JsonNode tickOf(JsonNode ticks, String day) {
        for (JsonNode t : ticks) {
            if (t.get("text").asText().equals(day)) {
                return t;
            }
        }
        return null;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(t -> texts.add(t.asText()));
        return texts;
    }

    private List<String> primaryAnalytes(String url) throws Exception {
        List<String> primary = new ArrayList<>();
        for (Object a : (List<?>) json(url + "api/analytes").get("analytes")) {
            Map<?, ?> analyte = (Map<?, ?>) a;
            if ("PRIMARY".equals(analyte.get("role"))) {
                primary.add((String) analyte.get("analyte"));
            }
        }
        return primary;
    }

    /** Whether a visit of the analyte has a value in some stratum, as the cohort route answers. */
    private boolean hasData(String url, String analyte) throws Exception {
        for (Object v :
                (List<?>) json(url + "api/cohort/visits?analyte=" + analyte).get("visits")) {
            if (((Number) ((Map<?, ?>) v).get("n")).intValue() > 0) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Object> json(String url) throws Exception {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return AvroJson.parse(r.body());
    }

    private int status(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
