package org.biomarkerstreams.api.auth;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import org.biomarkerstreams.api.auth.AuthResult.Authenticated;
import org.biomarkerstreams.api.auth.AuthResult.Missing;
import org.biomarkerstreams.api.auth.AuthResult.Rejected;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final String labToken = ApiTokens.generate(RANDOM);
    private final String opsToken = ApiTokens.generate(RANDOM);

    private Path file(String... lines) throws IOException {
        Path file = dir.resolve("api-tokens");
        Files.write(file, List.of(lines));
        return file;
    }

    private Path twoTokens() throws IOException {
        return file(
                "# who:sha256:roles",
                ApiTokens.fileLine("lab-dashboard", labToken, EnumSet.of(Role.MONITOR, Role.UNBLINDED)),
                "",
                ApiTokens.fileLine("prometheus", opsToken, Set.of(Role.OPS)));
    }

    @Test
    void shouldMakeTokensOfThePrefixAnd43Base64UrlCharacters() {
        assertThat(labToken).matches("bst_[A-Za-z0-9_-]{43}").isNotEqualTo(opsToken);
    }

    @Test
    void shouldAuthenticateAsTokenNameWithItsRolesWhenTokenIsInTheFile() throws IOException {
        try (ApiTokens tokens = ApiTokens.loadUnwatched(twoTokens())) {
            assertThat(tokens.authenticate("Bearer " + labToken))
                    .isEqualTo(
                            new Authenticated(new Caller("token:lab-dashboard", Set.of(Role.MONITOR, Role.UNBLINDED))));
            assertThat(tokens.authenticate("Bearer " + opsToken))
                    .isEqualTo(new Authenticated(new Caller("token:prometheus", Set.of(Role.OPS))));
        }
    }

    @Test
    void shouldRejectWhenTokenIsNotInTheFile() throws IOException {
        try (ApiTokens tokens = ApiTokens.loadUnwatched(twoTokens())) {
            assertThat(tokens.authenticate("Bearer " + ApiTokens.generate(RANDOM)))
                    .isEqualTo(new Rejected("unknown API token"));
            assertThat(tokens.authenticate("Bearer " + labToken.substring(0, labToken.length() - 1)))
                    .isEqualTo(new Rejected("unknown API token"));
            assertThat(tokens.authenticate("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
                    .isEqualTo(new Rejected("not an API token"));
        }
    }

    @Test
    void shouldAnswerMissingWhenNoBearerTokenIsSent() throws IOException {
        try (ApiTokens tokens = ApiTokens.loadUnwatched(twoTokens())) {
            assertThat(tokens.authenticate(null)).isEqualTo(new Missing());
            assertThat(tokens.authenticate("Basic " + labToken)).isEqualTo(new Missing());
        }
    }

    @Test
    void shouldRejectARevokedTokenWhenTheFileIsReloadedWithoutIt() throws IOException {
        Path file = twoTokens();
        try (ApiTokens tokens = ApiTokens.loadUnwatched(file)) {
            assertThat(tokens.reloadIfChanged()).as("unchanged file").isFalse();

            Files.write(file, List.of(ApiTokens.fileLine("prometheus", opsToken, Set.of(Role.OPS))));

            assertThat(tokens.reloadIfChanged()).isTrue();
            assertThat(tokens.authenticate("Bearer " + labToken)).isEqualTo(new Rejected("unknown API token"));
            assertThat(tokens.authenticate("Bearer " + opsToken)).isInstanceOf(Authenticated.class);
        }
    }

    @Test
    void shouldKeepTheTokensInForceWhenAReloadedFileIsMalformed() throws IOException {
        Path file = twoTokens();
        try (ApiTokens tokens = ApiTokens.loadUnwatched(file)) {
            Files.writeString(file, "lab-dashboard:not-a-digest:monitor\n");

            assertThatThrownBy(tokens::reloadIfChanged).hasMessageContaining("line 1");
            assertThat(tokens.authenticate("Bearer " + labToken)).isInstanceOf(Authenticated.class);
        }
    }

    @Test
    void shouldCompareTheDigestOfEveryEntryWhenTheFirstMatches() throws IOException {
        List<byte[]> compared = new ArrayList<>();
        BiPredicate<byte[], byte[]> recording = (stored, presented) -> {
            compared.add(stored);
            return MessageDigest.isEqual(stored, presented);
        };
        try (ApiTokens tokens = ApiTokens.loadUnwatched(twoTokens(), recording)) {
            assertThat(tokens.authenticate("Bearer " + labToken)).isInstanceOf(Authenticated.class);
        }

        assertThat(compared).hasSize(2);
    }

    @Test
    void shouldCompareDigestsInConstantTimeNeverWithArraysEquals() {
        JavaClasses apiTokens = new ClassFileImporter().importClasses(ApiTokens.class);

        classes()
                .that()
                .areAssignableTo(ApiTokens.class)
                .should()
                .callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
                .check(apiTokens);
        noClasses()
                .that()
                .areAssignableTo(ApiTokens.class)
                .should()
                .callMethod(String.class, "equals", Object.class)
                .orShould()
                .callMethod(Arrays.class, "equals", byte[].class, byte[].class)
                .because("an early-exit comparison of digests times how much of one matched")
                .check(apiTokens);
    }

    @Test
    void shouldNameTheLineWhenAnEntryIsMalformed() throws IOException {
        String digest = "a".repeat(64);
        assertThatThrownBy(() -> ApiTokens.loadUnwatched(file("# ok", "lab-dashboard:" + digest)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageNotContaining(digest);
        assertThatThrownBy(() -> ApiTokens.loadUnwatched(file("lab:" + digest + "0:ops")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ApiTokens.loadUnwatched(file("lab:" + digest + ":ops,admin")))
                .hasMessageContaining("line 1")
                .hasMessageContaining("unknown role 'admin'");
        assertThatThrownBy(() -> ApiTokens.loadUnwatched(file("lab:" + digest + ":")))
                .hasMessageContaining("unknown role ''");
        assertThatThrownBy(() -> ApiTokens.loadUnwatched(file("la b:" + digest + ":ops")))
                .hasMessageContaining("name");
    }

    @Test
    void shouldRefuseTwoLinesWithTheSameNameOrTheSameToken() throws IOException {
        String line = ApiTokens.fileLine("lab", labToken, Set.of(Role.OPS));
        assertThatThrownBy(() ->
                        ApiTokens.loadUnwatched(file(line, ApiTokens.fileLine("lab", opsToken, Set.of(Role.OPS)))))
                .hasMessageContaining("line 2")
                .hasMessageContaining("already used on line 1");
        assertThatThrownBy(() ->
                        ApiTokens.loadUnwatched(file(line, ApiTokens.fileLine("lab2", labToken, Set.of(Role.OPS)))))
                .hasMessageContaining("line 2")
                .hasMessageContaining("same token");
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead() {
        Path absent = dir.resolve("absent");

        assertThatThrownBy(() -> ApiTokens.load(absent))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(absent.toString());
    }

    @Test
    void shouldAcceptUpperCaseDigestsAndSpacesAroundFields() throws IOException {
        String[] fields =
                ApiTokens.fileLine("lab", labToken, Set.of(Role.CLINICIAN)).split(":");
        Path file = file(" lab : " + fields[1].toUpperCase(java.util.Locale.ROOT) + " : Clinician ");

        try (ApiTokens tokens = ApiTokens.loadUnwatched(file)) {
            assertThat(tokens.authenticate("Bearer " + labToken))
                    .isEqualTo(new Authenticated(new Caller("token:lab", Set.of(Role.CLINICIAN))));
        }
    }

    @Test
    void shouldNeverLogATokenOrDigestWhenLoadingAndAuthenticating() throws IOException {
        String digest = ApiTokens.fileLine("lab", labToken, Set.of(Role.OPS)).split(":")[1];
        try (LogCapture logs = LogCapture.atLevel(Level.DEBUG);
                ApiTokens tokens = ApiTokens.load(twoTokens())) {
            tokens.authenticate("Bearer " + labToken);
            tokens.authenticate("Bearer " + labToken + "x");

            assertThat(logs.linesContaining(labToken)).isEmpty();
            assertThat(logs.linesContaining(digest)).isEmpty();
        }
    }
}
