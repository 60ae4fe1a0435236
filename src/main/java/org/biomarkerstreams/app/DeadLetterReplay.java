package org.biomarkerstreams.app;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.Decoded;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.SafeDeserializer;
import org.biomarkerstreams.streams.Topics;

/**
 * Puts dead letters back on the input topic they came from, after the cause was fixed (a schema registered, a limit
 * raised, a unit added to the site profile): the original key and value bytes, unchanged, with the dead letter's
 * timestamp. The dead-letter topic is read from its beginning to the end offsets taken at start, as a snapshot.
 *
 * <p>Safe to repeat: a replayed reading or event that the topology already accepted is a duplicate there (same id,
 * revision and content), and one that is still bad is dead-lettered again. Within one run, a record that sits in the
 * dead-letter topic more than once (dead-lettered again by an earlier replay) is replayed once.
 *
 * <p>A sealed dead letter ({@code --dead-letter-key-file}) is opened with the configured keys and its original
 * bytes written back. Without any key, the first selected sealed dead letter stops the run with an {@link
 * IllegalArgumentException} that says which key it needs.
 */
public final class DeadLetterReplay {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DeadLetterReplay.class);

    /** What happened to one dead letter. */
    public enum Outcome {
        /** Written back to its source topic. */
        REPLAYED,
        /** Not asked for (error code or source topic not selected). */
        NOT_SELECTED,
        /** No value bytes kept (a tombstone was dead-lettered). */
        NO_PAYLOAD,
        /** Its source is not one of the pipeline's input topics (e.g. {@code hl7:<file>}: it never reached one). */
        NOT_AN_INPUT_TOPIC,
        /** Only the first bytes of the value were kept; replaying them would write a different record. */
        TRUNCATED,
        /** The same source topic, key and value were already replayed in this run. */
        ALREADY_REPLAYED,
        /** The dead letter itself could not be decoded. */
        UNREADABLE,
        /**
         * Sealed, and the configured keys cannot open it: no key with its key id, or the sealed content (or the
         * source and code it is bound to) was altered.
         */
        CANNOT_OPEN
    }

    /**
     * Which dead letters to replay; an empty set selects all.
     *
     * @param errorCodes error codes to replay
     * @param sourceTopics source topics to replay from
     */
    public record Selection(Set<String> errorCodes, Set<String> sourceTopics) {
        public Selection {
            errorCodes = Set.copyOf(errorCodes);
            sourceTopics = Set.copyOf(sourceTopics);
        }

        public static Selection all() {
            return new Selection(Set.of(), Set.of());
        }

        boolean selects(DeadLetter letter) {
            return (errorCodes.isEmpty() || errorCodes.contains(letter.getErrorCode()))
                    && (sourceTopics.isEmpty() || sourceTopics.contains(letter.getSourceTopic()));
        }
    }

    /**
     * Counts of one run.
     *
     * @param outcomes dead letters read, by outcome
     * @param replayedByCode replayed dead letters by error code
     */
    public record Report(Map<Outcome, Long> outcomes, Map<String, Long> replayedByCode) {
        public long count(Outcome outcome) {
            return outcomes.getOrDefault(outcome, 0L);
        }

        public long read() {
            return outcomes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private DeadLetterReplay() {}

    /**
     * Replays the selected dead letters of {@code topics.deadLetters()} to their source topics, durably (acks=all,
     * idempotent), and returns once every one is acknowledged.
     *
     * @throws IllegalStateException if a write fails
     */
    public static Report replay(
            Map<String, String> clientProperties,
            String bootstrapServers,
            Topics topics,
            Deserializer<DeadLetter> deadLetters,
            Selection selection)
            throws InterruptedException {
        return replay(clientProperties, bootstrapServers, topics, deadLetters, selection, DeadLetterKeys.none());
    }

    /**
     * As above, opening sealed dead letters with {@code keys}.
     *
     * @throws IllegalArgumentException at the first selected sealed dead letter when {@code keys} has none
     */
    public static Report replay(
            Map<String, String> clientProperties,
            String bootstrapServers,
            Topics topics,
            Deserializer<DeadLetter> deadLetters,
            Selection selection,
            DeadLetterKeys keys)
            throws InterruptedException {
        Set<String> inputs = Set.copyOf(topics.inputs());
        Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
        Map<String, Long> replayedByCode = new TreeMap<>();
        Set<String> replayed = new HashSet<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        // Dead letters are as large as the value they keep (up to 512 KiB): no size limit on reading them.
        SafeDeserializer<DeadLetter> safe = new SafeDeserializer<>(deadLetters, Integer.MAX_VALUE);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                InputPublisher.durableProducer(clientProperties, bootstrapServers),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            TopicExport.read(clientProperties, bootstrapServers, topics.deadLetters(), safe, (key, decoded) -> {
                DeadLetter[] opened = new DeadLetter[1];
                Outcome outcome = decide(decoded, selection, inputs, replayed, keys, opened);
                outcomes.merge(outcome, 1L, Long::sum);
                if (outcome != Outcome.REPLAYED) {
                    return;
                }
                DeadLetter letter = opened[0];
                replayedByCode.merge(letter.getErrorCode(), 1L, Long::sum);
                Instant at = letter.getTimestamp();
                sends.add(producer.send(new ProducerRecord<>(
                        letter.getSourceTopic(),
                        null,
                        // A record the pipeline could not decode before its partition had a time has 0:
                        // written as such it could fall out of retention at once, so it gets the current time.
                        at == null || at.toEpochMilli() <= 0 ? null : at.toEpochMilli(),
                        bytes(letter.getKey()),
                        bytes(letter.getPayload()))));
            });
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "replaying dead letters failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
        return new Report(outcomes, replayedByCode);
    }

    private static Outcome decide(
            Decoded<DeadLetter> decoded,
            Selection selection,
            Set<String> inputs,
            Set<String> replayed,
            DeadLetterKeys keys,
            DeadLetter[] opened) {
        if (!decoded.isOk()) {
            return Outcome.UNREADABLE;
        }
        DeadLetter letter = decoded.value();
        if (!selection.selects(letter)) {
            return Outcome.NOT_SELECTED;
        }
        if (!inputs.contains(letter.getSourceTopic())) {
            return Outcome.NOT_AN_INPUT_TOPIC;
        }
        if (letter.getSealed() != null) {
            if (!keys.enabled()) {
                throw new IllegalArgumentException("the dead letters are sealed (key id "
                        + letter.getSealed().getKeyId() + "): give --dead-letter-key-file with that key to replay"
                        + " them");
            }
            try {
                letter = DeadLetters.open(letter, keys);
            } catch (IllegalArgumentException e) {
                log.warn(
                        "Cannot open the sealed dead letter of {}-{}@{} ({}): {}",
                        letter.getSourceTopic(),
                        letter.getPartition(),
                        letter.getOffset(),
                        letter.getErrorCode(),
                        e.getMessage());
                return Outcome.CANNOT_OPEN;
            }
        }
        opened[0] = letter;
        if (letter.getPayload() == null) {
            return Outcome.NO_PAYLOAD;
        }
        Long size = letter.getPayloadSize();
        if (size != null && size != letter.getPayload().remaining()) {
            return Outcome.TRUNCATED;
        }
        return replayed.add(identity(letter)) ? Outcome.REPLAYED : Outcome.ALREADY_REPLAYED;
    }

    /** Source topic, key and value, hashed: what makes two dead letters the same input record. */
    private static String identity(DeadLetter letter) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(letter.getSourceTopic().getBytes(StandardCharsets.UTF_8));
            byte[] key = bytes(letter.getKey());
            digest.update(ByteBuffer.allocate(5)
                    .put((byte) 0)
                    .putInt(key == null ? -1 : key.length)
                    .array());
            if (key != null) {
                digest.update(key);
            }
            digest.update(letter.getPayload().duplicate());
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
