package org.biomarkerstreams.security;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.cli.Main;

/**
 * The {@code demo} command in a JVM of its own (embedded broker, in-memory registry, pipeline, MLLP listener, HTTP
 * API and health listener), as an operator starts it; its standard output and error go to files that the suite
 * reads for the addresses it printed and searches for patient ids.
 */
final class DemoJvm implements AutoCloseable {

    private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (https?://\\S+?)/? ");
    private static final Pattern BROKER = Pattern.compile("Embedded Kafka broker at (\\S+);");
    private static final Pattern HEALTH =
            Pattern.compile("HTTP API listening on \\S+ \\([^)]*\\); health on port (\\d+)");

    private final Process process;
    private final Path out;
    private final Path err;
    private String dashboardUrl;
    private String bootstrapServers;
    private int healthPort;

    private DemoJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static DemoJvm start(Path logs, List<String> arguments) throws IOException {
        Files.createDirectories(logs);
        Path out = logs.resolve("demo.out");
        Path err = logs.resolve("demo.err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "demo"));
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // The parent's BIOMARKER_* settings (if any) must not reach the child.
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        DemoJvm demo = new DemoJvm(builder.start(), out, err);
        await("the demo JVM to print its addresses (output: " + out.toAbsolutePath() + ")")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(demo::addressesPrinted);
        return demo;
    }

    private boolean addressesPrinted() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the demo exited with " + process.exitValue() + ": " + tail(err));
        }
        Matcher dashboard = DASHBOARD.matcher(Files.readString(out));
        Matcher broker = BROKER.matcher(Files.readString(out));
        Matcher health = HEALTH.matcher(Files.readString(err));
        if (dashboard.find() && broker.find() && health.find()) {
            dashboardUrl = dashboard.group(1);
            bootstrapServers = broker.group(1);
            healthPort = Integer.parseInt(health.group(1));
            return true;
        }
        return false;
    }

    /** The dashboard's address as printed, without a trailing slash, e.g. {@code https://localhost:41234}. */
    String dashboardUrl() {
        return dashboardUrl;
    }

    int apiPort() {
        return Integer.parseInt(dashboardUrl.substring(dashboardUrl.lastIndexOf(':') + 1));
    }

    int healthPort() {
        return healthPort;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the JVM printed and logged so far, one entry per line. */
    List<String> outputLines() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.addAll(Files.readAllLines(err));
        return lines;
    }

    Path err() {
        return err;
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file);
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
