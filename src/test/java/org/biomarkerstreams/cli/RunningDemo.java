package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * A {@code demo} running on a background thread exactly as the jar runs it, for tests that talk to
 * its HTTP server; {@link #close()} stops it as Ctrl-C would, without exiting the JVM.
 */
final class RunningDemo implements AutoCloseable {

    private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://\\S+/)");

    private final StringWriter out = new StringWriter();
    private final DemoCommand demo;
    private final CompletableFuture<Integer> exit;

    private RunningDemo(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        demo = (DemoCommand) cli.getSubcommands().get("demo").getCommand();
        String[] command = new String[args.length + 1];
        command[0] = "demo";
        System.arraycopy(args, 0, command, 1, args.length);
        exit = CompletableFuture.supplyAsync(() -> cli.execute(command));
    }

    /** Starts the demo and waits until it has processed its cohort and printed its table. */
    static RunningDemo start(Duration limit, String... args) {
        RunningDemo running = new RunningDemo(args);
        await("the demo to print its table (all input processed)").atMost(limit).until(() -> {
            if (running.exit.isDone()) {
                throw new AssertionError("demo exited early: " + running.exit.get() + "\n" + running.out);
            }
            return running.out.toString().contains("Records: ");
        });
        return running;
    }

    /** The dashboard's base URL the demo printed, ending in a slash. */
    String url() {
        Matcher m = DASHBOARD.matcher(out.toString());
        assertThat(m.find()).as("the demo prints the dashboard URL").isTrue();
        return m.group(1);
    }

    @Override
    public void close() throws Exception {
        demo.stop();
        exit.get(2, TimeUnit.MINUTES);
    }
}
