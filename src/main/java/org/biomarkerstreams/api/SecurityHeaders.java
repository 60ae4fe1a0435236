package org.biomarkerstreams.api;

import java.net.URI;
import org.eclipse.jetty.http.HttpFields;

/**
 * The headers every answer carries: a Content-Security-Policy that lets the dashboard load only its own files and
 * talk only to this server and the identity provider, no sniffing, no framing, no Referer (paths carry patient
 * ids), and HSTS when the connection is TLS.
 */
final class SecurityHeaders {

    private final String contentSecurityPolicy;

    SecurityHeaders(HttpSettings settings) {
        String connect = "'self'";
        if (settings.access() instanceof HttpSettings.Access.Authenticated a
                && a.dashboardLogin().isPresent()) {
            connect += " " + origin(a.dashboardLogin().get().issuer());
        }
        // ECharts' SVG renderer sets style attributes; nothing else is inline.
        this.contentSecurityPolicy = "default-src 'self'; connect-src " + connect
                + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none';"
                + " form-action 'self' " + formTargets(settings);
    }

    private static String formTargets(HttpSettings settings) {
        if (settings.access() instanceof HttpSettings.Access.Authenticated a
                && a.dashboardLogin().isPresent()) {
            return origin(a.dashboardLogin().get().issuer());
        }
        return "";
    }

    static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    void applyTo(HttpFields.Mutable headers, boolean secure) {
        headers.put("Content-Security-Policy", contentSecurityPolicy);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Cross-Origin-Opener-Policy", "same-origin");
        headers.put("Cross-Origin-Resource-Policy", "same-origin");
        if (secure) {
            headers.put("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
