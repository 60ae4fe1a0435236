package org.biomarkerstreams.api;

/**
 * {@code /api/auth-config}: how the dashboard gets a token. {@code open} (loopback, no authentication), {@code
 * oidc} with the issuer and the public client to log in as (authorization code with PKCE), or {@code token} when
 * only API tokens are configured (the dashboard asks for one).
 */
final class AuthConfig {

    private AuthConfig() {}

    static Reply reply(HttpSettings.Access access) {
        return Reply.json(200, json -> {
            json.writeStartObject();
            if (access instanceof HttpSettings.Access.Authenticated a) {
                if (a.dashboardLogin().isPresent()) {
                    HttpSettings.DashboardLogin login = a.dashboardLogin().get();
                    json.writeStringField("mode", "oidc");
                    json.writeStringField("issuer", login.issuer());
                    json.writeStringField("clientId", login.clientId());
                    json.writeStringField("audience", login.audience());
                } else {
                    json.writeStringField("mode", "token");
                }
            } else {
                json.writeStringField("mode", "open");
            }
            json.writeEndObject();
        });
    }
}
