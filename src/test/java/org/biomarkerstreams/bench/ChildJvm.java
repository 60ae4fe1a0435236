package org.biomarkerstreams.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM the benchmark starts and measures from outside: optionally pinned with {@code taskset -c CPUS}, its CPU time
 * (user + system of every thread, including GC and JIT) and resident memory read from {@code /proc/<pid>}. Tests
 * outside the benchmark use it to run a command of the jar as its own process.
 */
public final class ChildJvm implements AutoCloseable {

    /** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run on). */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final String name;

    private ChildJvm(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java <jvmOptions> <args>}.
     *
     * @param cpus a taskset CPU list such as {@code 0}, or empty for no pinning
     */
    public static ChildJvm start(String name, String cpus, List<String> jvmOptions, List<String> args, Path logDir)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (!cpus.isEmpty()) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(args);
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new ChildJvm(name, p, out, err);
    }

    long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String stdout() throws IOException {
        return Files.readString(stdout);
    }

    /** The last lines of its output, for error messages. */
    public String tail() {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(stdout));
            lines.addAll(Files.readAllLines(stderr));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** User + system CPU time of the whole process so far, in nanoseconds; -1 once it has exited. */
    long cpuNanos() {
        return cpuNanos(pid());
    }

    /**
     * User + system CPU time so far of any process (every thread, ended ones included), in nanoseconds; -1 if it is
     * gone. The benchmark reads the broker's and its own this way.
     */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 1_000_000_000L / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The whole machine's CPU time so far from the first line of {@code /proc/stat}, in nanoseconds summed over all
     * cores: {@code [busy, idle, steal]} with busy = user + nice + system + irq + softirq, idle = idle + iowait, steal
     * = time the hypervisor gave to other guests. {@code null} if it cannot be read.
     */
    static long[] machineCpuNanos() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
            long busy = Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long scale = 1_000_000_000L / TICKS_PER_SECOND;
            return new long[] {busy * scale, idle * scale, steal * scale};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * One thread's CPU so far: its id, its name as Linux keeps it (15 characters), user + system nanoseconds, and the
     * nanoseconds it was runnable but waiting for a core ({@code /proc/<pid>/task/<tid>/schedstat}, second field; -1 if
     * the kernel does not keep it).
     */
    record ThreadCpu(long tid, String comm, long cpuNanos, long waitNanos) {}

    /** Every live thread's CPU so far (empty once the process has exited). */
    List<ThreadCpu> threads() {
        List<ThreadCpu> result = new ArrayList<>();
        try (var threads = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long wait = -1;
                    try {
                        wait = Long.parseLong(
                                Files.readString(t.resolve("schedstat")).trim().split(" ")[1]);
                    } catch (IOException | RuntimeException e) {
                        // no schedstat in this kernel
                    }
                    result.add(new ThreadCpu(
                            Long.parseLong(t.getFileName().toString()),
                            stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                            (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000_000L / TICKS_PER_SECOND,
                            wait));
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return result;
    }

    /**
     * As {@link #cpuNanos()} without the JIT compiler threads ({@code C1/C2 CompilerThread*}): what the process spends
     * on its work (stream, client, GC, RocksDB threads), not on compiling itself, which a short run of a fresh JVM is
     * dominated by. -1 once it has exited.
     */
    long cpuNanosWithoutJit() {
        return threadCpuNanos(comm -> !comm.startsWith("C1 Compiler") && !comm.startsWith("C2 Compiler"));
    }

    /**
     * User + system CPU time so far of the threads whose name (as Linux keeps it: the first 15 characters) matches,
     * in nanoseconds; -1 once the process has exited. Threads that ended are not counted.
     */
    long threadCpuNanos(Predicate<String> comm) {
        Path tasks = Path.of("/proc", Long.toString(pid()), "task");
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) threads::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    if (!comm.test(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is lost, as for any sampler
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** A field of /proc/<pid>/status in kB ({@code VmHWM} peak resident, {@code VmRSS} now); -1 if gone. */
    long statusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited
        }
        return -1;
    }

    /** Waits for it to exit by itself. */
    public int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGTERM (a clean shutdown), then SIGKILL if it does not exit in time. */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static long ticksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            String text = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(text);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
