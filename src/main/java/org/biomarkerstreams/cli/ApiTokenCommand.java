package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.biomarkerstreams.api.auth.ApiTokens;
import org.biomarkerstreams.api.auth.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "api-token",
        mixinStandardHelpOptions = true,
        description = {
            "Makes an API token for a site without an OIDC provider. Prints the token (shown this once: only its",
            "SHA-256 digest is kept) and then the line to append to the API token file."
        })
final class ApiTokenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "Who or what holds the token; audit records show it as token:NAME.")
    String name;

    @Option(
            names = "--role",
            required = true,
            paramLabel = "ROLE",
            description = "clinician, monitor, ops or unblinded; repeat the option for several.")
    List<String> roles;

    @Override
    public Integer call() {
        EnumSet<Role> granted = EnumSet.noneOf(Role.class);
        for (String role : roles) {
            granted.add(Role.fromClaim(role)
                    .orElseThrow(() -> new IllegalArgumentException("--role: unknown role '" + role + "' (known: "
                            + Arrays.stream(Role.values()).map(Role::claimValue).collect(Collectors.joining(", "))
                            + ")")));
        }
        String token = ApiTokens.generate(new SecureRandom());
        String line;
        try {
            line = ApiTokens.fileLine(name, token, granted);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--name: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Two lines on stdout for scripts; the explanation on stderr.
        err.println("The token (give it to its holder now; it is not stored anywhere):");
        err.flush();
        out.println(token);
        out.flush();
        err.println("The line to append to the API token file (it holds the digest, not the token):");
        err.flush();
        out.println(line);
        out.flush();
        return 0;
    }
}
