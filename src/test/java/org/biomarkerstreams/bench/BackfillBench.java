package org.biomarkerstreams.bench;

import static org.biomarkerstreams.bench.StreamsBench.figure;
import static org.biomarkerstreams.bench.StreamsBench.info;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.biomarkerstreams.app.PipelineTopics;
import org.biomarkerstreams.app.TopicSetup;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.testing.PipelineArguments;

/**
 * Benchmark (not a test) of the product's {@code backfill} command: pre-loads a cohort's readings and events on
 * {@code --partitions} input partitions, measures a plain consumer over the readings ({@link RawConsume}, the
 * ceiling), then runs {@code backfill} from JVM start to exit on the same CPUs. Prints {@code
 * backfill_readings_per_s} (readings / wall time, JVM start and every write included), {@code
 * backfill_vs_raw_ratio} and {@code backfill_rss_mb} (the JVM's peak resident set, VmHWM).
 */
public final class BackfillBench {

    private BackfillBench() {}

    public static void main(String[] args) throws Exception {
        int exit = 1;
        try {
            run(parse(args));
            exit = 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
        } finally {
            System.out.flush();
            System.exit(exit);
        }
    }

    private static void run(Map<String, String> a) throws Exception {
        String bootstrap = a.get("bootstrap");
        Path work = Path.of(a.getOrDefault("work", System.getProperty("java.io.tmpdir")));
        String cpus = a.getOrDefault("app-cpus", "");
        List<String> jvmOptions = a.getOrDefault("app-java-opts", "").isBlank()
                ? List.of()
                : List.of(a.get("app-java-opts").trim().split("\\s+"));
        int partitions = Integer.parseInt(a.getOrDefault("partitions", "2"));
        int patients = Integer.parseInt(a.getOrDefault("patients", "3000"));
        long readings = Long.parseLong(a.getOrDefault("readings", "300000"));
        String threads = a.getOrDefault("threads", "2");
        BenchCohort cohort = new BenchCohort(patients, (int) (readings / patients), 20200214L);
        try (BenchRegistry registry = new BenchRegistry();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            AvroSerdes serdes = new AvroSerdes(registry.registry(), true);
            Topics topics = Topics.defaults().withSuffix("-bf");
            TopicSetup.ensureTopics(
                    admin,
                    new PipelineTopics(topics, Optional.of(partitions), Optional.empty()).all(),
                    Duration.ofSeconds(60));
            info(
                    "backfill: pre-loading %,d readings of %,d patients and %,d events on %d partitions",
                    cohort.readings(), cohort.patients(), cohort.events().size(), partitions);
            preload(bootstrap, serdes, topics, cohort);

            ChildJvm raw = ChildJvm.start(
                    "raw-bf",
                    cpus,
                    jvmOptions,
                    List.of(
                            "-cp",
                            a.getOrDefault("classpath", System.getProperty("java.class.path")),
                            RawConsume.class.getName(),
                            bootstrap,
                            topics.readings(),
                            registry.url(),
                            Long.toString(cohort.readings())),
                    work);
            double rawRate = StreamsBench.rawRate(raw);
            figure("backfill_raw_consume_readings_per_s", rawRate, "readings/s");

            List<String> command = new ArrayList<>(List.of(
                    "-jar",
                    a.getOrDefault("jar", "target/biomarker-streams.jar"),
                    "backfill",
                    "--identified-outputs",
                    "--threads",
                    threads));
            if (a.containsKey("records-per-group")) {
                command.addAll(List.of("--records-per-group", a.get("records-per-group")));
            }
            command.addAll(PipelineArguments.cluster(bootstrap, registry.url()));
            command.addAll(List.of("--application-id", "bench-backfill"));
            command.addAll(PipelineArguments.topics(topics));
            long launched = System.nanoTime();
            ChildJvm backfill = ChildJvm.start("backfill", cpus, jvmOptions, command, work);
            long peakKb = 0;
            long cpu = 0;
            long cpuWithoutJit = 0;
            while (backfill.isAlive()) {
                peakKb = Math.max(peakKb, backfill.statusKb("VmHWM"));
                long c = backfill.cpuNanos();
                if (c > 0) {
                    cpu = c;
                    cpuWithoutJit = Math.max(cpuWithoutJit, backfill.cpuNanosWithoutJit());
                }
                Thread.sleep(50);
            }
            double wall = (System.nanoTime() - launched) / 1e9;
            if (backfill.await(Duration.ofSeconds(1)) != 0) {
                throw new IllegalStateException("backfill failed:\n" + backfill.tail());
            }
            backfill.stdout().lines().filter(l -> l.startsWith("Backfilled")).forEach(l -> info("%s", l));
            double rate = cohort.readings() / wall;
            figure("backfill_readings_per_s", rate, "readings/s");
            figure("backfill_vs_raw_ratio", rate / rawRate, "");
            figure("backfill_rss_mb", peakKb / 1024.0, "MB");
            figure("backfill_wall_s", wall, "s");
            // CPU, not wall time: what a reading costs whatever else runs on the core (last sample before exit).
            figure("backfill_cpu_us_per_reading", cpu / 1e3 / cohort.readings(), "us");
            figure("backfill_cpu_us_per_reading_without_jit", cpuWithoutJit / 1e3 / cohort.readings(), "us");
        }
    }

    /** Events, then readings, as fast as the producer goes; not measured. */
    private static void preload(String bootstrap, AvroSerdes serdes, Topics topics, BenchCohort cohort)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        Serializer<ClinicalEvent> events = serdes.value(ClinicalEvent.class).serializer();
        Serializer<LabReading> values = serdes.value(LabReading.class).serializer();
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (RawClinicalEvent e : cohort.events()) {
                producer.send(new ProducerRecord<>(
                        topics.events(), e.patientId(), events.serialize(topics.events(), InputMapping.toAvro(e))));
            }
            cohort.sendReadings(producer, topics.readings(), values);
        }
        info("pre-loaded in %.1f s (not measured)", (System.nanoTime() - start) / 1e9);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            a.put(args[i].substring(2), args[i + 1]);
        }
        if (!a.containsKey("bootstrap")) {
            throw new IllegalArgumentException("--bootstrap is required");
        }
        return a;
    }
}
