package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.Protocol;
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
 * <p>Jackson binds the file to a {@code ProtocolDocument} whose records check their own fields as they are built. A
 * mistake is reported as an {@link IllegalArgumentException} whose message starts with the file, names the field and
 * ends with where it is written ({@code seed-002.yaml: visits[1].low: ... (line 14, column 27)}); unknown fields are
 * mistakes too, so a misspelt key never silently falls back to a default. The blinding key of a blinded protocol comes
 * from the environment variable {@value #BLINDING_KEY_ENV} when it is set (it wins over the file), so a real trial's
 * key need not be written in the file.
 */
public final class ProtocolFile {

    /** The bundled protocols, in the order {@code --help} lists them. */
    public static final List<String> BUNDLED = List.of("default", "seed-000", "seed-001", "seed-002", "seed-003");

    public static final String BLINDING_KEY_ENV = "BIOMARKER_BLINDING_KEY";

    private static final String RESOURCE_DIR = "protocols/";

    /**
     * Strict, so that a mistake fails instead of being read as something else: a repeated or unknown key, {@code 3.5}
     * or {@code "3"} for a whole number, {@code "true"} for true, an empty item in a list.
     */
    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .build();

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

        /** Protocol day {@code pdy} written in this convention (ADY never gives 0). */
        public int fromPdy(int pdy) {
            return this == PDY ? pdy : StudyDay.adyFromPdy(pdy);
        }

        /** What the convention's day numbers mean, for a title or a chart's axis. */
        public String meaning() {
            return this == PDY ? "infusion day = day 0" : "infusion day = day 1, no day 0";
        }

        @JsonCreator
        static DayConvention of(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FieldError(
                        "'" + text + "' is neither PDY (infusion day 0) nor ADY (CDISC: infusion day 1, no day 0)");
            }
        }
    }

    /** How the demo's terminal table is laid out. */
    public enum Layout {
        /** One column per arm (seeds 000 and 003; blinded arms show as Arm A, Arm B). */
        ARMS,
        /** One column per value of a strata label, plus a total (seed 002: severe vs critical). */
        STRATA,
        /** One row per analyte with its reference interval, one column per visit (seed 001: before vs after). */
        BEFORE_AFTER;

        @JsonCreator
        static Layout of(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new FieldError("'" + text + "' is not one of arms, strata, before-after");
            }
        }
    }

    /**
     * The table layout.
     *
     * @param layout the kind of table; {@link Layout#ARMS} when not given
     * @param stratum the strata label whose values are the columns ({@link Layout#STRATA} only)
     * @param columns column order; columns not listed follow, sorted
     * @param total whether a column pools every patient
     * @param columnTitles headings shown instead of a column's value (e.g. {@code severe: Group A (severe)})
     */
    public record Table(
            Layout layout,
            String stratum,
            List<String> columns,
            boolean total,
            @JsonProperty("titles") Map<String, String> columnTitles) {
        public Table {
            layout = Objects.requireNonNullElse(layout, Layout.ARMS);
            // Whether a strata layout's stratum is one of the protocol's, the protocol checks.
            if (layout != Layout.STRATA && stratum != null) {
                throw new FieldError("stratum", "only a strata layout has a stratum");
            }
            columns = Check.names(columns, "columns");
            columnTitles = columnTitles == null ? Map.of() : Map.copyOf(columnTitles);
        }

        static Table arms() {
            return new Table(Layout.ARMS, null, List.of(), false, Map.of());
        }
    }

    /** A range of baseline values in the analyte's canonical unit, drawn uniformly; written {@code [low, high]}. */
    public record Range(double low, double high) {
        public Range {
            if (!(low > 0 && low <= high)) {
                throw new FieldError("expected [low, high] with 0 < low <= high");
            }
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Range of(List<Double> pair) {
            if (pair.size() != 2) {
                throw new FieldError("expected [low, high] with 0 < low <= high");
            }
            return new Range(pair.get(0), pair.get(1));
        }
    }

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
     * @param baselines baseline ranges by analyte code for the arm's patients, over the demo's own (a strata value's
     *     ranges win over the arm's)
     */
    public record DemoArm(
            String arm,
            boolean responds,
            String product,
            String dose,
            List<Regimen> regimens,
            int progressors,
            int deaths,
            Map<String, Range> baselines) {
        public DemoArm {
            regimens = List.copyOf(regimens);
            baselines = Map.copyOf(baselines);
        }

        /** An arm with the demo's baseline ranges. */
        public DemoArm(
                String arm,
                boolean responds,
                String product,
                String dose,
                List<Regimen> regimens,
                int progressors,
                int deaths) {
            this(arm, responds, product, dose, regimens, progressors, deaths, Map.of());
        }

        public int patients() {
            return regimens.stream().mapToInt(Regimen::patients).sum();
        }
    }

    /**
     * Patients with one value of a strata label, and the baselines that differ for them (e.g. lower P/F).
     *
     * @param baselines baseline ranges by analyte code (CRP, IL6, LYMPH, DDIMER, PFRATIO)
     */
    public record StratumValue(String value, int patients, Map<String, Range> baselines) {
        public StratumValue {
            value = Check.required(value, "value");
            Check.atLeast(patients, 0, "patients");
            baselines = DemoSection.baselines(baselines, "baselines");
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
     * @param profile the site profile it was loaded with (the bundled one by default) with the file's reference
     *     intervals applied
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

        /**
         * Protocol day {@code pdy} (as readings and windows carry it) in the file's convention: the day a table, a chart
         * axis or a report shows. Under ADY there is never a day 0.
         */
        public int day(int pdy) {
            return dayConvention.fromPdy(pdy);
        }

        /**
         * Every visit in the file's convention, {@code BASELINE} first: its window is the baseline window's first day
         * to the anchor's day (the anchor instant included), its target the anchor's day (PDY 0, ADY 1).
         */
        public List<VisitDays> visitDays() {
            List<VisitDays> visits = new ArrayList<>();
            int window = Math.toIntExact(protocol.baselineWindow().toDays());
            visits.add(VisitDays.of(Protocol.BASELINE, day(0), day(-window), day(0)));
            for (VisitWindow visit : protocol.visits()) {
                visits.add(
                        VisitDays.of(visit.name(), day(visit.targetDay()), day(visit.fromDay()), day(visit.toDay())));
            }
            return List.copyOf(visits);
        }

        /**
         * The label of a visit for tables and charts, with its days in the file's convention: {@code BL (day -7 to 1)}
         * and {@code D7 (day 6 to 8)} under ADY, {@code BL (day -7 to 0)} under PDY; a name the protocol does not
         * know (a stale record) as it is.
         */
        public String visitLabel(String visit) {
            return visitDays().stream()
                    .filter(v -> v.name().equals(visit))
                    .map(VisitDays::label)
                    .findFirst()
                    .orElse(visit);
        }

        /**
         * The heading of an arm: the table's title for it ({@code Group A (severe)}) or else the label itself. A
         * blinded protocol's arms are shown by their neutral codes, which have no titles: use this only for labels
         * that are not blinded.
         */
        public String armTitle(String arm) {
            return table.columnTitles().getOrDefault(arm, arm);
        }

        /**
         * The protocol's arms in the order it lists them, each with its heading ({@link #armTitle}); none for a blinded
         * protocol, whose outputs carry neutral codes (Arm A, Arm B) that a list of the real arms must not sit beside.
         */
        public Map<String, String> armTitles() {
            if (protocol.blinding().blinded()) {
                return Map.of();
            }
            Map<String, String> titles = new LinkedHashMap<>();
            arms.forEach(arm -> titles.put(arm, armTitle(arm)));
            return Collections.unmodifiableMap(titles);
        }

        /**
         * The title with the conventions its numbers follow, for a table, report or dashboard heading: {@code ...
         * [protocol seed-000, days in ADY (infusion day = day 1, no day 0), follow-up 14 days, quantile type 6]}.
         */
        public String heading() {
            return heading(protocol);
        }

        /**
         * {@link #heading()} with the rules a command runs by ({@code --follow-up-days} and {@code
         * BIOMARKER_FOLLOW_UP_DAYS} override the file's follow-up).
         */
        public String heading(Protocol rules) {
            return title + " [protocol " + rules.name() + ", days in " + dayConvention + " (" + dayConvention.meaning()
                    + "), follow-up " + rules.followUp().toDays() + " days, quantile type "
                    + rules.quantileType().number() + "]";
        }
    }

    /**
     * A visit's days as the protocol file writes them (its {@link DayConvention}).
     *
     * @param name the visit's name ({@code BASELINE}, {@code D7})
     * @param label the name with its window, e.g. {@code D7 (day 6 to 8)}
     * @param target the day the visit aims at
     * @param low first day of the window
     * @param high last day of the window
     */
    public record VisitDays(String name, String label, int target, int low, int high) {
        static VisitDays of(String name, int target, int low, int high) {
            String shown = Protocol.BASELINE.equals(name) ? "BL" : name;
            String days = low == high ? "day " + low : "day " + low + " to " + high;
            return new VisitDays(name, shown + " (" + days + ")", target, low, high);
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
        return load(nameOrPath, env, SiteProfile.defaults());
    }

    /**
     * The bundled protocol {@code nameOrPath} or else the file at that path, its reference intervals applied to {@code
     * site} (a site profile file, see {@link SiteProfileFile}).
     *
     * @throws IllegalArgumentException naming the file and the field when it is missing or wrong, or names an analyte
     *     {@code site} does not define
     */
    public static Loaded load(String nameOrPath, Map<String, String> env, SiteProfile site) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        String name = nameOrPath.strip();
        if (BUNDLED.contains(name)) {
            return bundled(name, env, site);
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
                    env,
                    site);
        } catch (IOException e) {
            throw new IllegalArgumentException("protocol " + name + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** The bundled protocol of this name. */
    public static Loaded bundled(String name, Map<String, String> env) {
        return bundled(name, env, SiteProfile.defaults());
    }

    /** The bundled protocol of this name, its reference intervals applied to {@code site}. */
    public static Loaded bundled(String name, Map<String, String> env, SiteProfile site) {
        String resource = RESOURCE_DIR + name + ".yaml";
        try (InputStream in = ProtocolFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no bundled protocol " + name + " (" + String.join(", ", BUNDLED) + ")");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml", env, site);
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
        return parse(yaml, source, env, SiteProfile.defaults());
    }

    /**
     * Parses and checks a protocol file's text, its reference intervals applied to {@code site}.
     *
     * @param source the file's name for messages
     * @param env the environment ({@value #BLINDING_KEY_ENV} is read)
     */
    public static Loaded parse(String yaml, String source, Map<String, String> env, SiteProfile site) {
        ProtocolDocument document;
        try {
            document = YAML.readValue(yaml, ProtocolDocument.class);
        } catch (JsonProcessingException e) {
            throw ProtocolMistake.of(e, source, yaml);
        }
        if (document == null) {
            throw new IllegalArgumentException(source + ": expected a mapping of protocol fields at the top level");
        }
        try {
            return document.loaded(env, site);
        } catch (FieldError e) {
            throw ProtocolMistake.of(e, source, yaml);
        }
    }
}
