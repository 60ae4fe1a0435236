package org.biomarkerstreams.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request to the query server, parsed from its raw path and query. {@link #template()} names the route
 * without its parameters: that is what gets logged, since a path may carry a patient id.
 */
public sealed interface ApiRequest {

    /**
     * A question about one patient, asked for by its patient id (the inputs' key). With a pseudonym key the answer
     * shows the pseudonym in its place; a pseudonym is not an id the API can look up.
     */
    sealed interface PatientRequest extends ApiRequest {
        String patientId();
    }

    /** A question about the cohort, of one analyte or (null) all. */
    sealed interface CohortRequest extends ApiRequest {
        String analyte();
    }

    record PatientTrajectory(String patientId, String analyte) implements PatientRequest {}

    record PatientSummary(String patientId) implements PatientRequest {}

    /** The patient's time-to-normalization records (status, aval, cnsr, event date, ...), one per analyte. */
    record PatientTimeToNormalization(String patientId) implements PatientRequest {}

    record CohortVisits(String analyte) implements CohortRequest {}

    record CohortNormalization(String analyte) implements CohortRequest {}

    /** The site profile's analytes with units and reference intervals (the dashboard shades them). */
    record Analytes() implements ApiRequest {}

    /** The study the dashboard shows: title, arms, day convention, visit windows, quartile definition. */
    record StudyProtocol() implements ApiRequest {}

    /** How the dashboard logs in: open, OIDC (issuer and public client) or API token. */
    record AuthConfig() implements ApiRequest {}

    record Live() implements ApiRequest {}

    record Ready() implements ApiRequest {}

    /** The Prometheus scrape. */
    record Metrics() implements ApiRequest {}

    /** A file of the dashboard, by its resource name under {@code dashboard/} or the chart library. */
    record Asset(String name) implements ApiRequest {}

    /** The route with placeholders, e.g. {@code /api/patients/{id}/trajectory}: safe to log. */
    default String template() {
        if (this instanceof Asset asset) {
            return "/" + asset.name();
        }
        return TEMPLATES.get(getClass());
    }

    /** The route of each request type but assets, whose template is their own path. */
    Map<Class<? extends ApiRequest>, String> TEMPLATES = Map.ofEntries(
            Map.entry(PatientTrajectory.class, "/api/patients/{id}/trajectory"),
            Map.entry(PatientSummary.class, "/api/patients/{id}/summary"),
            Map.entry(PatientTimeToNormalization.class, "/api/patients/{id}/time-to-normalization"),
            Map.entry(CohortVisits.class, "/api/cohort/visits"),
            Map.entry(CohortNormalization.class, "/api/cohort/normalization"),
            Map.entry(Analytes.class, "/api/analytes"),
            Map.entry(StudyProtocol.class, "/api/protocol"),
            Map.entry(AuthConfig.class, "/api/auth-config"),
            Map.entry(Live.class, "/health/live"),
            Map.entry(Ready.class, "/health/ready"),
            Map.entry(Metrics.class, "/metrics"));

    String ECHARTS = "vendor/echarts.min.js";

    /** The dashboard's own files: nothing else on the class path is served. */
    java.util.Set<String> DASHBOARD_FILES = java.util.Set.of("index.html", "login.js", "dashboard.js", "dashboard.css");

    /**
     * The request a raw (still percent-encoded) path and query stand for, or empty when no route matches.
     * Query parameters other than {@code analyte} are ignored; an empty {@code analyte=} counts as absent.
     */
    static Optional<ApiRequest> parse(String rawPath, String rawQuery) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.equals("/")) {
            return Optional.of(new Asset("index.html"));
        }
        String[] s = rawPath.substring(1).split("/", -1);
        String analyte = query(rawQuery).get("analyte");
        if (analyte != null && analyte.isBlank()) {
            analyte = null;
        }
        if (s.length == 4 && s[0].equals("api") && s[1].equals("patients") && !s[2].isEmpty()) {
            String id = decode(s[2]);
            return switch (s[3]) {
                case "trajectory" -> Optional.of(new PatientTrajectory(id, analyte));
                case "summary" -> Optional.of(new PatientSummary(id));
                case "time-to-normalization" -> Optional.of(new PatientTimeToNormalization(id));
                default -> Optional.empty();
            };
        }
        String path = String.join("/", s);
        return switch (path) {
            case "api/cohort/visits" -> Optional.of(new CohortVisits(analyte));
            case "api/cohort/normalization" -> Optional.of(new CohortNormalization(analyte));
            case "api/analytes" -> Optional.of(new Analytes());
            case "api/protocol" -> Optional.of(new StudyProtocol());
            case "api/auth-config" -> Optional.of(new AuthConfig());
            case "health/live" -> Optional.of(new Live());
            case "health/ready" -> Optional.of(new Ready());
            case "metrics" -> Optional.of(new Metrics());
            case ECHARTS -> Optional.of(new Asset(ECHARTS));
            default -> DASHBOARD_FILES.contains(path) ? Optional.of(new Asset(path)) : Optional.empty();
        };
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Percent-decodes a path segment; unlike a query, a '+' in a path is a plus sign. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
