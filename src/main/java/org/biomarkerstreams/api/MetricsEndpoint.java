package org.biomarkerstreams.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics}: the Prometheus scrape of a registry, as OpenMetrics when the scraper asks for it
 * ({@code Accept: application/openmetrics-text}), else the Prometheus text format 0.0.4.
 */
public final class MetricsEndpoint {

    static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    Reply scrape(String accept) {
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : TEXT_004;
        return new Reply(200, contentType, registry.scrape(contentType).getBytes(StandardCharsets.UTF_8));
    }
}
