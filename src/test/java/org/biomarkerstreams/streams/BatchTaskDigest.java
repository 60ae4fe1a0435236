package org.biomarkerstreams.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TaskId;
import org.biomarkerstreams.avro.ClinicalEvent;
import org.biomarkerstreams.avro.LabReading;
import org.biomarkerstreams.domain.Pseudonym;
import org.biomarkerstreams.registry.InMemorySchemaRegistry;

/**
 * A digest of every byte a {@link BatchTask} drains (outputs, dead letters, alerts, changelogs, with their topics,
 * partitions and timestamps) for the arrival-order scenarios of many seeds, under the default config, with
 * pseudonyms and lab ranges, and with redelivered duplicates. A profiling aid: an optimisation of the processors
 * must leave the digest as it was (run it before and after; the changelogs are an upgrade contract).
 */
public final class BatchTaskDigest {

    private static final Instant WALL_CLOCK = Instant.parse("2030-01-01T00:00:00Z");

    private BatchTaskDigest() {}

    public static void main(String[] args) throws NoSuchAlgorithmException {
        int seeds = Integer.parseInt(args.length > 0 ? args[0] : "300");
        TopologyConfig defaults = TopologyConfig.defaults(Clock.fixed(WALL_CLOCK, ZoneOffset.UTC));
        List<TopologyConfig> configs = List.of(
                defaults,
                defaults.toBuilder()
                        .pseudonym(Pseudonym.withKey(new byte[Pseudonym.MIN_KEY_BYTES]))
                        .labRanges(true)
                        .build(),
                defaults.toBuilder().redeliverDuplicates(true).build());
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (TopologyConfig config : configs) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long records = 0;
            for (long seed = 0; seed < seeds; seed++) {
                records += run(config, seed, digest);
            }
            byte[] hash = digest.digest();
            all.update(hash);
            System.out.printf("config %d: %d records, sha-256 %s%n", configs.indexOf(config), records, hex(hash));
        }
        System.out.println("all: " + hex(all.digest()));
    }

    private static long run(TopologyConfig config, long seed, MessageDigest digest) {
        Random random = new Random(seed);
        List<ArrivalOrderProperties.Input> inputs = ArrivalOrderProperties.scenario(random);
        Collections.shuffle(inputs, random);
        AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry(), true);
        Topics topics = config.topics();
        Serializer<LabReading> readings = serdes.value(LabReading.class).serializer();
        Serializer<ClinicalEvent> events = serdes.value(ClinicalEvent.class).serializer();
        BatchTask task = new BatchTask(
                new PatientSubtopology(config, new PipelineCounters(new SimpleMeterRegistry())),
                new TaskId(0, 0),
                serdes,
                "digest");
        long offset = 0;
        for (ArrivalOrderProperties.Input in : inputs) {
            if (in instanceof ArrivalOrderProperties.Input.Reading r) {
                byte[] value = readings.serialize(topics.readings(), InputMapping.toAvro(r.r()));
                task.process(topics.readings(), 0, offset++, new RecordHeaders(), key(r.r().patientId()), value);
                if (config.redeliverDuplicates() && offset % 3 == 0) {
                    task.process(topics.readings(), 0, offset++, new RecordHeaders(), key(r.r().patientId()), value);
                }
            } else if (in instanceof ArrivalOrderProperties.Input.Event e) {
                byte[] value = events.serialize(topics.events(), InputMapping.toAvro(e.e()));
                task.process(topics.events(), 0, offset++, new RecordHeaders(), key(e.e().patientId()), value);
            } else if (in instanceof ArrivalOrderProperties.Input.Garbage g) {
                byte[] junk = ("not avro " + g.patientId()).getBytes(StandardCharsets.UTF_8);
                String topic = g.onReadings() ? topics.readings() : topics.events();
                task.process(topic, 0, offset++, new RecordHeaders(), key(g.patientId()), junk);
            }
        }
        long[] n = {0};
        task.drain(
                (topic, partition, timestamp, k, v) -> {
                    n[0]++;
                    update(digest, topic.getBytes(StandardCharsets.UTF_8));
                    digest.update(ByteBuffer.allocate(12)
                            .putInt(partition == null ? -1 : partition)
                            .putLong(timestamp)
                            .array());
                    update(digest, k);
                    update(digest, v);
                },
                "digest");
        return n[0];
    }

    private static void update(MessageDigest digest, byte[] bytes) {
        if (bytes == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
        } else {
            digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
        }
    }

    private static byte[] key(String patientId) {
        return patientId == null ? null : patientId.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] hash) {
        return HexFormat.of().formatHex(hash);
    }
}
