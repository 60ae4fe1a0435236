package org.biomarkerstreams.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorsTest {

    @TempDir
    Path dir;

    private final String apiToken = ApiTokens.generate(new SecureRandom());
    private final List<String> oidcAsked = new ArrayList<>();
    private final Authenticator oidc = header -> {
        oidcAsked.add(header);
        return header.endsWith("good.jwt")
                ? new Authenticated(new Caller("user-1", Set.of(Role.MONITOR)))
                : new Rejected("invalid signature");
    };

    private ApiTokens apiTokens() throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, ApiTokens.fileLine("lab", apiToken, Set.of(Role.OPS)) + "\n");
        return ApiTokens.loadUnwatched(file);
    }

    @Test
    void shouldSendAPrefixedTokenToTheApiTokensOnly() throws IOException {
        Authenticator all = Authenticators.firstOf(List.of(oidc, apiTokens()));

        assertThat(all.authenticate("Bearer " + apiToken))
                .isEqualTo(new Authenticated(new Caller("token:lab", Set.of(Role.OPS))));
        assertThat(all.authenticate("Bearer bst_unknown")).isEqualTo(new Rejected("unknown API token"));
        assertThat(oidcAsked).isEmpty();
    }

    @Test
    void shouldSendAnyOtherTokenToOidc() throws IOException {
        Authenticator all = Authenticators.firstOf(List.of(apiTokens(), oidc));

        assertThat(all.authenticate("Bearer good.jwt")).isInstanceOf(Authenticated.class);
        assertThat(all.authenticate("Bearer bad.jwt")).isEqualTo(new Rejected("invalid signature"));
        assertThat(oidcAsked).hasSize(2);
    }

    @Test
    void shouldAnswerMissingWithoutAskingAnyoneWhenThereIsNoBearerToken() throws IOException {
        Authenticator all = Authenticators.firstOf(List.of(apiTokens(), oidc));

        assertThat(all.authenticate(null)).isEqualTo(new Missing());
        assertThat(all.authenticate("Basic x")).isEqualTo(new Missing());
        assertThat(oidcAsked).isEmpty();
    }

    @Test
    void shouldRejectAKindOfTokenNothingIsConfiguredFor() throws IOException {
        assertThat(Authenticators.firstOf(List.of(oidc)).authenticate("Bearer " + apiToken))
                .isEqualTo(new Rejected("API tokens are not configured"));
        assertThat(Authenticators.firstOf(List.of(apiTokens())).authenticate("Bearer good.jwt"))
                .isEqualTo(new Rejected("OIDC is not configured"));
        assertThatThrownBy(() -> Authenticators.firstOf(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
