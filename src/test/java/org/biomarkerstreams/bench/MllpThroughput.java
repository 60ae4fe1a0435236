package org.biomarkerstreams.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.cli.Main;
import org.biomarkerstreams.demo.EmbeddedKafkaBroker;
import org.biomarkerstreams.streams.Topics;
import picocli.CommandLine;

/**
 * Benchmark (not a test): HL7 v2 messages per second through ONE MLLP connection with durable ACKs.
 *
 * <p>Starts an embedded broker, creates the pipeline topics, runs {@code ingest-hl7} in this JVM
 * exactly as the jar would (in-memory registry), then sends distinct ORU^R01 messages of 4 OBX one at
 * a time, each only after the previous one's ACK — what an interface engine does on one connection.
 * Every ACK must be AA and, at the end, every reading must be in the readings topic. Prints {@code
 * figure: <name> <value> <unit>} lines for {@code bench/run}.
 *
 * <p>Usage: {@code MllpThroughput [--messages N] [--warmup N]} (defaults 30,000 and 10,000).
 */
public final class MllpThroughput {

    private static final int START_BLOCK = 0x0B;
    private static final int END_BLOCK = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;
    private static final Pattern LISTENING = Pattern.compile("on port (\\d+)");

    private MllpThroughput() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        int exit = 1;
        try {
            exit = run(o);
        } catch (Exception | Error e) {
            // System.exit below would otherwise swallow why the benchmark failed.
            e.printStackTrace();
        } finally {
            // ingest-hl7 runs until JVM shutdown; its shutdown hook and the broker's stop both.
            System.exit(exit);
        }
    }

    /**
     * @param bootstrap an external broker; empty for one embedded in this JVM, with ingest-hl7 in this JVM too
     * @param jar the product jar, to run ingest-hl7 as its own process (with {@code bootstrap})
     * @param appCpus taskset CPU list of that process; empty for no pinning
     * @param suffix appended to every figure's name
     */
    record Options(
            int messages,
            int warmup,
            String bootstrap,
            String jar,
            String appCpus,
            List<String> appJvmOptions,
            Path work,
            String suffix,
            boolean tls,
            List<Integer> connections) {
        static Options parse(String[] args) {
            int messages = 30_000;
            int warmup = 10_000;
            String bootstrap = "";
            String jar = "";
            String appCpus = "";
            List<String> appJvmOptions = List.of();
            Path work = Path.of(System.getProperty("java.io.tmpdir"));
            String suffix = "";
            boolean tls = false;
            List<Integer> connections = List.of(1);
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--tls" -> tls = true;
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--bootstrap" -> bootstrap = args[++i];
                    case "--jar" -> jar = args[++i];
                    case "--app-cpus" -> appCpus = args[++i];
                    case "--app-java-opts" ->
                        appJvmOptions = Arrays.stream(args[++i].trim().split("\\s+"))
                                .filter(a -> !a.isEmpty())
                                .toList();
                    case "--work" -> work = Path.of(args[++i]);
                    case "--figure-suffix" -> suffix = args[++i];
                    case "--connections" ->
                        connections = Arrays.stream(args[++i].split(","))
                                .map(String::trim)
                                .map(Integer::parseInt)
                                .toList();
                    default ->
                        throw new IllegalArgumentException("usage: MllpThroughput [--messages N] [--warmup N]"
                                + " [--bootstrap HOST:PORT --jar JAR [--app-cpus CPUS] [--app-java-opts OPTS] [--work DIR]]"
                                + " [--figure-suffix S] [--tls] [--connections 1,4]");
                }
            }
            if (bootstrap.isEmpty() != jar.isEmpty()) {
                throw new IllegalArgumentException("--bootstrap and --jar go together");
            }
            if (connections.isEmpty()
                    || connections.get(0) != 1
                    || connections.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException(
                        "--connections: a list starting with 1, e.g. 1,4; was " + connections);
            }
            return new Options(
                    messages, warmup, bootstrap, jar, appCpus, appJvmOptions, work, suffix, tls, connections);
        }
    }

    /**
     * Where ingest-hl7 runs and how its connection thread's CPU time is read.
     *
     * @param notes prints what else can be read of the listener from here, given the messages sent
     */
    private record Listener(
            String bootstrap,
            int port,
            LongSupplier connectionCpuNanos,
            LongSupplier processCpuNanos,
            java.util.function.Supplier<Map<String, Long>> cpuNanosByThreads,
            LongSupplier requestsSent,
            Notes notes) {}

    /** The listener process's threads, by what they do (Linux keeps the first 15 characters of a name). */
    private static final Map<String, java.util.function.Predicate<String>> THREAD_KINDS = Map.of(
            "connections", MllpThroughput::isConnectionThread,
            "producer", comm -> comm.startsWith("kafka-producer-"),
            "gc", comm -> comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread"),
            "jit", comm -> comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler"));

    /** The warm-up of several connections goes on while the JIT takes more than this per message... */
    private static final double QUIET_JIT_US_PER_MESSAGE = 5;
    /** ...up to this many messages. */
    private static final int MAX_WARMUP_CONNECTIONS = 80_000;

    @FunctionalInterface
    private interface Notes {
        void print(long messagesSent) throws Exception;
    }

    private static int run(Options o) throws Exception {
        String template = template();
        int readingsPerMessage =
                (int) template.lines().filter(l -> l.startsWith("OBX|")).count();
        Tls tls = o.tls() ? Tls.make(o.work()) : null;
        List<String> tlsArgs = tls == null ? List.of() : tls.options();
        Listener listener = o.bootstrap().isEmpty() ? inThisJvm(tlsArgs) : separateProcess(o, tlsArgs);
        Topics topics = Topics.defaults();
        int messages = o.messages();
        int warmup = o.warmup();
        String s = o.suffix();
        int next; // the number of the next message to send: every message is distinct

        try (Socket socket = connect(listener.port(), tls)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream());

            // Reported too: a fresh JVM runs HAPI's parser interpreted or C1-compiled for the first
            // several thousand messages, about half as fast as after C2 has compiled it.
            double warmupSeconds = sendAll(template, 0, warmup, out, in, new long[warmup]) / 1e9;

            long[] latencies = new long[messages];
            long cpuBefore = listener.connectionCpuNanos().getAsLong();
            long processBefore = listener.processCpuNanos().getAsLong();
            double seconds = sendAll(template, warmup, messages, out, in, latencies) / 1e9;
            long connectionCpu = listener.connectionCpuNanos().getAsLong() - cpuBefore;
            long processCpu = listener.processCpuNanos().getAsLong() - processBefore;

            Arrays.sort(latencies);
            System.out.printf(
                    "MLLP: %d messages (%d readings) on one connection in %.2f s after %d warm-up messages,"
                            + " every ACK AA%n",
                    messages, (long) messages * readingsPerMessage, seconds, warmup);
            System.out.printf("figure: hl7_messages_per_s%s %.0f messages/s%n", s, messages / seconds);
            System.out.printf("figure: hl7_warmup_messages_per_s%s %.0f messages/s%n", s, warmup / warmupSeconds);
            System.out.printf(
                    "figure: hl7_readings_per_s%s %.0f readings/s%n",
                    s, (double) messages * readingsPerMessage / seconds);
            System.out.printf("figure: hl7_ack_p50_ms%s %.2f ms%n", s, percentile(latencies, 0.50));
            System.out.printf("figure: hl7_ack_p99_ms%s %.2f ms%n", s, percentile(latencies, 0.99));
            // CPU of the listener's connection thread per message: steadier than the rate when the
            // machine's speed drifts, and what a change to parsing or ACK building moves.
            System.out.printf(
                    "figure: hl7_connection_cpu_us_per_message%s %.0f us%n", s, connectionCpu / 1e3 / messages);
            if (processBefore >= 0) {
                System.out.printf("figure: hl7_process_cpu_us_per_message%s %.0f us%n", s, processCpu / 1e3 / messages);
            }
            next = warmup + messages;
        }
        // What a sender that opens a connection per message pays: TCP (and TLS) setup, one message, its ACK.
        int fresh = 200;
        long[] setups = new long[fresh];
        for (int i = 0; i < fresh; i++) {
            long started = System.nanoTime();
            try (Socket one = connect(listener.port(), tls)) {
                one.setSoTimeout(60_000);
                OutputStream o1 = new BufferedOutputStream(one.getOutputStream());
                InputStream i1 = new BufferedInputStream(one.getInputStream());
                sendAll(template, next + i, 1, o1, i1, new long[1]);
            }
            setups[i] = System.nanoTime() - started;
        }
        next += fresh;
        Arrays.sort(setups);
        System.out.printf("figure: hl7_new_connection_message_p50_ms%s %.2f ms%n", s, percentile(setups, 0.50));
        System.out.printf("figure: hl7_new_connection_message_p99_ms%s %.2f ms%n", s, percentile(setups, 0.99));

        for (int n : o.connections().subList(1, o.connections().size())) {
            next = concurrently(o, listener, tls, template, readingsPerMessage, n, next);
        }

        long expected = (long) next * readingsPerMessage;
        long stored = endOffset(listener.bootstrap(), topics.readings());
        if (stored != expected) {
            System.err.printf("expected %d readings in %s, found %d%n", expected, topics.readings(), stored);
            return 1;
        }
        System.out.printf("# every reading of the %d messages sent is in %s%n", next, topics.readings());
        listener.notes().print(next);
        System.out.flush();
        return 0;
    }

    /**
     * {@code n} kept connections at once, each sending its next message only after the ACK of its previous one (as
     * {@code n} interface-engine channels, or {@code n} analysers, would): first {@code --warmup} messages
     * unmeasured (the JIT compiles the paths of several connections at once, the producer's batching settles), then {@code --messages} split evenly. The
     * rate is every measured message over the time from the common start to the last ACK; latency is each message's
     * round trip. Returns the number of the next message to send.
     */
    private static int concurrently(
            Options o, Listener listener, Tls tls, String template, int readingsPerMessage, int n, int first)
            throws Exception {
        String s = "_" + n + "_connections" + o.suffix();
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int c = 0; c < n; c++) {
                Socket socket = connect(listener.port(), tls);
                socket.setSoTimeout(60_000);
                sockets.add(socket);
            }
            int warmupEach = Math.max(1, o.warmup() / n);
            int each = o.messages() / n;
            inParallel(sockets, template, first, warmupEach, new long[n][warmupEach]);
            first += n * warmupEach;
            int warmedUp = n * warmupEach;
            // Several connections at once make the JIT recompile the parse and send paths (C2 compiles of
            // 0.1-0.8 s each at this phase's start, in a JFR of the listener): warm up on until it is quiet, so
            // the figure is the listener's steady rate, not its compiler's. The JIT's share is printed anyway.
            if (!listener.cpuNanosByThreads().get().isEmpty()) {
                while (warmedUp < MAX_WARMUP_CONNECTIONS) {
                    long jitBefore = listener.cpuNanosByThreads().get().get("jit");
                    inParallel(sockets, template, first, warmupEach, new long[n][warmupEach]);
                    first += n * warmupEach;
                    warmedUp += n * warmupEach;
                    long jit = listener.cpuNanosByThreads().get().get("jit") - jitBefore;
                    if (jit / 1e3 / (n * warmupEach) < QUIET_JIT_US_PER_MESSAGE) {
                        break;
                    }
                }
            }
            long[][] latencies = new long[n][each];
            long cpuBefore = listener.connectionCpuNanos().getAsLong();
            long processBefore = listener.processCpuNanos().getAsLong();
            Map<String, Long> threadsBefore = listener.cpuNanosByThreads().get();
            long requestsBefore = listener.requestsSent().getAsLong();
            double seconds = inParallel(sockets, template, first, each, latencies) / 1e9;
            long connectionCpu = listener.connectionCpuNanos().getAsLong() - cpuBefore;
            long processCpu = listener.processCpuNanos().getAsLong() - processBefore;
            Map<String, Long> threadsAfter = listener.cpuNanosByThreads().get();
            long requests = listener.requestsSent().getAsLong() - requestsBefore;
            int measured = n * each;
            if (requestsBefore >= 0) {
                System.out.printf(
                        "# %d connections: %.2f produce requests per message%n", n, (double) requests / measured);
            }
            long[] all = Arrays.stream(latencies)
                    .flatMapToLong(Arrays::stream)
                    .sorted()
                    .toArray();
            System.out.printf(
                    "MLLP: %d messages (%d readings) on %d connections at once in %.2f s after %d warm-up messages,"
                            + " every ACK AA%n",
                    measured, (long) measured * readingsPerMessage, n, seconds, warmedUp);
            System.out.printf(
                    "# hl7%s: measured after %d warm-up messages (until the JIT used under %.0f us per message over"
                            + " the last %d, at most %d; a fixed %d in one JVM)%n",
                    s, warmedUp, QUIET_JIT_US_PER_MESSAGE, n * warmupEach, MAX_WARMUP_CONNECTIONS, n * warmupEach);
            System.out.printf("figure: hl7_messages_per_s%s %.0f messages/s%n", s, measured / seconds);
            System.out.printf(
                    "figure: hl7_readings_per_s%s %.0f readings/s%n",
                    s, (double) measured * readingsPerMessage / seconds);
            System.out.printf("figure: hl7_ack_p50_ms%s %.2f ms%n", s, percentile(all, 0.50));
            System.out.printf("figure: hl7_ack_p99_ms%s %.2f ms%n", s, percentile(all, 0.99));
            System.out.printf(
                    "figure: hl7_connection_cpu_us_per_message%s %.0f us%n", s, connectionCpu / 1e3 / measured);
            if (processBefore >= 0) {
                System.out.printf("figure: hl7_process_cpu_us_per_message%s %.0f us%n", s, processCpu / 1e3 / measured);
            }
            if (!threadsAfter.isEmpty()) {
                // Where the listener's core goes: the rate on one core is at most 1 / (process CPU per message).
                long named = 0;
                StringBuilder by = new StringBuilder();
                for (String kind : THREAD_KINDS.keySet().stream().sorted().toList()) {
                    long cpu = threadsAfter.get(kind) - threadsBefore.get(kind);
                    named += cpu;
                    by.append(String.format(" %s %.0f,", kind, cpu / 1e3 / measured));
                }
                long process = threadsAfter.get("process") - threadsBefore.get("process");
                System.out.printf(
                        "# ingest-hl7 CPU per message on %d connections (us):%s other %.0f; process %.0f"
                                + " (so at most %.0f messages/s on one core); the run used %.0f%% of a core%n",
                        n,
                        by,
                        (process - named) / 1e3 / measured,
                        process / 1e3 / measured,
                        1e9 * measured / process,
                        100.0 * process / 1e9 / seconds);
            }
            return first + measured;
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * Connection {@code c} sends messages {@code first + c*count .. first + (c+1)*count - 1}, each after its
     * previous ACK, all connections at once from a common start; returns the nanoseconds from that start to the last
     * ACK of any connection.
     */
    private static long inParallel(List<Socket> sockets, String template, int first, int count, long[][] nanos)
            throws Exception {
        int n = sockets.size();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n + 1);
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<Long>> ends = new java.util.ArrayList<>();
            for (int c = 0; c < n; c++) {
                Socket socket = sockets.get(c);
                int from = first + c * count;
                long[] mine = nanos[c];
                ends.add(senders.submit(() -> {
                    byte[][] frames = frames(template, from, count);
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    start.await();
                    send(frames, from, out, in, mine);
                    return System.nanoTime();
                }));
            }
            start.await();
            long started = System.nanoTime();
            long last = started;
            for (java.util.concurrent.Future<Long> end : ends) {
                last = Math.max(last, end.get(10, TimeUnit.MINUTES));
            }
            return last - started;
        } finally {
            senders.shutdownNow();
        }
    }

    /** A plain socket, or a TLS one with the handshake done (client certificate presented). */
    private static Socket connect(int port, Tls tls) throws Exception {
        Socket socket = tls == null
                ? new Socket("127.0.0.1", port)
                : tls.client().getSocketFactory().createSocket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        if (socket instanceof javax.net.ssl.SSLSocket ssl) {
            ssl.startHandshake();
        }
        return socket;
    }

    /**
     * Mutual TLS as a hospital would run it: an RSA 2048 server key in PEM (cert-manager's default) and an EC client
     * certificate from the lab's CA.
     */
    private record Tls(Path cert, Path key, Path clientCa, javax.net.ssl.SSLContext client) {
        static Tls make(Path work) throws Exception {
            org.biomarkerstreams.tls.TlsFixtures ca = org.biomarkerstreams.tls.TlsFixtures.authority("bench CA");
            Path cert = work.resolve("bench-tls.crt");
            Path key = work.resolve("bench-tls.key");
            org.biomarkerstreams.tls.TlsFixtures.writePem(
                    ca.server("localhost", org.biomarkerstreams.tls.TlsFixtures.KeyType.RSA),
                    cert,
                    key,
                    org.biomarkerstreams.tls.TlsFixtures.KeyFormat.TRADITIONAL);
            Path clientCa = ca.writeCaPem(work.resolve("bench-clients.pem"));
            return new Tls(cert, key, clientCa, ca.clientContext(ca.client("CN=bench lab,O=Bench", null)));
        }

        List<String> options() {
            return List.of(
                    "--mllp-tls-cert", cert.toString(),
                    "--mllp-tls-key", key.toString(),
                    "--mllp-tls-client-ca", clientCa.toString());
        }
    }

    /** The broker and ingest-hl7 in this JVM, unpinned: everything shares the machine's cores. */
    private static Listener inThisJvm(List<String> tlsArgs) throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults());
        createTopics(broker.bootstrapServers());
        int port = startIngest(broker.bootstrapServers(), tlsArgs);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new Listener(
                broker.bootstrapServers(),
                port,
                () -> Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> isConnectionThread(t.getName()))
                        .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId())))
                        .sum(),
                () -> -1, // the broker and this sender share the process: its CPU is not the listener's
                Map::of,
                MllpThroughput::requestsSent,
                MllpThroughput::producerNotes);
    }

    /**
     * {@code java -jar JAR ingest-hl7} as its own process (pinned to {@code --app-cpus}), against the external broker:
     * the listener does not share its core with the broker or this sender, as in a deployment.
     */
    private static Listener separateProcess(Options o, List<String> tlsArgs) throws Exception {
        createTopics(o.bootstrap());
        List<String> args = new java.util.ArrayList<>(List.of(
                "-jar",
                o.jar(),
                "ingest-hl7",
                "--port",
                "0",
                "--bootstrap-servers",
                o.bootstrap(),
                "--schema-registry-url",
                "mock://bench"));
        args.addAll(tlsArgs);
        ChildJvm app = ChildJvm.start("ingest-hl7", o.appCpus(), o.appJvmOptions(), args, o.work());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Matcher m = LISTENING.matcher("");
        while (!m.reset(app.stdout()).find()) {
            if (!app.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("ingest-hl7 did not start listening:\n" + app.tail());
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(m.group(1));
        // Linux keeps the first 15 characters of a thread's name: "mllp-<port>-conn".
        return new Listener(
                o.bootstrap(),
                port,
                () -> app.threadCpuNanos(MllpThroughput::isConnectionThread),
                app::cpuNanos,
                () -> {
                    Map<String, Long> byKind = new java.util.TreeMap<>();
                    THREAD_KINDS.forEach((kind, test) -> byKind.put(kind, app.threadCpuNanos(test)));
                    byKind.put("process", app.cpuNanos());
                    return byKind;
                },
                () -> -1, // its producer's metrics are in that process
                sent -> System.out.printf(
                        "# ingest-hl7 ran as pid %d on cpus %s%n",
                        app.pid(), o.appCpus().isEmpty() ? "any" : o.appCpus()));
    }

    private static boolean isConnectionThread(String name) {
        return name.startsWith("mllp-") && name.contains("-conn");
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            TopicSetup.ensureTopics(
                    admin,
                    new PipelineTopics(Topics.defaults(), Optional.of(1), Optional.empty()).all(),
                    Duration.ofSeconds(60));
        }
    }

    /**
     * The ingest producer's own view (its JMX metrics): how many produce requests a message took and
     * how long the broker took to answer one, the part of an ACK's round trip that is Kafka's.
     */
    /** Requests the ingest producer sent so far (its {@code request-total}). */
    private static long requestsSent() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            double total = 0;
            for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
                total += (Double) server.getAttribute(name, "request-total");
            }
            return (long) total;
        } catch (javax.management.JMException e) {
            return -1;
        }
    }

    private static void producerNotes(long messagesSent) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(new ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
            double requests = (Double) server.getAttribute(name, "request-total");
            System.out.printf(
                    "# producer %s: %.2f produce requests per message, %.1f records per request,"
                            + " request latency avg %.2f ms (max %.1f ms)%n",
                    name.getKeyProperty("client-id"),
                    requests / messagesSent,
                    (Double) server.getAttribute(name, "records-per-request-avg"),
                    (Double) server.getAttribute(name, "request-latency-avg"),
                    (Double) server.getAttribute(name, "request-latency-max"));
        }
    }

    /**
     * Sends messages {@code first .. first+count-1}, each after the previous ACK, recording each round
     * trip; returns the nanoseconds from the first frame to the last ACK.
     */
    private static long sendAll(String template, int first, int count, OutputStream out, InputStream in, long[] nanos)
            throws IOException {
        byte[][] frames = frames(template, first, count);
        long start = System.nanoTime();
        send(frames, first, out, in, nanos);
        return System.nanoTime() - start;
    }

    /**
     * Built before the clock starts, as an interface engine has its queue ready: the figure is the listener's, not
     * this driver's string building.
     */
    private static byte[][] frames(String template, int first, int count) {
        byte[][] messages = new byte[count][];
        for (int i = 0; i < count; i++) {
            messages[i] = message(template, first + i, "MSG" + (first + i));
        }
        return messages;
    }

    /** Sends {@code frames} (messages {@code first..}) one at a time, each after the previous ACK. */
    private static void send(byte[][] frames, int first, OutputStream out, InputStream in, long[] nanos)
            throws IOException {
        for (int i = 0; i < frames.length; i++) {
            String controlId = "MSG" + (first + i);
            long t0 = System.nanoTime();
            out.write(START_BLOCK);
            out.write(frames[i]);
            out.write(END_BLOCK);
            out.write(CARRIAGE_RETURN);
            out.flush();
            String ack = readAck(in);
            nanos[i] = System.nanoTime() - t0;
            if (!accepted(ack, controlId)) {
                throw new IllegalStateException("message " + controlId + " not accepted: " + ack.replace('\r', '\n'));
            }
        }
    }

    /** MSA-1 is AA and MSA-2 is exactly this message's control id (MSG1 must not match MSG12). */
    private static boolean accepted(String ack, String controlId) {
        String msa = "MSA|AA|" + controlId;
        int at = ack.indexOf(msa);
        int next = at + msa.length();
        return at >= 0 && (next == ack.length() || ack.charAt(next) == '|' || ack.charAt(next) == '\r');
    }

    /** A distinct message: its own patient (PID-3), filler order (OBR-3, so new reading ids) and MSH-10. */
    private static byte[] message(String template, int n, String controlId) {
        return template.replace("P-017", "P-" + n)
                .replace("LAB-1234", "LAB-" + n)
                .replace("MSG00001", controlId)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String readAck(InputStream in) throws IOException {
        ByteArrayOutputStream ack = new ByteArrayOutputStream(256);
        int b = in.read();
        if (b != START_BLOCK) {
            throw new IOException("expected an MLLP start block, got " + b);
        }
        while ((b = in.read()) != END_BLOCK) {
            if (b == -1) {
                throw new IOException("connection closed in the middle of an ACK");
            }
            ack.write(b);
        }
        if (in.read() != CARRIAGE_RETURN) {
            throw new IOException("MLLP end block not followed by CR");
        }
        return ack.toString(StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code ingest-hl7} as the jar would, on a background thread, and returns the port it listens on. */
    private static int startIngest(String bootstrap, List<String> tlsArgs) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new PortWatcher(port), true));
        Thread ingest = new Thread(
                () -> {
                    List<String> args = new java.util.ArrayList<>(List.of(
                            "ingest-hl7",
                            "--port",
                            "0",
                            "--bootstrap-servers",
                            bootstrap,
                            "--schema-registry-url",
                            "mock://bench"));
                    args.addAll(tlsArgs);
                    int code = cli.execute(args.toArray(new String[0]));
                    port.completeExceptionally(new IllegalStateException("ingest-hl7 exited with " + code));
                },
                "ingest-hl7");
        ingest.setDaemon(true);
        ingest.start();
        return port.get(60, TimeUnit.SECONDS);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static long endOffset(String bootstrap, String topic) throws Exception {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get(30, TimeUnit.SECONDS)
                    .offset();
        }
    }

    private static double percentile(long[] sortedNanos, double p) {
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    private static String template() throws IOException {
        try (InputStream in = MllpThroughput.class.getResourceAsStream("/hl7/oru-v251-loinc.hl7")) {
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).strip();
            List<String> segments = text.lines().toList();
            return String.join("\r", segments);
        }
    }

    /** Completes {@code port} once the command prints the port it listens on. */
    private static final class PortWatcher extends Writer {
        private final CompletableFuture<Integer> port;
        private final StringBuilder text = new StringBuilder();

        PortWatcher(CompletableFuture<Integer> port) {
            this.port = port;
        }

        @Override
        public synchronized void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            Matcher m = LISTENING.matcher(text);
            if (m.find()) {
                port.complete(Integer.parseInt(m.group(1)));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
