package org.biomarkerstreams.cli;

import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;

/**
 * The {@code run} command on a background thread, as an operator starts it, for tests outside this package: its
 * state, its MLLP port and what its meters would give a Prometheus scrape (read in process, not over HTTP).
 */
public final class BackgroundRun implements AutoCloseable {

    private final RunCommand run;
    private final CompletableFuture<Integer> exit;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private BackgroundRun(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        run = (RunCommand) cli.getSubcommands().get("run").getCommand();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        exit = CompletableFuture.supplyAsync(() -> cli.execute(all));
    }

    /** Starts {@code run} with {@code args} and waits until its topology is RUNNING. */
    public static BackgroundRun start(Duration limit, String... args) {
        BackgroundRun r = new BackgroundRun(args);
        await("run to reach RUNNING").atMost(limit).until(() -> {
            if (r.exit.isDone()) {
                throw new AssertionError("run exited early with code " + r.exit.get() + ": " + r.err);
            }
            return r.run.state().filter(s -> s == KafkaStreams.State.RUNNING).isPresent();
        });
        return r;
    }

    public int mllpPort() {
        return run.mllpPort().orElseThrow(() -> new IllegalStateException("run has no MLLP listener"));
    }

    /** The Prometheus text of every meter of the running pipeline. */
    public String scrape() {
        return run.scrape().orElseThrow(() -> new IllegalStateException("run is not running"));
    }

    /** What the command printed to standard output and error so far. */
    public String printed() {
        return out + "\n" + err;
    }

    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            run.stop();
            exit.get(60, TimeUnit.SECONDS);
        }
    }
}
