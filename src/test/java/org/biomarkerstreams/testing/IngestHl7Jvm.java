package org.biomarkerstreams.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.cli.Main;

/** {@code ingest-hl7} in its own JVM, as an operator runs it, listening on a port it names in its output. */
public final class IngestHl7Jvm {

    private static final Pattern LISTENING = Pattern.compile("Listening for HL7 v2 over MLLP on port (\\d+)");

    private IngestHl7Jvm() {}

    /** A started {@code ingest-hl7} and the port it listens on. */
    public record Started(Process process, int port) {}

    /**
     * Starts {@code ingest-hl7} with {@code arguments} (after the command name), its output in {@code out}
     * and {@code err}, and waits until it listens; kills it if it does not.
     */
    public static Started start(List<String> arguments, Path out, Path err) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small heap and C1 only: a short-lived ingest on a shared 2-core machine should start fast.
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "ingest-hl7"));
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // The parent's BIOMARKER_* settings (if any) must not redirect the child to another cluster.
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        Process process = builder.start();
        int[] bound = {-1};
        try {
            await("ingest-hl7 to listen (output: " + out.toAbsolutePath() + ", " + err + ")")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(
                                    "ingest-hl7 exited with " + process.exitValue() + ": " + Files.readString(err));
                        }
                        Matcher m = LISTENING.matcher(Files.readString(out));
                        if (m.find()) {
                            bound[0] = Integer.parseInt(m.group(1));
                            return true;
                        }
                        return false;
                    });
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
        return new Started(process, bound[0]);
    }
}
