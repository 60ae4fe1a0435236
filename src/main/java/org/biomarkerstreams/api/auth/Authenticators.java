package org.biomarkerstreams.api.auth;

import java.util.List;
import java.util.Optional;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.biomarkerstreams.api.auth.AuthResult.Unavailable;

/** Combines the configured ways in. */
public final class Authenticators {

    private Authenticators() {}

    /**
     * One authenticator for all: a bearer token with the API token prefix goes to the {@link ApiTokens}
     * in the list, any other bearer token to the others (OIDC). Of those asked, the first that
     * authenticates wins; otherwise the first rejection (or provider outage) is the answer.
     */
    public static Authenticator firstOf(List<Authenticator> all) {
        List<Authenticator> authenticators = List.copyOf(all);
        if (authenticators.isEmpty()) {
            throw new IllegalArgumentException("at least one authenticator is needed");
        }
        return header -> {
            Optional<String> token = BearerToken.from(header);
            if (token.isEmpty()) {
                return new Missing();
            }
            boolean apiToken = ApiTokens.isApiToken(token.get());
            AuthResult firstRejection = null;
            for (Authenticator authenticator : authenticators) {
                if ((authenticator instanceof ApiTokens) != apiToken) {
                    continue;
                }
                AuthResult result = authenticator.authenticate(header);
                if (result instanceof Authenticated) {
                    return result;
                }
                if (firstRejection == null && (result instanceof Rejected || result instanceof Unavailable)) {
                    firstRejection = result;
                }
            }
            if (firstRejection != null) {
                return firstRejection;
            }
            return new Rejected(apiToken ? "API tokens are not configured" : "OIDC is not configured");
        };
    }
}
