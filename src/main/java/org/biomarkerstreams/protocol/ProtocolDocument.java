package org.biomarkerstreams.protocol;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.biomarkerstreams.domain.BaselineRule;
import org.biomarkerstreams.domain.Blinding;
import org.biomarkerstreams.domain.Confirmation;
import org.biomarkerstreams.domain.Protocol;
import org.biomarkerstreams.domain.QuantileType;
import org.biomarkerstreams.domain.SiteProfile;
import org.biomarkerstreams.domain.VisitWindow;
import org.biomarkerstreams.protocol.ProtocolFile.DayConvention;
import org.biomarkerstreams.protocol.ProtocolFile.Layout;
import org.biomarkerstreams.protocol.ProtocolFile.Loaded;
import org.biomarkerstreams.protocol.ProtocolFile.Table;

/**
 * A protocol file as Jackson binds it: a component per top-level key, days as the file writes them. The constructor
 * fills in defaults and checks what the top level holds together (a blinded protocol's arms, the table's stratum);
 * each section checks its own fields. {@link #loaded} converts the days and checks the demo against the protocol.
 *
 * @param visits the visit windows; {@code null} for the default ones
 * @param confirmations a count ({@code 2}) or hours ({@code 48h}); {@code null} for the default
 * @param demo the demo section; {@code null} when the file has none
 */
record ProtocolDocument(
        String name,
        String title,
        String citation,
        String timeZone,
        DayConvention dayConvention,
        List<VisitEntry> visits,
        Integer baselineWindowDays,
        String baselineRule,
        Integer followUpDays,
        String confirmations,
        Integer closeGraceDays,
        ReferenceIntervals referenceIntervals,
        List<String> strata,
        List<String> arms,
        boolean blinded,
        String blindingKey,
        boolean locf,
        Table table,
        Integer quantileType,
        DemoSection demo) {

    ProtocolDocument {
        title = title == null ? name : title;
        name = Check.required(name, "name");
        citation = Objects.requireNonNullElse(citation, "");
        timeZone = zone(timeZone == null ? "UTC" : timeZone);
        dayConvention = Objects.requireNonNullElse(dayConvention, DayConvention.PDY);
        visits = visits == null ? null : distinct(visits);
        Protocol defaults = Protocol.defaults();
        baselineWindowDays = Check.days(baselineWindowDays, 0, defaults.baselineWindow(), "baselineWindowDays");
        followUpDays = Check.days(followUpDays, 1, defaults.followUp(), "followUpDays");
        baselineRule = baselineRule(baselineRule).name();
        if (quantileType != null && (quantileType < 1 || quantileType > 9)) {
            throw new FieldError(
                    "quantileType",
                    "expected 1-9 (Hyndman-Fan, as R's quantile(type =) numbers them), got " + quantileType);
        }
        quantileType = Objects.requireNonNullElse(quantileType, QuantileType.TYPE_7.number());
        closeGraceDays = Check.days(closeGraceDays, 0, defaults.closeGrace(), "closeGraceDays");
        if (confirmations != null) {
            confirmation(confirmations);
        }
        referenceIntervals = Objects.requireNonNullElse(referenceIntervals, ReferenceIntervals.NONE);
        strata = Check.names(strata, "strata");
        arms = Check.names(arms, "arms");
        if (blinded && arms.size() < 2) {
            throw new FieldError("arms", "a blinded protocol declares the arms it hides (at least two)");
        }
        table = Objects.requireNonNullElse(table, Table.arms());
        if (table.layout() == Layout.STRATA && !strata.contains(table.stratum())) {
            throw new FieldError("table.stratum", "a strata layout names one of the protocol's strata " + strata);
        }
    }

    /**
     * The protocol, its site profile and demo, days in protocol days.
     *
     * @param env the environment; its {@value ProtocolFile#BLINDING_KEY_ENV} wins over the file's key
     * @param site the site profile the protocol's reference intervals are applied to
     */
    Loaded loaded(Map<String, String> env, SiteProfile site) {
        Protocol defaults = Protocol.defaults();
        Protocol protocol = new Protocol(
                        ZoneId.of(timeZone),
                        visits == null ? defaults.visits() : windows(),
                        Duration.ofDays(baselineWindowDays),
                        Duration.ofDays(followUpDays),
                        confirmations == null ? defaults.confirmation() : confirmation(confirmations),
                        Duration.ofDays(closeGraceDays))
                .withReporting(name, strata, blinding(env), locf)
                .withBaselineRule(BaselineRule.valueOf(baselineRule))
                .withQuantileType(QuantileType.of(quantileType));
        SiteProfile profile = FieldError.within("referenceIntervals", () -> referenceIntervals.applyTo(site));
        Optional<ProtocolFile.Demo> shape = Optional.ofNullable(demo)
                .map(section -> FieldError.within("demo", () -> section.demo(dayConvention, arms, strata)));
        return new Loaded(protocol, profile, title, citation, dayConvention, arms, table, shape);
    }

    private List<VisitWindow> windows() {
        List<VisitWindow> windows = new ArrayList<>();
        for (int i = 0; i < visits.size(); i++) {
            VisitEntry visit = visits.get(i);
            windows.add(FieldError.within(FieldPath.index("visits", i), () -> visit.window(dayConvention)));
        }
        return windows;
    }

    private Blinding blinding(Map<String, String> env) {
        if (!blinded) {
            return Blinding.none();
        }
        String envKey = env.get(ProtocolFile.BLINDING_KEY_ENV);
        String key = envKey != null && !envKey.isBlank() ? envKey : blindingKey;
        if (key == null || key.isBlank()) {
            throw new FieldError(
                    "blindingKey",
                    "a blinded protocol needs a key: set blindingKey or " + ProtocolFile.BLINDING_KEY_ENV);
        }
        return Blinding.of(arms, key);
    }

    /** {@code calendar-days} (the default) or {@code hours}. */
    private static BaselineRule baselineRule(String text) {
        if (text == null) {
            return BaselineRule.CALENDAR_DAYS;
        }
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "calendar-days", "calendar_days" -> BaselineRule.CALENDAR_DAYS;
            case "hours" -> BaselineRule.HOURS;
            default ->
                throw new FieldError(
                        "baselineRule",
                        "expected calendar-days (study days in the site zone) or hours (the window's days x 24 h), got '"
                                + text + "'");
        };
    }

    private static String zone(String text) {
        try {
            return ZoneId.of(text.strip()).getId();
        } catch (RuntimeException e) {
            throw new FieldError("timeZone", "'" + text + "' is not a time zone id (e.g. Asia/Shanghai, UTC)");
        }
    }

    private static Confirmation confirmation(String text) {
        try {
            return Confirmation.parse(text);
        } catch (RuntimeException e) {
            throw new FieldError(
                    "confirmations",
                    "expected a count of consecutive normal readings (e.g. 2) or hours (e.g. 48h), got '" + text + "'");
        }
    }

    private static List<VisitEntry> distinct(List<VisitEntry> visits) {
        if (visits.isEmpty()) {
            throw new FieldError("visits", "expected a list of {name, target, low, high}");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < visits.size(); i++) {
            if (!names.add(visits.get(i).name())) {
                throw new FieldError(
                        FieldPath.join(FieldPath.index("visits", i), "name"),
                        "'" + visits.get(i).name() + "' is listed twice");
            }
        }
        return List.copyOf(visits);
    }
}
