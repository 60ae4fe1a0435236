package org.biomarkerstreams.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.biomarkerstreams.domain.AnalyteDefinition;
import org.biomarkerstreams.domain.AssayType;
import org.biomarkerstreams.domain.ReferenceInterval;
import org.biomarkerstreams.domain.Result;
import org.biomarkerstreams.domain.SiteProfile;

/**
 * A protocol file's reference intervals, replacing the default site profile's: one interval per analyte ({@code CRP:
 * "<10"}), or for D-dimer one per assay type ({@code DDIMER: {DDU: "<243"}}), since FEU and DDU are never converted
 * into each other.
 *
 * @param byAnalyte per analyte code, in the order written, the interval of each assay type ({@code NONE} for an
 *     analyte without assay types)
 */
record ReferenceIntervals(Map<String, Map<AssayType, ReferenceInterval>> byAnalyte) {

    static final ReferenceIntervals NONE = new ReferenceIntervals(Map.of());

    private static final String SHAPE = "an interval like \"<10\", \">300\" or \"1.1-3.2\"";

    ReferenceIntervals {
        byAnalyte = Collections.unmodifiableMap(new LinkedHashMap<>(byAnalyte));
    }

    /** Binds the mapping as written: a value is an interval, or a mapping of assay type to interval. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ReferenceIntervals written(Map<String, Object> written) {
        SiteProfile defaults = SiteProfile.defaults();
        Map<String, Map<AssayType, ReferenceInterval>> byAnalyte = new LinkedHashMap<>();
        written.forEach((name, value) -> {
            AnalyteDefinition analyte = defaults.analyte(name)
                    .orElseThrow(() -> new FieldError(name, "unknown analyte (known: " + known(defaults) + ")"));
            byAnalyte.put(
                    analyte.paramcd(),
                    analyte.requiresAssayType()
                            ? perAssay(analyte, value, name)
                            : Map.of(AssayType.NONE, interval(value, name)));
        });
        return new ReferenceIntervals(byAnalyte);
    }

    /** {@code profile} with these intervals in place of its own. */
    SiteProfile applyTo(SiteProfile profile) {
        SiteProfile applied = profile;
        for (Map.Entry<String, Map<AssayType, ReferenceInterval>> analyte : byAnalyte.entrySet()) {
            for (Map.Entry<AssayType, ReferenceInterval> interval :
                    analyte.getValue().entrySet()) {
                applied = applied.withInterval(analyte.getKey(), interval.getKey(), interval.getValue());
            }
        }
        return applied;
    }

    private static Map<AssayType, ReferenceInterval> perAssay(AnalyteDefinition analyte, Object value, String field) {
        if (!(value instanceof Map<?, ?> byAssay) || byAssay.isEmpty()) {
            throw new FieldError(
                    field,
                    analyte.paramcd() + " needs an interval per assay type, e.g. {DDU: \"<243\", FEU: \"<500\"}: FEU"
                            + " and DDU are never converted into each other");
        }
        Map<AssayType, ReferenceInterval> intervals = new LinkedHashMap<>();
        byAssay.forEach((key, interval) -> {
            String where = FieldPath.join(field, String.valueOf(key));
            AssayType assay =
                    switch (String.valueOf(key).strip().toUpperCase(Locale.ROOT)) {
                        case "FEU" -> AssayType.FEU;
                        case "DDU" -> AssayType.DDU;
                        default -> throw new FieldError(where, "assay type must be FEU or DDU");
                    };
            intervals.put(assay, interval(interval, where));
        });
        return Collections.unmodifiableMap(intervals);
    }

    private static ReferenceInterval interval(Object value, String field) {
        if (!(value instanceof String || value instanceof Number)) {
            throw new FieldError(field, "expected " + SHAPE);
        }
        Result<ReferenceInterval> parsed = ReferenceInterval.parse(String.valueOf(value));
        if (!parsed.isOk()) {
            throw new FieldError(field, "'" + value + "' is not " + SHAPE);
        }
        return parsed.value();
    }

    private static String known(SiteProfile profile) {
        return profile.analytes().stream().map(AnalyteDefinition::paramcd).collect(Collectors.joining(", "));
    }
}
