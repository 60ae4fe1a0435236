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
 * A protocol file's reference intervals, replacing the site profile's: one interval per analyte ({@code CRP: "<10"}),
 * or for D-dimer one per assay type ({@code DDIMER: {DDU: "<243"}}), since FEU and DDU are never converted into each
 * other. They are bound as written and checked against the site profile they are applied to ({@link #applyTo}), so a
 * protocol may set the interval of an analyte that only the site's profile file defines.
 *
 * @param written per analyte code as written, in the order written, the interval text or the mapping of assay type to
 *     interval text
 */
record ReferenceIntervals(Map<String, Object> written) {

    static final ReferenceIntervals NONE = new ReferenceIntervals(Map.of());

    private static final String SHAPE = "an interval like \"<10\", \">300\" or \"1.1-3.2\"";

    ReferenceIntervals {
        written = Collections.unmodifiableMap(new LinkedHashMap<>(written));
    }

    /** Binds the mapping as written: a value is an interval, or a mapping of assay type to interval. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ReferenceIntervals of(Map<String, Object> written) {
        return new ReferenceIntervals(written);
    }

    /**
     * {@code profile} with these intervals in place of its own.
     *
     * @throws FieldError naming the analyte (relative to the {@code referenceIntervals} section) when it is unknown to
     *     {@code profile} or its interval is not one
     */
    SiteProfile applyTo(SiteProfile profile) {
        SiteProfile applied = profile;
        for (Map.Entry<String, Object> entry : written.entrySet()) {
            String name = entry.getKey();
            AnalyteDefinition analyte = profile.analyte(name)
                    .orElseThrow(() -> new FieldError(name, "unknown analyte (known: " + known(profile) + ")"));
            Map<AssayType, ReferenceInterval> intervals = analyte.requiresAssayType()
                    ? perAssay(analyte.paramcd(), entry.getValue(), name)
                    : Map.of(AssayType.NONE, interval(entry.getValue(), name));
            for (Map.Entry<AssayType, ReferenceInterval> interval : intervals.entrySet()) {
                applied = applied.withInterval(analyte.paramcd(), interval.getKey(), interval.getValue());
            }
        }
        return applied;
    }

    /**
     * The intervals of a site profile's analyte as written: one interval (assay type NONE), or a mapping of assay type
     * (FEU, DDU) to interval, which makes results of the analyte need an assay type; none when absent.
     */
    static Map<AssayType, ReferenceInterval> written(String paramcd, Object value, String field) {
        if (value == null) {
            return Map.of();
        }
        return value instanceof Map<?, ?>
                ? perAssay(paramcd, value, field)
                : Map.of(AssayType.NONE, interval(value, field));
    }

    private static Map<AssayType, ReferenceInterval> perAssay(String paramcd, Object value, String field) {
        if (!(value instanceof Map<?, ?> byAssay) || byAssay.isEmpty()) {
            throw new FieldError(
                    field,
                    paramcd + " needs an interval per assay type, e.g. {DDU: \"<243\", FEU: \"<500\"}: FEU"
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
            // The parser says why: not readable, a bound too large, or empty (its low above its high).
            throw new FieldError(
                    field, parsed.rejection().message().replaceFirst("^reference range ", "") + "; expected " + SHAPE);
        }
        return parsed.value();
    }

    private static String known(SiteProfile profile) {
        return profile.analytes().stream().map(AnalyteDefinition::paramcd).collect(Collectors.joining(", "));
    }
}
