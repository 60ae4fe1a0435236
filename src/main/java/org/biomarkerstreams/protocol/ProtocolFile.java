package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.StudyDay;
import org.biomarkerstreams.domain.VisitWindow;

/**
 * A protocol file (YAML): the study rules of one trial, the reference intervals it judged by, how its table is laid
 * out, and optionally the shape of a demo cohort like the trial's. Bundled files live in {@code protocols/NAME.yaml}
 * on the class path ({@link #BUNDLED}); any other argument is a file path.
 *
 * <p>Day numbers (visit windows, infusion and draw days of the demo) are written in the file's {@code dayConvention}
 * and converted to protocol days ({@code pdy}, infusion day = 0) for the domain: {@code PDY} takes them as they are;
 * {@code ADY} is CDISC's (infusion day = 1, the day before = −1, no day 0), so ADY 7 is pdy 6 and ADY −1 is pdy −1.
 *
 * <p>Every field is checked and a mistake is reported as an {@link IllegalArgumentException} whose message starts with
 * the file and names the field ({@code seed-002.yaml: visits[1].low: ...}); unknown fields are mistakes too, so a
 * misspelt key never silently falls back to a default. The blinding key of a blinded protocol comes from the
 * environment variable {@value #BLINDING_KEY_ENV} when it is set (it wins over the file), so a real trial's key need
 * not be written in the file.
 */
public final class ProtocolFile {

    /** The bundled protocols, in the order {@code --help} lists them. */
    public static final List<String> BUNDLED = List.of("default", "seed-000", "seed-001", "seed-002", "seed-003");

    public static final String BLINDING_KEY_ENV = "BIOMARKER_BLINDING_KEY";

    private static final String RESOURCE_DIR = "protocols/";
    private static final YAMLMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> TOP_FIELDS = Set.of(
            "name",
            "title",
            "citation",
            "timeZone",
            "dayConvention",
            "visits",
            "baselineWindowDays",
            "followUpDays",
            "confirmations",
            "closeGraceDays",
            "referenceIntervals",
            "strata",
            "arms",
            "blinded",
            "blindingKey",
            "locf",
            "table",
            "demo");

    /** How day numbers are written in a protocol file. */
    public enum DayConvention {
        /** Protocol day: infusion day = 0 (seed 003). */
        PDY,
        /** CDISC study day: infusion day = 1, the day before = −1, no day 0 (seed 002). */
        ADY;

        /** The protocol day of {@code day} written in this convention. */
        public int toPdy(int day) {
            return this == PDY ? day : StudyDay.pdyFromAdy(day);
        }
    }

    /** How the demo's terminal table is laid out. */
    public enum Layout {
        /** One column per arm (seeds 000 and 003; blinded arms show as Arm A, Arm B). */
        ARMS,
        /** One column per value of a strata label, plus a total (seed 002: severe vs critical). */
        STRATA,
        /** One row per analyte with its reference interval, one column per visit (seed 001: before vs after). */
        BEFORE_AFTER
    }

    /**
     * The table layout.
     *
     * @param layout the kind of table
     * @param stratum the strata label whose values are the columns ({@link Layout#STRATA} only)
     * @param columns column order; columns not listed follow, sorted
     * @param total whether a column pools every patient
     * @param columnTitles headings shown instead of a column's value (e.g. {@code severe: Group A (severe)})
     */
    public record Table(
            Layout layout, String stratum, List<String> columns, boolean total, Map<String, String> columnTitles) {
        public Table {
            Objects.requireNonNull(layout, "layout");
            columns = List.copyOf(columns);
            columnTitles = Map.copyOf(columnTitles);
        }

        static Table arms() {
            return new Table(Layout.ARMS, null, List.of(), false, Map.of());
        }
    }

    /** A range of baseline values in the analyte's canonical unit, drawn uniformly. */
    public record Range(double low, double high) {}

    /**
     * Patients of a demo arm who get the same infusions.
     *
     * @param patients how many
     * @param infusionPdys protocol days of the infusions, the first being 0 (the anchor); empty for no infusion
     */
    public record Regimen(int patients, List<Integer> infusionPdys) {
        public Regimen {
            infusionPdys = List.copyOf(infusionPdys);
        }
    }

    /**
     * One arm of a demo cohort.
     *
     * @param arm the arm label on ENROLLED/RANDOMIZED
     * @param responds {@code true} for the fast kinetics of MSC-infused patients, {@code false} for the slower ones
     *     of standard care (placebo, control)
     * @param product what the INFUSION events say was given
     * @param dose the dose the INFUSION events carry
     * @param regimens the arm's patients by infusion schedule
     * @param progressors patients who worsen to a peak on day 4–8 (the deaths among them)
     * @param deaths progressors who die
     */
    public record DemoArm(
            String arm,
            boolean responds,
            String product,
            String dose,
            List<Regimen> regimens,
            int progressors,
            int deaths) {
        public DemoArm {
            regimens = List.copyOf(regimens);
        }

        public int patients() {
            return regimens.stream().mapToInt(Regimen::patients).sum();
        }
    }

    /** Patients with one value of a strata label, and the baselines that differ for them (e.g. lower P/F). */
    public record StratumValue(String value, int patients, Map<String, Range> baselines) {
        public StratumValue {
            baselines = Map.copyOf(baselines);
        }
    }

    /**
     * The shape of a demo cohort like the trial's.
     *
     * @param arms the arms and their sizes and schedules
     * @param strata per strata label, its values with patient counts (adding up to the cohort)
     * @param drawDays protocol days of the blood draws (negative = before the anchor, the baseline)
     * @param outpatientDays draws that still happen after discharge
     * @param baselines baseline ranges by analyte, replacing the generator's
     * @param ddimerAssay the D-dimer assay the cohort's lab uses
     */
    public record Demo(
            List<DemoArm> arms,
            Map<String, List<StratumValue>> strata,
            List<Integer> drawDays,
            List<Integer> outpatientDays,
            Map<String, Range> baselines,
            AssayType ddimerAssay) {
        public Demo {
            arms = List.copyOf(arms);
            strata = Map.copyOf(strata);
            drawDays = List.copyOf(drawDays);
            outpatientDays = List.copyOf(outpatientDays);
            baselines = Map.copyOf(baselines);
        }

        public int patients() {
            return arms.stream().mapToInt(DemoArm::patients).sum();
        }
    }

    /**
     * A loaded protocol file.
     *
     * @param protocol the study rules, days in pdy
     * @param profile the default site profile with the file's reference-interval overrides applied
     * @param title the trial's title
     * @param citation where the trial is published
     * @param dayConvention how the file writes days (the table shows visit names as written)
     * @param arms the arm labels the protocol declares
     * @param table the demo table's layout
     * @param demo the demo cohort's shape, if the file has one
     */
    public record Loaded(
            Protocol protocol,
            SiteProfile profile,
            String title,
            String citation,
            DayConvention dayConvention,
            List<String> arms,
            Table table,
            Optional<Demo> demo) {
        public Loaded {
            arms = List.copyOf(arms);
        }
    }

    private ProtocolFile() {}

    /**
     * The bundled protocol {@code nameOrPath} (see {@link #BUNDLED}) or else the file at that path.
     *
     * @param env the environment ({@value #BLINDING_KEY_ENV} is read)
     * @throws IllegalArgumentException naming the file and the field when it is missing or wrong
     */
    public static Loaded load(String nameOrPath, Map<String, String> env) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        String name = nameOrPath.strip();
        if (BUNDLED.contains(name)) {
            return bundled(name, env);
        }
        Path path = Path.of(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("protocol " + name + ": neither a bundled protocol ("
                    + String.join(", ", BUNDLED) + ") nor a readable file");
        }
        try {
            return parse(
                    Files.readString(path, StandardCharsets.UTF_8),
                    path.getFileName().toString(),
                    env);
        } catch (IOException e) {
            throw new IllegalArgumentException("protocol " + name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The bundled protocol of this name. */
    public static Loaded bundled(String name, Map<String, String> env) {
        String resource = RESOURCE_DIR + name + ".yaml";
        try (InputStream in = ProtocolFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no bundled protocol " + name + " (" + String.join(", ", BUNDLED) + ")");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml", env);
        } catch (IOException e) {
            throw new IllegalStateException("bundled protocol " + name + " cannot be read", e);
        }
    }

    /**
     * Parses and checks a protocol file's text.
     *
     * @param source the file's name for messages
     * @param env the environment ({@value #BLINDING_KEY_ENV} is read)
     */
    public static Loaded parse(String yaml, String source, Map<String, String> env) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    source + ": not valid YAML: "
                            + e.getOriginalMessage().lines().findFirst().orElse(""),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": expected a mapping of protocol fields at the top level");
        }
        return new Reader(source, env).read(root);
    }

    /** Walks one file's tree; every failure names {@code source: path}. */
    private static final class Reader {
        private final String source;
        private final Map<String, String> env;

        Reader(String source, Map<String, String> env) {
            this.source = source;
            this.env = env;
        }

        Loaded read(JsonNode root) {
            onlyFields(root, "", TOP_FIELDS);
            String name = text(root, "name", null);
            if (name == null || name.isBlank()) {
                throw fail("name", "is required");
            }
            String title = text(root, "title", name);
            String citation = text(root, "citation", "");
            ZoneId zone = zone(root);
            DayConvention convention = convention(root);
            Protocol defaults = Protocol.defaults();
            List<VisitWindow> visits = root.has("visits") ? visits(root.get("visits"), convention) : defaults.visits();
            Duration baselineWindow = days(root, "baselineWindowDays", defaults.baselineWindow(), 0);
            Duration followUp = days(root, "followUpDays", defaults.followUp(), 1);
            Duration closeGrace = days(root, "closeGraceDays", defaults.closeGrace(), 0);
            Confirmation confirmation = confirmation(root, defaults.confirmation());
            List<String> strata = labels(root, "strata");
            List<String> arms = labels(root, "arms");
            boolean blinded = bool(root, "blinded", false);
            boolean locf = bool(root, "locf", false);
            Blinding blinding = blinding(root, blinded, arms);
            Protocol protocol = new Protocol(zone, visits, baselineWindow, followUp, confirmation, closeGrace)
                    .withReporting(name.strip(), strata, blinding, locf);
            SiteProfile profile = intervals(root.get("referenceIntervals"));
            Table table = table(root.get("table"), strata);
            Optional<Demo> demo = root.has("demo")
                    ? Optional.of(demo(root.get("demo"), convention, arms, strata, profile))
                    : Optional.empty();
            return new Loaded(protocol, profile, title, citation, convention, arms, table, demo);
        }

        private ZoneId zone(JsonNode root) {
            String text = text(root, "timeZone", "UTC");
            try {
                return ZoneId.of(text.strip());
            } catch (RuntimeException e) {
                throw fail("timeZone", "'" + text + "' is not a time zone id (e.g. Asia/Shanghai, UTC)");
            }
        }

        private DayConvention convention(JsonNode root) {
            String text = text(root, "dayConvention", "PDY");
            try {
                return DayConvention.valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail(
                        "dayConvention",
                        "'" + text + "' is neither PDY (infusion day 0) nor ADY (CDISC: infusion day 1, no day 0)");
            }
        }

        private List<VisitWindow> visits(JsonNode node, DayConvention convention) {
            if (!node.isArray() || node.isEmpty()) {
                throw fail("visits", "expected a list of {name, target, low, high}");
            }
            List<VisitWindow> visits = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            for (int i = 0; i < node.size(); i++) {
                String path = "visits[" + i + "]";
                JsonNode visit = node.get(i);
                if (!visit.isObject()) {
                    throw fail(path, "expected {name, target, low, high}");
                }
                onlyFields(visit, path + ".", Set.of("name", "target", "low", "high"));
                String name = text(visit, path + ".name", visit.get("name"), null);
                if (name == null || name.isBlank()) {
                    throw fail(path + ".name", "is required");
                }
                if (name.strip().equalsIgnoreCase(Protocol.BASELINE)) {
                    throw fail(path + ".name", "BASELINE is implicit (baselineWindowDays); do not list it");
                }
                if (!names.add(name.strip())) {
                    throw fail(path + ".name", "'" + name + "' is listed twice");
                }
                int target = day(visit, path + ".target", convention);
                int low = day(visit, path + ".low", convention);
                int high = day(visit, path + ".high", convention);
                if (!(low <= target && target <= high)) {
                    throw fail(
                            path,
                            "need low <= target <= high, got low " + dayText(visit, "low") + ", target "
                                    + dayText(visit, "target") + ", high " + dayText(visit, "high"));
                }
                visits.add(new VisitWindow(name.strip(), target, low, high));
            }
            return visits;
        }

        private int day(JsonNode parent, String path, DayConvention convention) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                throw fail(path, "is required");
            }
            return convertDay(node, path, convention);
        }

        private int convertDay(JsonNode node, String path, DayConvention convention) {
            if (!node.isIntegralNumber()) {
                throw fail(path, "expected a whole day number, got '" + node.asText() + "'");
            }
            int day = node.intValue();
            if (convention == DayConvention.ADY && day == 0) {
                throw fail(path, "ADY has no day 0 (the infusion day is 1, the day before -1)");
            }
            return convention.toPdy(day);
        }

        private static String dayText(JsonNode parent, String field) {
            return parent.get(field).asText();
        }

        private Duration days(JsonNode root, String field, Duration fallback, int min) {
            JsonNode node = root.get(field);
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isIntegralNumber() || node.intValue() < min) {
                throw fail(field, "expected a whole number of days >= " + min + ", got '" + node.asText() + "'");
            }
            return Duration.ofDays(node.intValue());
        }

        private Confirmation confirmation(JsonNode root, Confirmation fallback) {
            JsonNode node = root.get("confirmations");
            if (node == null || node.isNull()) {
                return fallback;
            }
            try {
                return Confirmation.parse(node.asText());
            } catch (RuntimeException e) {
                throw fail(
                        "confirmations",
                        "expected a count of consecutive normal readings (e.g. 2) or hours (e.g. 48h), got '"
                                + node.asText() + "'");
            }
        }

        private Blinding blinding(JsonNode root, boolean blinded, List<String> arms) {
            String fileKey = text(root, "blindingKey", "");
            if (!blinded) {
                return Blinding.none();
            }
            if (arms.size() < 2) {
                throw fail("arms", "a blinded protocol declares the arms it hides (at least two)");
            }
            String envKey = env.get(BLINDING_KEY_ENV);
            String key = envKey != null && !envKey.isBlank() ? envKey : fileKey;
            if (key == null || key.isBlank()) {
                throw fail("blindingKey", "a blinded protocol needs a key: set blindingKey or " + BLINDING_KEY_ENV);
            }
            return Blinding.of(arms, key);
        }

        private SiteProfile intervals(JsonNode node) {
            SiteProfile profile = SiteProfile.defaults();
            if (node == null || node.isNull()) {
                return profile;
            }
            if (!node.isObject()) {
                throw fail("referenceIntervals", "expected a mapping of analyte to interval, e.g. CRP: \"<10\"");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String path = "referenceIntervals." + entry.getKey();
                AnalyteDefinition analyte = profile.analyte(entry.getKey())
                        .orElseThrow(
                                () -> fail(path, "unknown analyte (known: " + known(SiteProfile.defaults()) + ")"));
                JsonNode value = entry.getValue();
                if (analyte.requiresAssayType()) {
                    if (!value.isObject() || value.isEmpty()) {
                        throw fail(
                                path,
                                analyte.paramcd() + " needs an interval per assay type, e.g. {DDU: \"<243\", FEU:"
                                        + " \"<500\"}: FEU and DDU are never converted into each other");
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> assays = value.fields(); assays.hasNext(); ) {
                        Map.Entry<String, JsonNode> assayEntry = assays.next();
                        String assayPath = path + "." + assayEntry.getKey();
                        AssayType assay =
                                switch (assayEntry.getKey().strip().toUpperCase(Locale.ROOT)) {
                                    case "FEU" -> AssayType.FEU;
                                    case "DDU" -> AssayType.DDU;
                                    default -> throw fail(assayPath, "assay type must be FEU or DDU");
                                };
                        profile = profile.withInterval(
                                analyte.paramcd(), assay, interval(assayEntry.getValue(), assayPath));
                    }
                } else {
                    profile = profile.withInterval(analyte.paramcd(), AssayType.NONE, interval(value, path));
                }
            }
            return profile;
        }

        private ReferenceInterval interval(JsonNode node, String path) {
            if (!node.isTextual() && !node.isNumber()) {
                throw fail(path, "expected an interval like \"<10\", \">300\" or \"1.1-3.2\"");
            }
            Result<ReferenceInterval> parsed = ReferenceInterval.parse(node.asText());
            if (!parsed.isOk()) {
                throw fail(path, "'" + node.asText() + "' is not an interval like \"<10\", \">300\" or \"1.1-3.2\"");
            }
            return parsed.value();
        }

        private Table table(JsonNode node, List<String> strata) {
            if (node == null || node.isNull()) {
                return Table.arms();
            }
            if (!node.isObject()) {
                throw fail("table", "expected {layout, stratum, columns, total, titles}");
            }
            onlyFields(node, "table.", Set.of("layout", "stratum", "columns", "total", "titles"));
            String layoutText = text(node, "table.layout", node.get("layout"), "arms");
            Layout layout;
            try {
                layout = Layout.valueOf(
                        layoutText.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw fail("table.layout", "'" + layoutText + "' is not one of arms, strata, before-after");
            }
            String stratum = text(node, "table.stratum", node.get("stratum"), null);
            if (layout == Layout.STRATA) {
                if (stratum == null || !strata.contains(stratum)) {
                    throw fail("table.stratum", "a strata layout names one of the protocol's strata " + strata);
                }
            } else if (stratum != null) {
                throw fail("table.stratum", "only a strata layout has a stratum");
            }
            List<String> columns = labels(node, "table.columns", node.get("columns"));
            boolean total = bool(node, "table.total", node.get("total"), false);
            Map<String, String> titles = new LinkedHashMap<>();
            JsonNode titleNode = node.get("titles");
            if (titleNode != null && !titleNode.isNull()) {
                if (!titleNode.isObject()) {
                    throw fail("table.titles", "expected a mapping of column to heading");
                }
                titleNode
                        .fields()
                        .forEachRemaining(
                                e -> titles.put(e.getKey(), e.getValue().asText()));
            }
            return new Table(layout, stratum, columns, total, titles);
        }

        private Demo demo(
                JsonNode node, DayConvention convention, List<String> arms, List<String> strata, SiteProfile profile) {
            if (!node.isObject()) {
                throw fail("demo", "expected {arms, strata, drawDays, outpatientDays, baselines, ddimerAssay}");
            }
            onlyFields(
                    node, "demo.", Set.of("arms", "strata", "drawDays", "outpatientDays", "baselines", "ddimerAssay"));
            JsonNode armsNode = node.get("arms");
            if (armsNode == null || !armsNode.isArray() || armsNode.isEmpty()) {
                throw fail("demo.arms", "expected a list of arms with their patients");
            }
            List<DemoArm> demoArms = new ArrayList<>();
            for (int i = 0; i < armsNode.size(); i++) {
                demoArms.add(demoArm(armsNode.get(i), "demo.arms[" + i + "]", convention, arms));
            }
            int patients = demoArms.stream().mapToInt(DemoArm::patients).sum();
            Map<String, List<StratumValue>> allocation = new LinkedHashMap<>();
            JsonNode strataNode = node.get("strata");
            if (strataNode != null && !strataNode.isNull()) {
                if (!strataNode.isObject()) {
                    throw fail("demo.strata", "expected label: [{value, patients}, ...]");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = strataNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    String path = "demo.strata." + entry.getKey();
                    if (!strata.contains(entry.getKey())) {
                        throw fail(path, "not one of the protocol's strata " + strata);
                    }
                    allocation.put(entry.getKey(), stratumValues(entry.getValue(), path, patients, profile));
                }
            }
            List<Integer> drawDays = dayList(node.get("drawDays"), "demo.drawDays", convention);
            List<Integer> outpatient = dayList(node.get("outpatientDays"), "demo.outpatientDays", convention);
            for (int i = 0; i < outpatient.size(); i++) {
                if (!drawDays.isEmpty() && !drawDays.contains(outpatient.get(i))) {
                    throw fail("demo.outpatientDays[" + i + "]", "must be one of the drawDays");
                }
            }
            Map<String, Range> baselines = baselines(node.get("baselines"), "demo.baselines", profile);
            AssayType assay = AssayType.FEU;
            String assayText = text(node, "demo.ddimerAssay", node.get("ddimerAssay"), null);
            if (assayText != null) {
                assay = switch (assayText.strip().toUpperCase(Locale.ROOT)) {
                    case "FEU" -> AssayType.FEU;
                    case "DDU" -> AssayType.DDU;
                    default -> throw fail("demo.ddimerAssay", "must be FEU or DDU");
                };
            }
            return new Demo(demoArms, allocation, drawDays, outpatient, baselines, assay);
        }

        private DemoArm demoArm(JsonNode node, String path, DayConvention convention, List<String> arms) {
            if (!node.isObject()) {
                throw fail(path, "expected {arm, kinetics, patients, infusionDays | regimens, ...}");
            }
            onlyFields(
                    node,
                    path + ".",
                    Set.of(
                            "arm",
                            "kinetics",
                            "product",
                            "dose",
                            "patients",
                            "infusionDays",
                            "regimens",
                            "progressors",
                            "deaths"));
            String arm = text(node, path + ".arm", node.get("arm"), null);
            if (arm == null || arm.isBlank()) {
                throw fail(path + ".arm", "is required");
            }
            if (!arms.isEmpty() && !arms.contains(arm)) {
                throw fail(path + ".arm", "'" + arm + "' is not one of the protocol's arms " + arms);
            }
            String kinetics = text(node, path + ".kinetics", node.get("kinetics"), "msc");
            boolean responds =
                    switch (kinetics.strip().toLowerCase(Locale.ROOT)) {
                        case "msc" -> true;
                        case "control" -> false;
                        default ->
                            throw fail(path + ".kinetics", "must be msc (fast recovery) or control (standard care)");
                    };
            List<Regimen> regimens = new ArrayList<>();
            if (node.has("regimens")) {
                if (node.has("patients") || node.has("infusionDays")) {
                    throw fail(path, "give either patients and infusionDays, or regimens, not both");
                }
                JsonNode list = node.get("regimens");
                if (!list.isArray() || list.isEmpty()) {
                    throw fail(path + ".regimens", "expected a list of {patients, infusionDays}");
                }
                for (int i = 0; i < list.size(); i++) {
                    String regimenPath = path + ".regimens[" + i + "]";
                    onlyFields(list.get(i), regimenPath + ".", Set.of("patients", "infusionDays"));
                    regimens.add(regimen(list.get(i), regimenPath, convention));
                }
            } else {
                regimens.add(regimen(node, path, convention));
            }
            int patients = regimens.stream().mapToInt(Regimen::patients).sum();
            int progressors = count(node.get("progressors"), path + ".progressors");
            int deaths = count(node.get("deaths"), path + ".deaths");
            if (progressors > patients) {
                throw fail(path + ".progressors", progressors + " is more than the arm's " + patients + " patients");
            }
            if (deaths > progressors) {
                throw fail(path + ".deaths", "deaths are progressors who die: at most " + progressors);
            }
            return new DemoArm(
                    arm.strip(),
                    responds,
                    text(node, path + ".product", node.get("product"), "UC-MSC"),
                    text(node, path + ".dose", node.get("dose"), null),
                    regimens,
                    progressors,
                    deaths);
        }

        private Regimen regimen(JsonNode node, String path, DayConvention convention) {
            JsonNode patientsNode = node.get("patients");
            if (patientsNode == null || !patientsNode.isIntegralNumber() || patientsNode.intValue() < 1) {
                throw fail(path + ".patients", "expected a whole number >= 1");
            }
            List<Integer> days = dayList(node.get("infusionDays"), path + ".infusionDays", convention);
            if (!days.isEmpty()) {
                if (days.get(0) != 0) {
                    throw fail(
                            path + ".infusionDays",
                            "the first infusion is the anchor: day " + (convention == DayConvention.ADY ? 1 : 0)
                                    + " in " + convention);
                }
                for (int i = 1; i < days.size(); i++) {
                    if (days.get(i) <= days.get(i - 1)) {
                        throw fail(path + ".infusionDays", "days must increase");
                    }
                }
            }
            return new Regimen(patientsNode.intValue(), days);
        }

        private List<StratumValue> stratumValues(JsonNode node, String path, int patients, SiteProfile profile) {
            if (!node.isArray() || node.isEmpty()) {
                throw fail(path, "expected a list of {value, patients}");
            }
            List<StratumValue> values = new ArrayList<>();
            int sum = 0;
            for (int i = 0; i < node.size(); i++) {
                String itemPath = path + "[" + i + "]";
                JsonNode item = node.get(i);
                onlyFields(item, itemPath + ".", Set.of("value", "patients", "baselines"));
                String value = text(item, itemPath + ".value", item.get("value"), null);
                if (value == null || value.isBlank()) {
                    throw fail(itemPath + ".value", "is required");
                }
                int count = count(item.get("patients"), itemPath + ".patients");
                sum += count;
                values.add(new StratumValue(
                        value.strip(), count, baselines(item.get("baselines"), itemPath + ".baselines", profile)));
            }
            if (sum != patients) {
                throw fail(path, "patients add up to " + sum + ", but the demo arms have " + patients);
            }
            return values;
        }

        private Map<String, Range> baselines(JsonNode node, String path, SiteProfile profile) {
            Map<String, Range> ranges = new LinkedHashMap<>();
            if (node == null || node.isNull()) {
                return ranges;
            }
            if (!node.isObject()) {
                throw fail(path, "expected analyte: [low, high] in the canonical unit");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String itemPath = path + "." + entry.getKey();
                String analyte = profile.analyte(entry.getKey())
                        .map(AnalyteDefinition::paramcd)
                        .filter(Set.of("CRP", "IL6", "LYMPH", "DDIMER", "PFRATIO")::contains)
                        .orElseThrow(() -> fail(itemPath, "the demo generates CRP, IL6, LYMPH, DDIMER and PFRATIO"));
                JsonNode pair = entry.getValue();
                if (!pair.isArray()
                        || pair.size() != 2
                        || !pair.get(0).isNumber()
                        || !pair.get(1).isNumber()
                        || pair.get(0).doubleValue() <= 0
                        || pair.get(0).doubleValue() > pair.get(1).doubleValue()) {
                    throw fail(itemPath, "expected [low, high] with 0 < low <= high");
                }
                ranges.put(
                        analyte,
                        new Range(pair.get(0).doubleValue(), pair.get(1).doubleValue()));
            }
            return ranges;
        }

        private List<Integer> dayList(JsonNode node, String path, DayConvention convention) {
            List<Integer> days = new ArrayList<>();
            if (node == null || node.isNull()) {
                return days;
            }
            if (!node.isArray()) {
                throw fail(path, "expected a list of days in " + convention);
            }
            for (int i = 0; i < node.size(); i++) {
                days.add(convertDay(node.get(i), path + "[" + i + "]", convention));
            }
            return days;
        }

        private int count(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                return 0;
            }
            if (!node.isIntegralNumber() || node.intValue() < 0) {
                throw fail(path, "expected a whole number >= 0, got '" + node.asText() + "'");
            }
            return node.intValue();
        }

        private List<String> labels(JsonNode root, String field) {
            return labels(root, field, root.get(field));
        }

        private List<String> labels(JsonNode parent, String path, JsonNode node) {
            List<String> labels = new ArrayList<>();
            if (node == null || node.isNull()) {
                return labels;
            }
            if (!node.isArray()) {
                throw fail(path, "expected a list of names");
            }
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                if (!item.isValueNode() || item.asText().isBlank()) {
                    throw fail(path + "[" + i + "]", "expected a non-blank name");
                }
                if (labels.contains(item.asText().strip())) {
                    throw fail(path + "[" + i + "]", "'" + item.asText() + "' is listed twice");
                }
                labels.add(item.asText().strip());
            }
            return labels;
        }

        private boolean bool(JsonNode root, String field, boolean fallback) {
            return bool(root, field, root.get(field), fallback);
        }

        private boolean bool(JsonNode parent, String path, JsonNode node, boolean fallback) {
            if (node == null || node.isNull()) {
                return fallback;
            }
            if (!node.isBoolean()) {
                throw fail(path, "expected true or false, got '" + node.asText() + "'");
            }
            return node.booleanValue();
        }

        private String text(JsonNode root, String field, String fallback) {
            return text(root, field, root.get(field), fallback);
        }

        private String text(JsonNode parent, String path, JsonNode node, String fallback) {
            if (node == null || node instanceof NullNode) {
                return fallback;
            }
            if (!node.isValueNode()) {
                throw fail(path, "expected a single value");
            }
            return node.asText();
        }

        private void onlyFields(JsonNode node, String prefix, Set<String> allowed) {
            if (!node.isObject()) {
                throw fail(
                        prefix.isEmpty() ? "(top level)" : prefix.substring(0, prefix.length() - 1),
                        "expected a mapping");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (!allowed.contains(field)) {
                    throw fail(
                            prefix + field, "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        private static String known(SiteProfile profile) {
            return String.join(
                    ", ",
                    profile.analytes().stream().map(AnalyteDefinition::paramcd).toList());
        }

        private IllegalArgumentException fail(String path, String message) {
            return new IllegalArgumentException(source + ": " + path + ": " + message);
        }
    }
}
