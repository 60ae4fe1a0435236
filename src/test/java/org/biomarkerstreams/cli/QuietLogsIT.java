package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.biomarkerstreams.app.CatchUp;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.ApicurioRegistryExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A normal demo, and a normal {@code broker} + {@code run} + {@code replay} + {@code export} on a fresh cluster,
 * print no WARN or ERROR line. Each command runs in a JVM of its own with the application's own {@code logback.xml},
 * as a user runs it, and everything it prints is searched; the lines found are shown when the test fails.
 */
class QuietLogsIT {

    @RegisterExtension
    static final ApicurioRegistryExtension REGISTRY = new ApicurioRegistryExtension();

    /** The start of a line in the application's log pattern: {@code HH:mm:ss.SSS LEVEL logger - message}. */
    private static final String LOG_LINE = "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} ";

    private static final Pattern WARN_OR_ERROR = Pattern.compile("^" + LOG_LINE + "(WARN|ERROR) ");

    private static final Pattern BROKER_ADDRESS = Pattern.compile("Kafka broker listening on (\\S+)");
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(6);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    /** Under target/, not the OS temp directory: Kafka Streams rightly warns about state kept there. */
    private final Path stateDir = Path.of("target", "quiet-logs-state-" + UUID.randomUUID());

    @AfterEach
    void stopWhatIsStillRunning() throws Exception {
        for (Process process : started) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (Files.exists(stateDir)) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void shouldPrintNoWarningOrErrorWhenTheDemoRuns() throws Exception {
        Process demo =
                start("demo", "demo", "--exit-when-done", "--patients", "12", "--http-port", "0", "--mllp-port", "0");

        assertThat(demo.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS))
                .as("the demo exits within %s", COMMAND_LIMIT)
                .isTrue();
        assertThat(demo.exitValue()).as("demo exit code; %s", output("demo")).isZero();
        assertThat(output("demo"))
                .as("the demo printed its table, and its log lines in the application's pattern")
                .contains("Time to normalization")
                .containsPattern(LOG_LINE + "INFO  o.b.demo.EmbeddedKafkaBroker - Embedded Kafka broker ready");
        assertQuiet("demo");
    }

    @Test
    void shouldPrintNoWarningOrErrorWhenRunProcessesWhatReplayWroteToABroker() throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        assertThat(Main.commandLine().execute("generate", "--patients", "8", "--seed", "17", "--out", files.toString()))
                .isZero();
        Path pseudonymKey =
                Files.writeString(dir.resolve("pseudonym.key"), "quiet-logs-pseudonym-key-" + UUID.randomUUID());
        // 32 bytes, base64: a dead-letter key as `openssl rand -base64 32` makes it.
        Path deadLetterKey =
                Files.writeString(dir.resolve("dead-letter.key"), "bm90LWEtc2VjcmV0LWp1c3QtYS10ZXN0LWtleS0zMmI=\n");
        String registry = REGISTRY.confluentUrl();

        Process broker = start("broker", "broker", "--port", "0");
        String bootstrap = awaitPrinted("broker", broker, BROKER_ADDRESS);
        assertThat(output("broker"))
                .containsPattern(LOG_LINE + "INFO  o.b.demo.EmbeddedKafkaBroker - Embedded Kafka broker ready");

        String applicationId = "quiet-" + UUID.randomUUID();
        Process run = start(
                "run",
                "run",
                "--bootstrap-servers",
                bootstrap,
                "--schema-registry-url",
                registry,
                "--application-id",
                applicationId,
                "--state-dir",
                stateDir.toString(),
                "--pseudonym-key-file",
                pseudonymKey.toString(),
                "--dead-letter-key-file",
                deadLetterKey.toString(),
                "--http-port",
                "0",
                "--health-port",
                "0",
                "--http-bind-address",
                "127.0.0.1");
        // A log line: it also shows that run's log is in the pattern searched below.
        awaitPrinted(
                "run",
                run,
                Pattern.compile(LOG_LINE + "INFO  o.b.app.StreamsRuntime - Kafka Streams REBALANCING -> (RUNNING)"));

        Process replay = start(
                "replay",
                "replay",
                "--bootstrap-servers",
                bootstrap,
                "--schema-registry-url",
                registry,
                "--dead-letter-key-file",
                deadLetterKey.toString(),
                "--readings",
                files.resolve("readings.ndjson").toString(),
                "--events",
                files.resolve("events.ndjson").toString());
        assertThat(replay.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(replay.exitValue())
                .as("replay exit code; %s", output("replay"))
                .isZero();

        Topics topics = Topics.defaults();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            CatchUp.await(
                    admin, applicationId, CatchUp.endOffsets(admin, topics.inputs()), COMMAND_LIMIT, run::isAlive);
            CatchUp.awaitSettled(admin, topics.outputs(), Duration.ofSeconds(3), COMMAND_LIMIT, run::isAlive);
        }

        Path exported = dir.resolve("export");
        Process export = start(
                "export",
                "export",
                "--bootstrap-servers",
                bootstrap,
                "--schema-registry-url",
                registry,
                "--out",
                exported.toString());
        assertThat(export.waitFor(COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(export.exitValue())
                .as("export exit code; %s", output("export"))
                .isZero();
        assertThat(Files.readAllLines(exported.resolve(topics.timeToNormalization() + ".ndjson")))
                .as("run processed the replayed cohort")
                .isNotEmpty();

        stop(run);
        stop(broker);
        for (String name : List.of("broker", "run", "replay", "export")) {
            assertQuiet(name);
        }
    }

    private Process start(String name, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // C1 only: several short-lived JVMs on a shared 2-core machine.
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        // The parent's BIOMARKER_* settings (if any) must not redirect the child to another cluster.
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /** Waits for {@code pattern} in what the command printed and returns its first group. */
    private String awaitPrinted(String name, Process process, Pattern pattern) {
        String[] found = {null};
        await(name + " to print " + pattern)
                .atMost(COMMAND_LIMIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Matcher m = pattern.matcher(output(name));
                    if (m.find()) {
                        found[0] = m.group(1);
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                name + " exited with " + process.exitValue() + ": " + output(name));
                    }
                    return false;
                });
        return found[0];
    }

    /** SIGTERM, as a container stop sends it, and waits for the clean shutdown. */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    }

    private void assertQuiet(String name) throws IOException {
        List<String> loud = output(name)
                .lines()
                .filter(line -> WARN_OR_ERROR.matcher(line).find())
                .toList();
        assertThat(loud).as("WARN and ERROR lines of %s", name).isEmpty();
    }

    private String output(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    }
}
