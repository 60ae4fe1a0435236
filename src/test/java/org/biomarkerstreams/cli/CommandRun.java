package org.biomarkerstreams.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/**
 * A command of the jar run in-process through {@link Main#commandLine()}: its exit code, what it printed and how long
 * it took.
 */
record CommandRun(int exit, String out, String err, Duration took) {

    static CommandRun execute(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        long started = System.nanoTime();
        int exit = cli.execute(args);
        return new CommandRun(exit, out.toString(), err.toString(), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * As {@link #execute}, on a thread of its own, for a command that might not return (a listener that started when
     * it should have failed): an {@link AssertionError} when it has not returned within {@code limit}.
     */
    static CommandRun executeWithin(Duration limit, String... args) throws Exception {
        CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> execute(args));
        try {
            return run.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("'" + args[0] + "' did not return within " + limit, e);
        }
    }
}
