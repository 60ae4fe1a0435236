package org.biomarkerstreams.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.avro.TrajectoryPoint;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.domain.RawReading;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.PipelineArguments;

/**
 * Benchmark (not a test) of the topology against a real broker, in three phases, each on its own topics and
 * application id, so they never see each other's data:
 *
 * <ul>
 *   <li><b>throughput</b>: pre-loads a reading topic (and the patients' events), consumes it with a plain consumer
 *       ({@link RawConsume}, the ceiling) and runs the two anchors over it ({@link AnchorTopology}: a Kafka
 *       Streams pass-through and one RocksDB put per reading; {@code --anchors false} skips them), then runs the
 *       product's {@code run} command over it from empty state until
 *       the group's committed offsets reach the end offsets. The same run is the backfill: its rate from JVM start and
 *       its peak RSS.
 *   <li><b>latency</b>: the product's {@code run} on empty topics; an open-loop producer sends readings on a fixed
 *       schedule at fractions of the measured capacity, a read_committed consumer of the trajectory topic takes the
 *       time each reading's point appears; latency from the scheduled send time (coordinated omission corrected).
 *   <li><b>history</b>: the same number of readings with 10, 100, 1,000, 10,000 readings per patient; process CPU of
 *       the application JVM per reading, and changelog bytes per reading.
 * </ul>
 *
 * <p>The broker runs in its own JVM (started by {@code bench/run}); the application and the raw consumer run in JVMs
 * this driver starts, pinned with {@code --app-cpus}. The driver (pre-loading, load generation, the latency consumer)
 * should be pinned with the broker. Prints {@code figure: <name> <value> <unit>} lines.
 */
public final class StreamsBench {

    private static final Duration POLL = Duration.ofMillis(100);
    /** Share of a run's readings left out of rates and CPU per reading: JIT warm-up, first rebalance. */
    private static final double WARM_UP = 0.2;

    private final Options o;
    private final BenchRegistry registry;
    private final Admin admin;
    private final AvroSerdes serdes;

    /** Command-line settings; see {@link #parse}. */
    record Options(
            String bootstrap,
            Path jar,
            String classpath,
            String appCpus,
            List<String> appJvmOptions,
            Path work,
            List<String> phases,
            int partitions,
            int patients,
            long readings,
            long historyReadings,
            List<Integer> historyPerPatient,
            int latencyPatients,
            double[] latencyFractions,
            int latencyWarmupSeconds,
            int latencyJitWarmupSeconds,
            int latencySeconds,
            double capacity,
            boolean unpinnedToo,
            boolean anchors,
            String driverCpus,
            int topologyBudgetSeconds,
            int historyBudgetSeconds,
            long historyWarmupReadings,
            long seed,
            int threadsPartitions,
            int threadsPatients,
            long threadsReadings,
            int threadsBudgetSeconds,
            long brokerPid) {}

    private StreamsBench(Options o) throws IOException {
        this.o = o;
        this.registry = new BenchRegistry();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap()));
        this.serdes = new AvroSerdes(registry.registry(), true);
    }

    public static void main(String[] args) throws Exception {
        int exit = 1;
        try {
            Options o = parse(args);
            StreamsBench bench = new StreamsBench(o);
            try {
                bench.run();
                exit = 0;
            } finally {
                bench.admin.close(Duration.ofSeconds(5));
                bench.registry.close();
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.out.flush();
            System.exit(exit);
        }
    }

    private void run() throws Exception {
        double capacity = o.capacity();
        if (o.phases().contains("throughput")) {
            capacity = throughput("tp", o.appCpus(), "");
            if (o.unpinnedToo() && !o.appCpus().isEmpty()) {
                throughput("tpu", "", "_unpinned");
            }
        }
        if (o.phases().contains("threads")) {
            threads(o.phases().contains("throughput") ? capacity : 0);
        }
        if (o.phases().contains("latency")) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("latency needs the throughput phase or --capacity");
            }
            latency(capacity);
        }
        if (o.phases().contains("history")) {
            history();
        }
    }

    // ---------------------------------------------------------------- throughput and backfill

    private double throughput(String tag, String cpus, String suffix) throws Exception {
        BenchCohort cohort = new BenchCohort(o.patients(), (int) (o.readings() / o.patients()), o.seed());
        Topics topics = createTopics(tag);
        pinSelf("");
        info(
                "throughput%s: pre-loading %,d readings of %,d patients (%d per patient) and %,d events",
                suffix,
                cohort.readings(),
                cohort.patients(),
                cohort.readings() / cohort.patients(),
                cohort.events().size());
        preload(topics, cohort);

        pinSelf(o.driverCpus());
        double raw = rawConsume(topics, cohort.readings(), cpus, tag);
        figure("raw_consume_readings_per_s" + suffix, raw, "readings/s");
        double onePut = 0;
        if (o.anchors()) {
            anchor(AnchorTopology.PASSTHROUGH, tag, topics, cohort.readings(), cpus, raw, suffix);
            onePut = anchor(AnchorTopology.ONE_PUT, tag, topics, cohort.readings(), cpus, raw, suffix);
        }

        Run run = runApp(tag, topics, cpus);
        try {
            Progress p = run.awaitCaughtUp(cohort.readings(), Duration.ofSeconds(o.topologyBudgetSeconds()));
            if (p.complete()) {
                run.awaitRepartitionsCaughtUp(Duration.ofMinutes(10));
            }
            long wall = System.nanoTime() - run.launched;
            long done = p.committed()[p.committed().length - 1];
            double rate = p.steadyRate(WARM_UP);
            figure("topology_complete" + suffix, p.complete() ? 1 : 0, "");
            figure("topology_readings_processed" + suffix, done, "readings");
            figure("topology_readings_per_s" + suffix, rate, "readings/s");
            figure("topology_vs_raw_ratio" + suffix, rate / raw, "");
            if (onePut > 0) {
                figure("topology_vs_one_put_ratio" + suffix, rate / onePut, "");
            }
            figure("topology_cpu_us_per_reading" + suffix, p.cpuPerReadingUs(WARM_UP), "us");
            figure("topology_cpu_us_per_reading_without_jit" + suffix, p.workCpuPerReadingUs(WARM_UP), "us");
            coreNotes("topology" + suffix, p.cores(WARM_UP), false);
            threadNotes("topology" + suffix, p, run.appId, 1);
            if (suffix.isEmpty()) {
                // run catching up on history as an operator sees it: JVM start, empty state, every stage caught up
                // (the backfill command is measured by BackfillBench).
                figure("run_catch_up_complete", p.complete() ? 1 : 0, "");
                figure("run_catch_up_readings_per_s", done / (wall / 1e9), "readings/s");
                figure("run_catch_up_rss_mb", run.app.statusKb("VmHWM") / 1024.0, "MB");
                figure("run_catch_up_wall_s", wall / 1e9, "s");
                figure("changelog_bytes_per_reading", run.changelogBytes() / (double) Math.max(1, done), "B");
                figure("output_bytes_per_reading", topicBytes(topics.outputs()) / (double) Math.max(1, done), "B");
                figure("records_written_per_reading", recordsPerReading(run.appId, topics, done, true), "records");
            }
            return rate;
        } finally {
            run.close();
        }
    }

    /**
     * One of the published anchors ({@link AnchorTopology}) over the same reading topic, in a fresh JVM on the
     * same CPUs as the application, measured as the topology is: committed readings per second past the warm-up.
     */
    private double anchor(String kind, String tag, Topics topics, long readings, String cpus, double raw, String suffix)
            throws Exception {
        String appId = "bench-anchor-" + kind + "-" + tag;
        String output = appId + "-out";
        admin.createTopics(List.of(new NewTopic(output, o.partitions(), (short) 1)))
                .all()
                .get();
        Path state = Files.createTempDirectory(o.work(), "state-" + appId);
        long launched = System.nanoTime();
        ChildJvm jvm = ChildJvm.start(
                appId,
                cpus,
                o.appJvmOptions(),
                List.of(
                        "-cp",
                        o.classpath(),
                        AnchorTopology.class.getName(),
                        kind,
                        o.bootstrap(),
                        appId,
                        state.toString(),
                        topics.readings(),
                        output,
                        registry.url()),
                o.work());
        String name = "anchor_" + kind.replace('-', '_');
        try (Run run = new Run(appId, List.of(topics.readings()), topics.readings(), jvm, launched)) {
            Progress p = run.awaitCaughtUp(readings, Duration.ofSeconds(o.topologyBudgetSeconds()));
            double rate = p.steadyRate(WARM_UP);
            figure(name + "_complete" + suffix, p.complete() ? 1 : 0, "");
            figure(name + "_readings_per_s" + suffix, rate, "readings/s");
            figure(name + "_vs_raw_ratio" + suffix, rate / raw, "");
            figure(name + "_cpu_us_per_reading" + suffix, p.cpuPerReadingUs(WARM_UP), "us");
            if (suffix.isEmpty()) {
                info(
                        "%s: changelog %,.0f B per reading",
                        appId, run.changelogBytes() / (double) Math.max(1, p.committed()[p.committed().length - 1]));
            }
            return rate;
        }
    }

    private double rawConsume(Topics topics, long readings, String cpus, String tag) throws Exception {
        ChildJvm raw = ChildJvm.start(
                "raw-" + tag,
                cpus,
                o.appJvmOptions(),
                List.of(
                        "-cp",
                        o.classpath(),
                        RawConsume.class.getName(),
                        o.bootstrap(),
                        topics.readings(),
                        registry.url(),
                        Long.toString(readings)),
                o.work());
        return rawRate(raw);
    }

    /** Waits for a {@link RawConsume} JVM and returns its rate, readings per second, from its "raw: " line. */
    static double rawRate(ChildJvm raw) throws Exception {
        int code = raw.await(Duration.ofMinutes(15));
        String line = raw.stdout()
                .lines()
                .filter(l -> l.startsWith("raw: "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("raw consumer failed (" + code + "):\n" + raw.tail()));
        String[] f = line.split(" ");
        return Long.parseLong(f[1]) / (Long.parseLong(f[2]) / 1e9);
    }

    // ---------------------------------------------------------------- both cores

    /**
     * Issue 19's "both cores": the product on a {@code --threads-partitions} (2) input, unpinned, with one stream thread
     * and then with two, everything else as the throughput run. While it runs the broker and this driver are unpinned
     * too (all share every core, as on one 2-core machine without pinning); they are pinned back afterwards. Both runs
     * read the same pre-loaded input topics, each with its own application id and output topics.
     */
    private void threads(double pinnedRate) throws Exception {
        int partitions = o.threadsPartitions();
        BenchCohort cohort =
                new BenchCohort(o.threadsPatients(), (int) (o.threadsReadings() / o.threadsPatients()), o.seed());
        Topics one = createTopics("tt1", partitions);
        Topics second = createTopics("tt2", partitions);
        Topics two = new Topics(
                one.readings(),
                one.events(),
                second.trajectory(),
                second.summaries(),
                second.timeToNormalization(),
                second.deadLetters(),
                second.cohortVisits(),
                second.cohortCurves(),
                second.alerts());
        pinSelf("");
        info(
                "threads: pre-loading %,d readings of %,d patients and %,d events on %d partitions",
                cohort.readings(), cohort.patients(), cohort.events().size(), partitions);
        preload(one, cohort);
        if (o.brokerPid() > 0) {
            pin(o.brokerPid(), "");
        }
        info("threads: application, broker and driver unpinned (load average %s)", loadAverage());
        try {
            double oneRate = scalingRun("tt1", one, 1, cohort.readings(), "topology_one_thread_unpinned");
            double twoRate = scalingRun("tt2", two, 2, cohort.readings(), "topology_two_threads");
            figure("topology_two_threads_scaling", twoRate / oneRate, "");
            if (pinnedRate > 0) {
                figure("topology_two_threads_vs_pinned_ratio", twoRate / pinnedRate, "");
            }
        } finally {
            if (o.brokerPid() > 0) {
                pin(o.brokerPid(), o.driverCpus());
            }
            pinSelf(o.driverCpus());
        }
    }

    /** One unpinned application run of the threads phase; its rate, CPU per reading and where the cores went. */
    private double scalingRun(String tag, Topics topics, int threads, long readings, String name) throws Exception {
        try (Run run = runApp(tag, topics, "", threads)) {
            Progress p = run.awaitCaughtUp(readings, Duration.ofSeconds(o.threadsBudgetSeconds()));
            long done = p.committed()[p.committed().length - 1];
            double rate = p.steadyRate(WARM_UP);
            figure(name + "_complete", p.complete() ? 1 : 0, "");
            figure(name + "_readings_processed", done, "readings");
            figure(name + "_readings_per_s", rate, "readings/s");
            figure(name + "_cpu_us_per_reading", p.cpuPerReadingUs(WARM_UP), "us");
            coreNotes(name, p.cores(WARM_UP), true);
            threadNotes(name, p, run.appId, threads);
            // Every commit writes a marker to each partition it wrote to: at low rates (a budget cut short) they
            // inflate this, so it is a note.
            info(
                    "%s: %.1f records written per reading (with one commit marker per partition written per commit)",
                    name, recordsPerReading(run.appId, topics, done, false));
            return rate;
        }
    }

    /**
     * Prints where the cores went over a run's measured window: CPU per reading of the broker and this driver (the
     * application's is printed by the caller), and, as {@code <name>_<who>_cores} figures when {@code asFigures}, how
     * many of the machine's cores each used on average, with the rate all of the machine's cores would allow if the
     * application, broker and driver had them to themselves at this CPU per reading.
     */
    private static void coreNotes(String name, CoreUse c, boolean asFigures) {
        int online = onlineCores();
        if (!Double.isNaN(c.broker())) {
            figure(name + "_broker_cpu_us_per_reading", c.usPerReading(c.broker()), "us");
        }
        figure(name + "_driver_cpu_us_per_reading", c.usPerReading(c.driver()), "us");
        double ours = c.app() + (Double.isNaN(c.broker()) ? 0 : c.broker()) + c.driver();
        info(
                "%s: cores used over %.1f s (%,d readings; the machine has %d): application %.2f, broker %.2f,"
                        + " driver %.2f, other processes %.2f, idle %.2f, stolen %.2f; load average %s",
                name,
                c.seconds(),
                c.readings(),
                online,
                c.app(),
                c.broker(),
                c.driver(),
                c.others(),
                c.idle(),
                c.steal(),
                loadAverage());
        if (asFigures) {
            figure(name + "_app_cores", c.app(), "cores");
            if (!Double.isNaN(c.broker())) {
                figure(name + "_broker_cores", c.broker(), "cores");
            }
            figure(name + "_driver_cores", c.driver(), "cores");
            figure(name + "_other_processes_cores", c.others(), "cores");
            figure(name + "_idle_cores", c.idle(), "cores");
            figure(name + "_cpu_us_per_reading_all_three", c.usPerReading(ours), "us");
            figure(name + "_all_cores_ceiling_readings_per_s", online * 1e6 / c.usPerReading(ours), "readings/s");
        }
    }

    /**
     * The application's own threads over the measured window (from the first thread snapshot, taken where the warm-up
     * share was committed, to the end), grouped by what they do, and each stream thread's share of a core and of its
     * time blocked on Kafka ({@code blocked-time-ns-total}: fetches, sends, commits).
     */
    private static void threadNotes(String name, Progress p, String appId, int streamThreads) {
        List<ThreadSnapshot> window = p.threadWindow(WARM_UP);
        if (window.isEmpty()) {
            return;
        }
        ThreadSnapshot steady = window.get(0);
        ThreadSnapshot end = window.get(1);
        double seconds = (p.nanos()[end.sample()] - p.nanos()[steady.sample()]) / 1e9;
        Map<Long, ChildJvm.ThreadCpu> before = new HashMap<>();
        steady.threads().forEach(t -> before.put(t.tid(), t));
        // Linux keeps 15 characters of a thread's name; Kafka Streams' own threads start with the application id.
        String streams = (appId + "-").substring(0, Math.min(15, appId.length() + 1));
        Map<String, Double> groups = new java.util.TreeMap<>();
        // [share of a core, share of the window waiting for a core] of each Kafka Streams thread
        List<double[]> streamsThreads = new ArrayList<>();
        for (ChildJvm.ThreadCpu t : end.threads()) {
            ChildJvm.ThreadCpu b = before.get(t.tid());
            double cores = (t.cpuNanos() - (b == null ? 0 : b.cpuNanos())) / 1e9 / seconds;
            double waiting = t.waitNanos() < 0 || (b != null && b.waitNanos() < 0)
                    ? Double.NaN
                    : (t.waitNanos() - (b == null ? 0 : b.waitNanos())) / 1e9 / seconds;
            String comm = t.comm();
            String group;
            if (comm.startsWith(streams)) {
                group = "kafka streams (stream threads and their helpers)";
                streamsThreads.add(new double[] {cores, waiting});
            } else if (comm.startsWith("kafka-producer-")) {
                group = "producer network I/O";
            } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                group = "JIT";
            } else if (comm.startsWith("GC ") || comm.startsWith("G1 ")) {
                group = "GC";
            } else if (comm.startsWith("rocksdb")) {
                group = "RocksDB background";
            } else {
                group = "other";
            }
            groups.merge(group, cores, Double::sum);
        }
        streamsThreads.sort((x, y) -> Double.compare(y[0], x[0]));
        StringBuilder g = new StringBuilder();
        groups.forEach((k, v) -> g.append(String.format(Locale.ROOT, "; %s %.2f", k, v)));
        info("%s: application threads over %.1f s, in cores%s", name, seconds, g);
        List<double[]> busiest = streamsThreads.subList(0, Math.min(streamThreads, streamsThreads.size()));
        info(
                "%s: the %d busiest Kafka Streams threads (the stream threads) ran %s of the window and waited for a"
                        + " core (runnable, /proc/<pid>/task/<tid>/schedstat) %s of it",
                name,
                busiest.size(),
                busiest.stream()
                        .map(v -> String.format(Locale.ROOT, "%.2f", v[0]))
                        .toList(),
                busiest.stream()
                        .map(v -> String.format(Locale.ROOT, "%.2f", v[1]))
                        .toList());
        figure(
                name + "_stream_thread_cores",
                busiest.stream().mapToDouble(v -> v[0]).average().orElse(0),
                "cores");
        double waits = busiest.stream().mapToDouble(v -> v[1]).average().orElse(Double.NaN);
        if (!Double.isNaN(waits)) {
            figure(name + "_stream_thread_cpu_wait_share", waits, "");
        }
        Map<String, Double> blocked = new java.util.TreeMap<>();
        end.blockedNanos().forEach((thread, ns) -> {
            Double start = steady.blockedNanos().get(thread);
            if (start != null) {
                blocked.put(thread, (ns - start) / 1e9 / seconds);
            }
        });
        if (!blocked.isEmpty()) {
            info(
                    "%s: share of the window each stream thread was blocked on Kafka (blocked-time-ns-total): %s",
                    name,
                    blocked.values().stream()
                            .map(v -> String.format(Locale.ROOT, "%.2f", v))
                            .toList());
            double blockedShare = blocked.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(0);
            figure(name + "_stream_thread_blocked_share", blockedShare, "");
            double ran = busiest.stream().mapToDouble(v -> v[0]).average().orElse(0);
            if (!Double.isNaN(waits)) {
                // A stream thread is running, runnable but without a core, or blocked (on Kafka, or anything else).
                info(
                        "%s: an average stream thread's time: running %.2f, waiting for a core %.2f, blocked on Kafka"
                                + " %.2f, the rest %.2f",
                        name, ran, waits, blockedShare, 1 - ran - waits - blockedShare);
            }
        }
    }

    private static final Pattern BLOCKED =
            Pattern.compile("^kafka_stream_thread_blocked_time_ns_total\\{[^}]*thread_id=\"([^\"]+)\"[^}]*} (\\S+)$");

    /** Kafka Streams' blocked time so far per stream thread, from the application's /metrics; empty if none. */
    private static Map<String, Double> blockedNanos(ChildJvm app) {
        Map<String, Double> blocked = new HashMap<>();
        try {
            Matcher url = DASHBOARD.matcher(app.stdout());
            if (!url.find()) {
                return blocked;
            }
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url.group(1) + "metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            metrics.body().lines().forEach(line -> {
                Matcher m = BLOCKED.matcher(line);
                if (m.find()) {
                    blocked.put(m.group(1), Double.parseDouble(m.group(2)));
                }
            });
        } catch (IOException | RuntimeException e) {
            // no metrics: the notes leave the blocked share out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return blocked;
    }

    /** The machine's cores (the cpuN lines of /proc/stat): this JVM may be pinned to fewer. */
    private static int onlineCores() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            return (int)
                    Math.max(1, lines.filter(l -> l.matches("^cpu[0-9]+ .*")).count());
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---------------------------------------------------------------- latency

    private void latency(double capacity) throws Exception {
        double[] fractions = o.latencyFractions();
        long warmUp = (long) (fractions[0] * capacity * o.latencyJitWarmupSeconds());
        long total = warmUp + 1;
        for (double f : fractions) {
            total += (long) Math.ceil(f * capacity * (o.latencyWarmupSeconds() + o.latencySeconds())) + 1;
        }
        BenchCohort cohort =
                new BenchCohort(o.latencyPatients(), (int) (total / o.latencyPatients()) + 1, o.seed() + 1);
        Topics topics = createTopics("lat");
        preloadEvents(topics, cohort);
        pinSelf(o.driverCpus());
        Run run = runApp("lat", topics, o.appCpus());
        AtomicLongArray scheduled = new AtomicLongArray((int) total);
        SynchronizedHistogram[] histograms = new SynchronizedHistogram[fractions.length];
        for (int i = 0; i < histograms.length; i++) {
            histograms[i] = new SynchronizedHistogram(TimeUnit.MINUTES.toNanos(10), 3);
        }
        // Which histogram reading i belongs to (-1: warm-up), set before it is scheduled.
        int[] bucket = new int[(int) total];
        Arrays.fill(bucket, -1);
        AtomicLong seen = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        try {
            if (!run.awaitCaughtUp(0, Duration.ofMinutes(5)).complete()) {
                throw new IllegalStateException("the application did not process the events within 5 min");
            }
            Thread consumer = new Thread(
                    () -> {
                        try {
                            consumeOutputs(topics, scheduled, bucket, histograms, seen, stop);
                        } catch (Throwable t) {
                            consumerFailure.set(t);
                        }
                    },
                    "latency-consumer");
            consumer.start();
            Thread.sleep(1000); // the consumer is assigned and positioned at the end before the first send
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap());
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "0"); // as ingest-hl7: a live feed sends each result at once
            Serializer<LabReading> values = serdes.value(LabReading.class).serializer();
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
                // A fresh JVM runs interpreted and C1 code and compiles on the same core: warm it up at the lowest
                // fraction, unmeasured. Before every fraction the application drains its backlog, so no fraction
                // inherits the previous one's queue.
                info("latency: JIT warm-up, %,d readings at %.0f readings/s", warmUp, fractions[0] * capacity);
                long next =
                        sendOnSchedule(producer, cohort, topics, values, scheduled, 0, warmUp, fractions[0] * capacity);
                for (int fi = 0; fi < fractions.length; fi++) {
                    if (!run.awaitCaughtUp(0, Duration.ofSeconds(60)).complete()) {
                        info("latency: the application still has a backlog after 60 s; measuring anyway");
                    }
                    double rate = fractions[fi] * capacity;
                    long warm = (long) (rate * o.latencyWarmupSeconds());
                    long measured = (long) (rate * o.latencySeconds());
                    long first = next;
                    for (long i = first; i < first + warm + measured; i++) {
                        bucket[(int) i] = i < first + warm ? -1 : fi;
                    }
                    info(
                            "latency: %.0f%% of %.0f readings/s = %.0f readings/s, %d s warm-up + %d s measured",
                            fractions[fi] * 100, capacity, rate, o.latencyWarmupSeconds(), o.latencySeconds());
                    next = sendOnSchedule(producer, cohort, topics, values, scheduled, first, warm + measured, rate);
                    // Let the last readings arrive; whatever has not in 15 s counts as missing.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (histograms[fi].getTotalCount() < measured && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                        if (consumerFailure.get() != null) {
                            throw new IllegalStateException("latency consumer failed", consumerFailure.get());
                        }
                    }
                    String pct = Integer.toString((int) Math.round(fractions[fi] * 100)) + "pct";
                    Histogram h = histograms[fi].copy();
                    figure("p50_latency_ms_at_" + pct, h.getValueAtPercentile(50) / 1e6, "ms");
                    figure("p99_latency_ms_at_" + pct, h.getValueAtPercentile(99) / 1e6, "ms");
                    figure("max_latency_ms_at_" + pct, h.getMaxValue() / 1e6, "ms");
                    figure("latency_rate_at_" + pct, rate, "readings/s");
                    figure("latency_missing_at_" + pct, measured - h.getTotalCount(), "readings");
                    info(
                            "latency at %s: %d readings measured, sender at most %.1f ms behind schedule",
                            pct, h.getTotalCount(), lastBehindNanos / 1e6);
                    streamThreadNotes(run, pct);
                }
            }
        } finally {
            stop.set(true);
            run.close();
        }
    }

    private long lastBehindNanos;

    private static final Pattern DASHBOARD = Pattern.compile("Dashboard and query API: (\\S+)");
    private static final Pattern THREAD_LATENCY = Pattern.compile(
            "^kafka_stream_thread_((?:commit|punctuate|process|poll)_latency_(?:max|avg))\\{[^}]*} (\\S+)$");

    /**
     * What the stream thread spent its time on, from the application's own /metrics (Kafka Streams' thread metrics
     * through Micrometer; windows of the last ~30-60 s): a commit or a punctuation that blocks the thread shows up as a
     * max latency, and so in the p99.
     */
    private static void streamThreadNotes(Run run, String pct) {
        try {
            Matcher url = DASHBOARD.matcher(run.app.stdout());
            if (!url.find()) {
                return;
            }
            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url.group(1) + "metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            StringBuilder note = new StringBuilder();
            metrics.body().lines().forEach(line -> {
                Matcher m = THREAD_LATENCY.matcher(line);
                if (m.find()) {
                    note.append(String.format(Locale.ROOT, " %s=%.1f", m.group(1), Double.parseDouble(m.group(2))));
                }
            });
            info("latency at %s: stream thread (ms):%s", pct, note);
        } catch (IOException | InterruptedException | RuntimeException e) {
            info("latency at %s: no stream thread metrics (%s)", pct, e);
        }
    }

    /**
     * Sends readings {@code first .. first+count-1} open-loop: reading {@code i} is due at {@code start + (i-first) /
     * rate} whether or not the previous sends were quick, and its latency is counted from when it was due. Returns the
     * next index.
     */
    private long sendOnSchedule(
            KafkaProducer<String, byte[]> producer,
            BenchCohort cohort,
            Topics topics,
            Serializer<LabReading> values,
            AtomicLongArray scheduled,
            long first,
            long count,
            double rate) {
        double periodNanos = 1e9 / rate;
        long start = System.nanoTime() + 10_000_000;
        long behindMax = 0;
        for (long i = first; i < first + count; i++) {
            long at = start + (long) ((i - first) * periodNanos);
            long now;
            while ((now = System.nanoTime()) < at) {
                LockSupport.parkNanos(Math.min(at - now, 200_000));
            }
            behindMax = Math.max(behindMax, now - at);
            RawReading r = cohort.reading(i);
            LabReading avro = InputMapping.toAvro(r.withIds("L" + i, r.patientId()));
            scheduled.set((int) i, at);
            producer.send(
                    new ProducerRecord<>(topics.readings(), r.patientId(), values.serialize(topics.readings(), avro)));
        }
        lastBehindNanos = behindMax;
        return first + count;
    }

    private void consumeOutputs(
            Topics topics,
            AtomicLongArray scheduled,
            int[] bucket,
            SynchronizedHistogram[] histograms,
            AtomicLong seen,
            AtomicBoolean stop) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10"); // the reader of a dashboard does not wait 500 ms
        var points = serdes.value(TrajectoryPoint.class).deserializer();
        java.util.BitSet done = new java.util.BitSet(scheduled.length());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.trajectory()).stream()
                    .map(i -> new TopicPartition(topics.trajectory(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (!stop.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    long now = System.nanoTime();
                    if (r.value() == null) {
                        continue;
                    }
                    String id = points.deserialize(r.topic(), r.value()).getReadingId();
                    if (!id.startsWith("L")) {
                        continue;
                    }
                    int i = Integer.parseInt(id.substring(1));
                    long at = scheduled.get(i);
                    // Only the first point of a reading: later ones are recomputations, not its arrival.
                    if (at == 0 || done.get(i)) {
                        continue;
                    }
                    done.set(i);
                    seen.incrementAndGet();
                    if (bucket[i] >= 0) {
                        histograms[bucket[i]].recordValue(Math.max(0, now - at));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- history growth

    private void history() throws Exception {
        Map<Integer, Double> cpu = new HashMap<>();
        for (int perPatient : o.historyPerPatient()) {
            int patients = (int) Math.max(1, o.historyReadings() / perPatient);
            BenchCohort cohort = new BenchCohort(patients, perPatient, o.seed() + perPatient);
            // Other patients first, 10 readings each, to warm the JIT up before the measured readings.
            BenchCohort warm =
                    new BenchCohort((int) Math.max(1, o.historyWarmupReadings() / 10), 10, o.seed() - perPatient, "W");
            Topics topics = createTopics("h" + perPatient);
            info(
                    "history: %,d readings as %,d patients x %,d, after %,d warm-up readings of other patients",
                    cohort.readings(), patients, perPatient, warm.readings());
            pinSelf("");
            preload(topics, warm);
            preload(topics, cohort);
            pinSelf(o.driverCpus());
            Run run = runApp("h" + perPatient, topics, o.appCpus());
            try {
                long all = warm.readings() + cohort.readings();
                Progress p = run.awaitCaughtUp(all, Duration.ofSeconds(o.historyBudgetSeconds()));
                // Measured from the first 10% of the measured readings on (the warm-up cohort and the start of
                // the measured one left out); each run starts a fresh JVM, so they all pay the rest alike.
                double skip = (warm.readings() + 0.1 * cohort.readings()) / all;
                double us = p.workCpuPerReadingUs(skip);
                figure("process_cpu_us_per_reading_at_" + perPatient, p.cpuPerReadingUs(skip), "us");
                long done = p.committed()[p.committed().length - 1] - warm.readings();
                cpu.put(perPatient, us);
                figure("cpu_us_per_reading_at_" + perPatient, us, "us");
                figure("readings_per_s_at_" + perPatient, p.steadyRate(skip), "readings/s");
                if (!p.complete()) {
                    info(
                            "history at %d: budget spent after %,d of %,d readings (histories of ~%,d readings when"
                                    + " measurement ended)",
                            perPatient, done, cohort.readings(), done / patients);
                }
                figure("history_complete_at_" + perPatient, p.complete() ? 1 : 0, "");
                figure(
                        "changelog_bytes_per_reading_at_" + perPatient,
                        run.changelogBytes() / (double) Math.max(1, done + warm.readings()),
                        "B");
                // What the readings made the topology write (warm-up included): history length changes the mix
                // of outputs, so CPU per record written is the cost that should stay flat.
                double records = recordsPerReading(run.appId, topics, done + warm.readings(), false);
                figure("records_written_per_reading_at_" + perPatient, records, "records");
                figure("cpu_us_per_record_written_at_" + perPatient, us / records, "us");
            } finally {
                run.close();
            }
        }
        int low = o.historyPerPatient().get(0);
        int high = o.historyPerPatient().get(o.historyPerPatient().size() - 1);
        figure("history_growth_ratio", cpu.get(high) / cpu.get(low), "");
    }

    // ---------------------------------------------------------------- plumbing

    private Topics createTopics(String tag) {
        return createTopics(tag, o.partitions());
    }

    private Topics createTopics(String tag, int partitions) {
        Topics topics = Topics.defaults().withSuffix("-" + tag);
        TopicSetup.ensureTopics(
                admin,
                new PipelineTopics(topics, Optional.of(partitions), Optional.empty()).all(),
                Duration.ofSeconds(60));
        return topics;
    }

    private KafkaProducer<String, byte[]> fastProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private void preloadEvents(Topics topics, BenchCohort cohort) {
        Serializer<ClinicalEvent> events = serdes.value(ClinicalEvent.class).serializer();
        try (KafkaProducer<String, byte[]> producer = fastProducer()) {
            for (RawClinicalEvent e : cohort.events()) {
                producer.send(new ProducerRecord<>(
                        topics.events(), e.patientId(), events.serialize(topics.events(), InputMapping.toAvro(e))));
            }
            producer.flush();
        }
    }

    /** Events, then readings, as fast as the producer goes; not measured. */
    private void preload(Topics topics, BenchCohort cohort) throws Exception {
        long start = System.nanoTime();
        long before = endOffsets(List.of(topics.readings())).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        preloadEvents(topics, cohort);
        Serializer<LabReading> values = serdes.value(LabReading.class).serializer();
        try (KafkaProducer<String, byte[]> producer = fastProducer()) {
            cohort.sendReadings(producer, topics.readings(), values);
        }
        long stored = endOffsets(List.of(topics.readings())).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        if (stored - before != cohort.readings()) {
            throw new IllegalStateException("pre-loaded " + stored + " readings, expected " + cohort.readings());
        }
        info("pre-loaded in %.1f s (not measured)", (System.nanoTime() - start) / 1e9);
    }

    private Run runApp(String tag, Topics topics, String cpus) throws IOException {
        return runApp(tag, topics, cpus, 1);
    }

    private Run runApp(String tag, Topics topics, String cpus, int threads) throws IOException {
        String appId = "bench-" + tag;
        Path state = Files.createTempDirectory(o.work(), "state-" + tag);
        List<String> args = new ArrayList<>(List.of(
                "-jar",
                o.jar().toString(),
                "run",
                "--identified-outputs",
                "--bootstrap-servers",
                o.bootstrap(),
                "--schema-registry-url",
                registry.url(),
                "--application-id",
                appId,
                "--state-dir",
                state.toString(),
                "--http-port",
                "0",
                "--health-port",
                "0",
                "--http-bind-address",
                "127.0.0.1",
                "--http-advertised-host",
                "127.0.0.1",
                "--threads",
                Integer.toString(threads)));
        args.addAll(PipelineArguments.topics(topics));
        long launched = System.nanoTime();
        ChildJvm app = ChildJvm.start("app-" + tag, cpus, o.appJvmOptions(), args, o.work());
        info("app %s: pid %d, cpus %s, %d stream thread(s)", appId, app.pid(), cpus.isEmpty() ? "any" : cpus, threads);
        return new Run(appId, topics.inputs(), topics.readings(), app, launched);
    }

    /**
     * Where the machine's CPU had gone at one progress sample, in nanoseconds since boot: the broker's and this
     * driver's process CPU (-1 when unknown), and the whole machine's busy, idle and stolen time summed over its cores.
     */
    record CoreSample(long broker, long driver, long busy, long idle, long steal) {
        static CoreSample now(long brokerPid) {
            long[] machine = ChildJvm.machineCpuNanos();
            return new CoreSample(
                    brokerPid > 0 ? ChildJvm.cpuNanos(brokerPid) : -1,
                    ChildJvm.cpuNanos(ProcessHandle.current().pid()),
                    machine == null ? -1 : machine[0],
                    machine == null ? -1 : machine[1],
                    machine == null ? -1 : machine[2]);
        }
    }

    /**
     * The application's threads (CPU so far, from /proc) and Kafka Streams' blocked time per stream thread
     * ({@code blocked-time-ns-total} from the application's /metrics, empty if it has none) at one progress sample.
     */
    record ThreadSnapshot(int sample, List<ChildJvm.ThreadCpu> threads, Map<String, Double> blockedNanos) {}

    /**
     * Where the cores went over a window of a run, in cores (CPU seconds per second of wall time): the application,
     * the broker, this driver, every other process on the machine (busy − those three), idle and stolen time; with the
     * readings committed in the window.
     */
    record CoreUse(
            double seconds,
            long readings,
            double app,
            double broker,
            double driver,
            double busy,
            double idle,
            double steal) {
        double others() {
            return Math.max(0, busy - app - (Double.isNaN(broker) ? 0 : broker) - driver);
        }

        /** CPU per reading of {@code cores}, in microseconds. */
        double usPerReading(double cores) {
            return cores * seconds * 1e6 / Math.max(1, readings);
        }
    }

    /** Progress samples of one application run: (time, readings committed, process CPU, where the cores went). */
    record Progress(
            long[] nanos,
            long[] committed,
            long[] cpu,
            long[] cpuWithoutJit,
            CoreSample[] cores,
            List<ThreadSnapshot> snapshots,
            long total,
            boolean complete) {
        /**
         * Readings per second from the sample where {@code skip} of the readings were committed (the JIT's warm-up
         * and the first rebalance left out; of the readings processed, when a budget stopped the run first) to the
         * last sample; from the first commit if that was never reached.
         */
        double steadyRate(double skip) {
            int first = firstSteadySample(skip);
            int last = committed.length - 1;
            return (committed[last] - committed[first]) / ((nanos[last] - nanos[first]) / 1e9);
        }

        /**
         * The sample where {@code skip} of the readings were committed (of those processed, when a budget stopped the
         * run first); the first sample with a commit if that leaves fewer than two samples.
         */
        private int firstSteadySample(double skip) {
            int first = 0;
            while (first < committed.length - 1
                    && committed[first] < skip * Math.min(total, committed[committed.length - 1])) {
                first++;
            }
            if (first >= committed.length - 2) {
                first = 0;
                while (first < committed.length - 1 && committed[first] == 0) {
                    first++;
                }
            }
            return first;
        }

        /** Process CPU per reading once {@code skip} of the readings were committed, in microseconds. */
        double cpuPerReadingUs(double skip) {
            return perReadingUs(cpu, skip);
        }

        /** The same without the JIT compiler threads. */
        double workCpuPerReadingUs(double skip) {
            return perReadingUs(cpuWithoutJit, skip);
        }

        /**
         * The first thread snapshot at or after the sample where {@code skip} of the readings were committed, and the
         * last one (taken at the last sample); empty if there are not two such.
         */
        List<ThreadSnapshot> threadWindow(double skip) {
            int first = firstSteadySample(skip);
            ThreadSnapshot last = snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
            return snapshots.stream()
                    .filter(s -> s.sample() >= first && last != null && s.sample() < last.sample())
                    .findFirst()
                    .map(s -> List.of(s, last))
                    .orElse(List.of());
        }

        /** Where the cores went from the sample where {@code skip} of the readings were committed to the last. */
        CoreUse cores(double skip) {
            int first = firstSteadySample(skip);
            int last = committed.length - 1;
            double seconds = Math.max(1e-9, (nanos[last] - nanos[first]) / 1e9);
            CoreSample a = cores[first];
            CoreSample b = cores[last];
            return new CoreUse(
                    seconds,
                    committed[last] - committed[first],
                    (cpu[last] - cpu[first]) / 1e9 / seconds,
                    a.broker() < 0 || b.broker() < 0 ? Double.NaN : (b.broker() - a.broker()) / 1e9 / seconds,
                    (b.driver() - a.driver()) / 1e9 / seconds,
                    (b.busy() - a.busy()) / 1e9 / seconds,
                    (b.idle() - a.idle()) / 1e9 / seconds,
                    (b.steal() - a.steal()) / 1e9 / seconds);
        }

        private double perReadingUs(long[] cpu, double skip) {
            int first = firstSteadySample(skip);
            int last = committed.length - 1;
            return (cpu[last] - cpu[first]) / 1e3 / Math.max(1, committed[last] - committed[first]);
        }
    }

    private final class Run implements AutoCloseable {
        final String appId;
        /** The input topics whose committed offsets tell the progress. */
        final List<String> inputs;

        final String readingsTopic;
        final ChildJvm app;
        final long launched;

        Run(String appId, List<String> inputs, String readingsTopic, ChildJvm app, long launched) {
            this.appId = appId;
            this.inputs = inputs;
            this.readingsTopic = readingsTopic;
            this.app = app;
            this.launched = launched;
        }

        /**
         * Polls until the group's committed offsets reach the inputs' end offsets (taken now), or {@code budget} has
         * passed (then {@link Progress#complete()} is false).
         */
        Progress awaitCaughtUp(long readings, Duration budget) throws Exception {
            Map<TopicPartition, Long> ends = endOffsets(inputs);
            List<Long> t = new ArrayList<>();
            List<Long> c = new ArrayList<>();
            List<Long> cpu = new ArrayList<>();
            List<Long> work = new ArrayList<>();
            List<CoreSample> cores = new ArrayList<>();
            List<ThreadSnapshot> snapshots = new ArrayList<>();
            boolean steady = false;
            long deadline = System.nanoTime() + budget.toNanos();
            long lastInfo = System.nanoTime();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                        .partitionsToOffsetAndMetadata()
                        .get();
                long now = System.nanoTime();
                long cpuNow = app.cpuNanos();
                long cpuWork = app.cpuNanosWithoutJit();
                CoreSample coresNow = CoreSample.now(o.brokerPid());
                long behind = 0;
                long readingsDone = 0;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    OffsetAndMetadata m = committed.get(end.getKey());
                    long position = m == null ? 0 : m.offset();
                    behind += Math.max(0, end.getValue() - position);
                    if (end.getKey().topic().equals(readingsTopic)) {
                        readingsDone += position;
                    }
                }
                t.add(now);
                c.add(readingsDone);
                cpu.add(cpuNow);
                work.add(cpuWork);
                cores.add(coresNow);
                // The application's threads now and then (every ~2 s, and where the warm-up share was committed), for
                // the thread notes of the window the rates are measured over.
                if (readings > 0 && ((!steady && readingsDone >= WARM_UP * readings) || t.size() % 20 == 1)) {
                    snapshots.add(snapshot(t.size() - 1));
                    steady |= readingsDone >= WARM_UP * readings;
                }
                if (behind == 0 || now > deadline) {
                    if (behind > 0) {
                        info("%s: budget of %s spent with %,d input records unprocessed", appId, budget, behind);
                    }
                    return new Progress(
                            toArray(t),
                            toArray(c),
                            toArray(cpu),
                            toArray(work),
                            cores.toArray(CoreSample[]::new),
                            readings > 0 ? withLast(snapshots, snapshot(t.size() - 1)) : List.of(),
                            readings,
                            behind == 0);
                }
                if (!app.isAlive()) {
                    throw new IllegalStateException("the application exited:\n" + app.tail());
                }
                if (now - lastInfo > 30_000_000_000L && readings > 0) {
                    lastInfo = now;
                    info("%s: %,d of %,d readings committed", appId, readingsDone, readings);
                }
                Thread.sleep(POLL.toMillis());
            }
        }

        private List<ThreadSnapshot> withLast(List<ThreadSnapshot> snapshots, ThreadSnapshot last) {
            snapshots.add(last);
            return snapshots;
        }

        private ThreadSnapshot snapshot(int sample) {
            return new ThreadSnapshot(sample, app.threads(), blockedNanos(app));
        }

        /** Then the cohort stage: the repartition topics the patient stage wrote to. */
        void awaitRepartitionsCaughtUp(Duration timeout) throws Exception {
            List<String> repartitions = admin.listTopics().names().get().stream()
                    .filter(n -> n.startsWith(appId + "-") && n.endsWith("-repartition"))
                    .toList();
            Map<TopicPartition, Long> ends = endOffsets(repartitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                        .partitionsToOffsetAndMetadata()
                        .get();
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    OffsetAndMetadata m = committed.get(end.getKey());
                    behind += Math.max(0, end.getValue() - (m == null ? 0 : m.offset()));
                }
                if (behind == 0) {
                    return;
                }
                if (System.nanoTime() > deadline || !app.isAlive()) {
                    throw new IllegalStateException(appId + " repartition topics still " + behind + " behind");
                }
                Thread.sleep(POLL.toMillis());
            }
        }

        long changelogBytes() throws Exception {
            List<String> changelogs = admin.listTopics().names().get().stream()
                    .filter(n -> n.startsWith(appId + "-") && n.endsWith("-changelog"))
                    .toList();
            return topicBytes(changelogs);
        }

        @Override
        public void close() throws InterruptedException {
            app.close();
        }
    }

    /**
     * Where the writes go: records written per reading processed to each output, changelog and repartition topic of
     * the run (end offsets; under exactly_once_v2 they include one commit marker per partition per commit), in all;
     * {@code itemized} prints them per topic.
     */
    private double recordsPerReading(String appId, Topics topics, long readings, boolean itemized) throws Exception {
        List<String> written = new ArrayList<>(topics.outputs());
        admin.listTopics().names().get().stream()
                .filter(n -> n.startsWith(appId + "-"))
                .sorted()
                .forEach(written::add);
        Map<String, Long> records = new java.util.TreeMap<>();
        endOffsets(written).forEach((tp, end) -> records.merge(tp.topic(), end, Long::sum));
        double total = 0;
        for (Map.Entry<String, Long> e : records.entrySet()) {
            double perReading = e.getValue() / (double) Math.max(1, readings);
            total += perReading;
            if (itemized) {
                info("records per reading: %.2f to %s", perReading, e.getKey().replace(appId + "-", "<app>-"));
            }
        }
        return total;
    }

    /** Bytes on disk of every partition of {@code topics} (before any compaction: the active segment is never cleaned). */
    private long topicBytes(List<String> topics) throws ExecutionException, InterruptedException {
        int broker = admin.describeCluster().nodes().get().iterator().next().id();
        long bytes = 0;
        for (LogDirDescription dir : admin.describeLogDirs(List.of(broker))
                .allDescriptions()
                .get()
                .get(broker)
                .values()) {
            for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
                if (topics.contains(e.getKey().topic())) {
                    bytes += e.getValue().size();
                }
            }
        }
        return bytes;
    }

    private Map<TopicPartition, Long> endOffsets(List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().values().forEach(d -> d.partitions()
                .forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /**
     * Re-pins every thread of this JVM: both cores while pre-loading (nothing is measured then), the broker's core
     * while the application or raw consumer is measured. Empty {@code cpus}: all cores.
     */
    private static void pinSelf(String cpus) throws IOException, InterruptedException {
        pin(ProcessHandle.current().pid(), cpus);
    }

    /** Re-pins every thread of process {@code pid} to {@code cpus} (empty: all cores). */
    private static void pin(long pid, String cpus) throws IOException, InterruptedException {
        String list = cpus.isEmpty()
                ? Files.readString(Path.of("/sys/devices/system/cpu/online")).strip()
                : cpus;
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", list, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** Prints one figure as bench/run reports it: {@code figure: <name> <value> <unit>}. */
    static void figure(String name, double value, String unit) {
        String text = Math.abs(value) >= 100 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.3g", value);
        System.out.println(("figure: " + name + " " + text + " " + unit).strip());
        System.out.flush();
    }

    /** Prints a progress note ({@code # ...}). */
    static void info(String format, Object... args) {
        System.out.println("# " + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static Options parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        String bootstrap = require(a, "bootstrap");
        return new Options(
                bootstrap,
                Path.of(a.getOrDefault("jar", "target/biomarker-streams.jar")),
                a.getOrDefault("classpath", System.getProperty("java.class.path")),
                a.getOrDefault("app-cpus", ""),
                a.getOrDefault("app-java-opts", "").isBlank()
                        ? List.of()
                        : List.of(a.get("app-java-opts").trim().split("\\s+")),
                Path.of(a.getOrDefault("work", System.getProperty("java.io.tmpdir"))),
                List.of(a.getOrDefault("phases", "throughput,threads,latency,history")
                        .split(",")),
                Integer.parseInt(a.getOrDefault("partitions", "1")),
                Integer.parseInt(a.getOrDefault("patients", "3000")),
                Long.parseLong(a.getOrDefault("readings", "300000")),
                Long.parseLong(a.getOrDefault("history-readings", "30000")),
                Arrays.stream(a.getOrDefault("history-per-patient", "10,100,1000,10000")
                                .split(","))
                        .map(Integer::parseInt)
                        .toList(),
                Integer.parseInt(a.getOrDefault("latency-patients", "1000")),
                Arrays.stream(a.getOrDefault("latency-fractions", "0.25,0.5,0.75")
                                .split(","))
                        .mapToDouble(Double::parseDouble)
                        .toArray(),
                Integer.parseInt(a.getOrDefault("latency-warmup-s", "5")),
                Integer.parseInt(a.getOrDefault("latency-jit-warmup-s", "20")),
                Integer.parseInt(a.getOrDefault("latency-s", "30")),
                Double.parseDouble(a.getOrDefault("capacity", "0")),
                Boolean.parseBoolean(a.getOrDefault("unpinned-too", "false")),
                Boolean.parseBoolean(a.getOrDefault("anchors", "true")),
                a.getOrDefault("driver-cpus", ""),
                Integer.parseInt(a.getOrDefault("topology-budget-s", "3600")),
                Integer.parseInt(a.getOrDefault("history-budget-s", "3600")),
                Long.parseLong(a.getOrDefault("history-warmup-readings", "5000")),
                Long.parseLong(a.getOrDefault("seed", "20200214")),
                Integer.parseInt(a.getOrDefault("threads-partitions", "2")),
                Integer.parseInt(a.getOrDefault("threads-patients", a.getOrDefault("patients", "3000"))),
                Long.parseLong(a.getOrDefault("threads-readings", a.getOrDefault("readings", "300000"))),
                Integer.parseInt(a.getOrDefault("threads-budget-s", a.getOrDefault("topology-budget-s", "3600"))),
                Long.parseLong(a.getOrDefault("broker-pid", "0")));
    }

    private static String require(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
