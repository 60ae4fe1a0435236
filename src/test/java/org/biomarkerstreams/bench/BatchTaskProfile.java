package org.biomarkerstreams.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.RawClinicalEvent;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.BatchTask;
import org.biomarkerstreams.streams.InputMapping;
import org.biomarkerstreams.streams.PatientSubtopology;
import org.biomarkerstreams.streams.PipelineCounters;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.streams.TopologyConfig;

/**
 * CPU of one backfill task without Kafka: BatchTask over a bench cohort's bytes, in this JVM (a profiling aid). With a
 * third argument {@code digest} it also prints a SHA-256 of every record drained (topic, partition, key, value; not
 * the timestamps, dead letters' are the wall clock's), to check that an optimisation changed no byte.
 */
public final class BatchTaskProfile {

    private BatchTaskProfile() {}

    public static void main(String[] args) {
        int patients = Integer.parseInt(args.length > 0 ? args[0] : "1500");
        int perPatient = Integer.parseInt(args.length > 1 ? args[1] : "100");
        boolean digest = args.length > 2 && args[2].equals("digest");
        TopologyConfig config = TopologyConfig.defaults(Clock.systemUTC());
        Topics topics = config.topics();
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        Serializer<LabReading> readings = serdes.value(LabReading.class).serializer();
        Serializer<ClinicalEvent> events = serdes.value(ClinicalEvent.class).serializer();
        for (int round = 0; round < 3; round++) {
            BenchCohort cohort = new BenchCohort(patients, perPatient, 20200214L + round);
            byte[][] values = new byte[(int) cohort.readings()][];
            byte[][] keys = new byte[values.length][];
            for (int i = 0; i < values.length; i++) {
                var r = cohort.reading(i);
                values[i] = readings.serialize(topics.readings(), InputMapping.toAvro(r));
                keys[i] = r.patientId().getBytes(StandardCharsets.UTF_8);
            }
            BatchTask task = new BatchTask(
                    new PatientSubtopology(config, new PipelineCounters(new SimpleMeterRegistry())),
                    new TaskId(0, 0),
                    serdes,
                    "profile");
            com.sun.management.ThreadMXBean cpu =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long start = cpu.getCurrentThreadCpuTime();
            long allocatedBefore = cpu.getCurrentThreadAllocatedBytes();
            long offset = 0;
            for (RawClinicalEvent e : cohort.events()) {
                task.process(
                        topics.events(),
                        0,
                        offset++,
                        new RecordHeaders(),
                        e.patientId().getBytes(StandardCharsets.UTF_8),
                        events.serialize(topics.events(), InputMapping.toAvro(e)));
            }
            for (int i = 0; i < values.length; i++) {
                task.process(topics.readings(), 0, i, new RecordHeaders(), keys[i], values[i]);
            }
            long processed = cpu.getCurrentThreadCpuTime();
            long allocated = cpu.getCurrentThreadAllocatedBytes() - allocatedBefore;
            long[] written = {0};
            MessageDigest sha = sha256();
            task.drain(
                    (t, p, ts, k, v) -> {
                        written[0]++;
                        if (digest) {
                            sha.update(t.getBytes(StandardCharsets.UTF_8));
                            sha.update(ByteBuffer.allocate(4)
                                    .putInt(p == null ? -1 : p)
                                    .array());
                            update(sha, k);
                            update(sha, v);
                        }
                    },
                    "profile");
            long drained = cpu.getCurrentThreadCpuTime();
            System.out.printf(
                    "round %d: %d readings, process %.1f us CPU/reading (%.0f bytes allocated/reading), drain %.1f us"
                            + " CPU/reading, %d records written%n",
                    round,
                    values.length,
                    (processed - start) / 1e3 / values.length,
                    (double) allocated / values.length,
                    (drained - processed) / 1e3 / values.length,
                    written[0]);
            if (digest) {
                System.out.printf(
                        "round %d: sha-256 %s%n", round, HexFormat.of().formatHex(sha.digest()));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, byte[] bytes) {
        sha.update(
                ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            sha.update(bytes);
        }
    }
}
