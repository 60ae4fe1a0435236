package org.biomarkerstreams.reliability;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.PipelineArguments;

/**
 * The application's {@code run} command in a JVM of its own, as a container runs it, so that a test can
 * SIGKILL it (no shutdown hook, no flush, nothing closed) or SIGTERM it. Its output goes to files in the
 * suite's log directory, which the suite also searches for canary patient ids. Public, with the suite's run, feed and
 * comparison, for {@code cli/RunRestartIT}, which runs in the default build.
 */
public final class AppProcess implements AutoCloseable {

    private static final Pattern DASHBOARD = Pattern.compile("Dashboard and query API: (http://\\S+?)/?\\s");
    private static final int SIGKILL_EXIT = 128 + 9;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** What an instance runs against and as. */
    public record Spec(
            String bootstrapServers,
            String registryUrl,
            Topics topics,
            String applicationId,
            Path stateDir,
            String processingGuarantee,
            List<String> extraArguments) {

        public Spec withStateDir(Path dir) {
            return new Spec(
                    bootstrapServers, registryUrl, topics, applicationId, dir, processingGuarantee, extraArguments);
        }

        /** These arguments after the spec's own. */
        public Spec plusArguments(String... arguments) {
            List<String> all = new ArrayList<>(extraArguments);
            all.addAll(List.of(arguments));
            return new Spec(
                    bootstrapServers,
                    registryUrl,
                    topics,
                    applicationId,
                    stateDir,
                    processingGuarantee,
                    List.copyOf(all));
        }

        Spec withExtraArguments(String... arguments) {
            return new Spec(
                    bootstrapServers,
                    registryUrl,
                    topics,
                    applicationId,
                    stateDir,
                    processingGuarantee,
                    List.of(arguments));
        }
    }

    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;
    private final long startedAt = System.nanoTime();
    private String baseUrl;

    private AppProcess(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code run} with {@code spec}; output in {@code logs/<name>.out|.err}. */
    static AppProcess start(Spec spec, Path logs, String name) throws IOException {
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Topics t = spec.topics();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // C1 only: many short-lived JVMs on a shared 2-core machine; throughput is not measured here.
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run",
                "--identified-outputs",
                "--bootstrap-servers",
                spec.bootstrapServers(),
                "--schema-registry-url",
                spec.registryUrl(),
                "--application-id",
                spec.applicationId(),
                "--state-dir",
                spec.stateDir().toString(),
                "--processing-guarantee",
                spec.processingGuarantee(),
                "--http-port",
                "0",
                "--health-port",
                "0",
                "--http-bind-address",
                "127.0.0.1"));
        command.addAll(PipelineArguments.topics(t));
        command.addAll(spec.extraArguments());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        // The parent's BIOMARKER_* settings (if any) must not redirect the child to another cluster.
        builder.environment().keySet().removeIf(k -> k.startsWith("BIOMARKER_"));
        return new AppProcess(name, builder.start(), out, err);
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The HTTP base address the instance printed (waits for it). */
    String baseUrl() {
        if (baseUrl == null) {
            String[] url = {null};
            await(name + " to print its HTTP address (output: " + out.toAbsolutePath() + ")")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        failIfExited();
                        Matcher m = DASHBOARD.matcher(Files.readString(out));
                        if (m.find()) {
                            url[0] = m.group(1);
                            return true;
                        }
                        return false;
                    });
            baseUrl = url[0];
        }
        return baseUrl;
    }

    /** Waits until {@code /health/ready} answers 200 (Streams RUNNING: assigned, restored, processing). */
    public Duration awaitReady(Duration timeout) {
        String ready = baseUrl() + "/health/ready";
        await(name + " to be ready (output: " + out.toAbsolutePath() + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    failIfExited();
                    return status(ready) == 200;
                });
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** Whether {@code /health/ready} answers 200 now. */
    public boolean isReady() {
        return status(baseUrl() + "/health/ready") == 200;
    }

    /** GET {@code path} of the query API: the body, or null when the answer is not 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    /** SIGKILL: the process dies at once, whatever it was doing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
        }
        if (process.exitValue() != SIGKILL_EXIT) {
            throw new IllegalStateException(
                    name + " exited with " + process.exitValue() + " before the kill; see " + err);
        }
    }

    /** SIGTERM, as Kubernetes stops a pod; returns how long the clean shutdown took. */
    public Duration terminate(Duration grace) throws InterruptedException {
        long sent = System.nanoTime();
        process.destroy();
        if (!process.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not stop within " + grace + " of SIGTERM; see " + out);
        }
        return Duration.ofNanos(System.nanoTime() - sent);
    }

    Path out() {
        return out;
    }

    private void failIfExited() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException(
                    name + " exited with " + process.exitValue() + ": " + tail(Files.readString(err)));
        }
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    private static int status(String url) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
