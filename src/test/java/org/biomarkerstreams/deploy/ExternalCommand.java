package org.biomarkerstreams.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A command-line tool the deployment tests drive (docker-compose, promtool, podman, ...). */
record ExternalCommand(String tool, String installHint) {

    /** Exit code and combined stdout and stderr of one finished invocation. */
    record Result(List<String> command, int exitCode, String output) {

        Result requireSuccess() {
            if (exitCode != 0) {
                fail("`%s` exited with %d:%n%s", String.join(" ", command), exitCode, output);
            }
            return this;
        }
    }

    /** Fails the test, naming the package to install, when the tool is not on the PATH. */
    Path require() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("`%s` is not on the PATH; %s (.ci/run does this)", tool, installHint);
    }

    Result run(Path workingDir, Duration timeout, String... args) {
        return run(workingDir, timeout, Set.of(), args);
    }

    /** As {@link #run(Path, Duration, String...)}, without the named variables of this JVM's environment. */
    Result run(Path workingDir, Duration timeout, Set<String> unsetEnv, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("external-command", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(workingDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().keySet().removeAll(unsetEnv);
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                    return fail(
                            "`%s` did not finish within %s:%n%s",
                            String.join(" ", command), timeout, Files.readString(output, StandardCharsets.UTF_8));
                }
                return new Result(command, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return fail("could not run `%s`: %s", String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running `%s`", String.join(" ", command));
        }
    }
}
