package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.biomarkerstreams.api.auth.ApiTokens;
import org.biomarkerstreams.api.auth.AuthResult;
import org.biomarkerstreams.api.auth.Caller;
import org.biomarkerstreams.api.auth.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ApiTokenCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void shouldPrintATokenAndTheFileLineThatAuthenticatesIt() throws IOException {
        assertThat(run("api-token", "--name", "lab-dashboard", "--role", "monitor", "--role", "UNBLINDED"))
                .isZero();

        String[] lines = out.toString().strip().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("bst_[A-Za-z0-9_-]{43}");
        assertThat(lines[1])
                .startsWith("lab-dashboard:")
                .endsWith(":monitor,unblinded")
                .doesNotContain(lines[0]);
        Path file = Files.writeString(dir.resolve("api-tokens"), lines[1] + "\n");
        try (ApiTokens tokens = ApiTokens.load(file)) {
            assertThat(tokens.authenticate("Bearer " + lines[0]))
                    .isEqualTo(new AuthResult.Authenticated(
                            new Caller("token:lab-dashboard", Set.of(Role.MONITOR, Role.UNBLINDED))));
        }
    }

    @Test
    void shouldNameTheOptionWhenARoleIsUnknown() {
        assertThat(run("api-token", "--name", "lab", "--role", "admin")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--role: unknown role 'admin'");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldNameTheOptionWhenTheNameCannotBeAFileField() {
        assertThat(run("api-token", "--name", "lab:x", "--role", "ops")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--name:");
        assertThat(out.toString()).isEmpty();
    }
}
