package org.biomarkerstreams.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.avro.DeadLetterContent;
import org.biomarkerstreams.avro.SealedContent;
import org.biomarkerstreams.domain.DeadLetterKeys;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.domain.Pseudonym;

/**
 * The one factory of dead letters, whatever found the bad input (the patient processor, the HL7 listener,
 * a file replay): the same bounds on payload and message, the same clock, and the same sealing everywhere.
 *
 * <p>With {@link DeadLetterKeys} configured, every dead letter is sealed: its original key, payload and rejection
 * message (all of which can hold patient data: the id, an HL7 message with names and birth dates, a quoted value)
 * are encrypted into {@code sealed} ({@link #open} reverses it), and its record key on the dead-letter topic is the
 * input key's pseudonym, or none without a pseudonym key ({@link #recordKey}).
 */
public final class DeadLetters {

    /**
     * The most of an input value a dead letter keeps: half the producer's default {@code max.request.size}
     * (1 MiB), leaving room for the key, the message and the record overhead. A dead letter that did not fit
     * would fail the transaction and put the application in a crash loop on the same input. A value up to this
     * size is kept whole and can be replayed; a larger one keeps its first bytes for diagnosis, and {@code
     * payloadSize} tells it was cut.
     */
    public static final int MAX_PAYLOAD = 512 * 1024;

    /** The most characters of a rejection message a dead letter keeps: a message may quote the value. */
    public static final int MAX_MESSAGE = 4096;

    /**
     * Where the rejected input was read: a position on an input topic, or a source outside Kafka
     * ({@code hl7:mllp}, {@code hl7:<file>}) with partition and offset -1.
     */
    public record Source(String topic, int partition, long offset) {

        public Source {
            Objects.requireNonNull(topic, "topic");
        }

        public static Source outsideKafka(String name) {
            return new Source(name, -1, -1L);
        }
    }

    /** Where the associated data of a sealed dead letter starts: names the format, so a later one can differ. */
    private static final String AAD_VERSION = "biomarker-streams/dead-letter/v1";

    private final Clock clock;
    private final DeadLetterKeys keys;
    private final Pseudonym pseudonym;

    /** Dead letters in plaintext. */
    public DeadLetters(Clock clock) {
        this(clock, DeadLetterKeys.none(), Pseudonym.none());
    }

    /**
     * Dead letters sealed with {@code keys} when it has any; {@code pseudonym} then stands for the input key as the
     * dead letter's record key.
     */
    public DeadLetters(Clock clock, DeadLetterKeys keys, Pseudonym pseudonym) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.pseudonym = Objects.requireNonNull(pseudonym, "pseudonym");
    }

    /** The dead letters of the topology and of everything that writes beside it under {@code config}. */
    public static DeadLetters forTopology(TopologyConfig config) {
        return new DeadLetters(config.clock(), config.deadLetterKeys(), config.pseudonym());
    }

    /** Whether dead letters are sealed. */
    public boolean sealed() {
        return keys.enabled();
    }

    /**
     * The record key of the dead letter of an input keyed {@code inputKey}: the input key in plaintext; when sealed,
     * its pseudonym with a pseudonym key (a patient's dead letters stay together and can be found by its
     * pseudonym), else none. Never the raw patient id of a sealed dead letter.
     */
    public String recordKey(String inputKey) {
        if (inputKey == null || !keys.enabled()) {
            return inputKey;
        }
        return pseudonym.enabled() ? pseudonym.of(inputKey) : null;
    }

    /**
     * A dead letter for input that was rejected with {@code code}.
     *
     * @param key the input's key bytes, null when it had none
     * @param payload the input's value bytes as received, null when there were none
     * @param inputTime the input record's timestamp, null when it never was a record (then: now)
     */
    public DeadLetter of(Source source, byte[] key, byte[] payload, Instant inputTime, ErrorCode code, String message) {
        boolean truncated = payload != null && payload.length > MAX_PAYLOAD;
        String bounded = message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "...";
        String reason = !truncated
                ? bounded
                : bounded + " [payload truncated to its first " + MAX_PAYLOAD + " of " + payload.length
                        + " bytes so that the dead letter fits the producer's max.request.size; not replayable]";
        Instant now = clock.instant();
        ByteBuffer keyBytes = key == null ? null : ByteBuffer.wrap(key);
        ByteBuffer kept =
                payload == null ? null : ByteBuffer.wrap(truncated ? Arrays.copyOf(payload, MAX_PAYLOAD) : payload);
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setSourceTopic(source.topic())
                .setPartition(source.partition())
                .setOffset(source.offset())
                .setErrorCode(code.name())
                .setPayloadSize(payload == null ? null : (long) payload.length)
                .setTimestamp(inputTime == null ? now : inputTime)
                .setDeadLetteredAt(now);
        if (!keys.enabled()) {
            return letter.setMessage(reason).setKey(keyBytes).setPayload(kept).build();
        }
        byte[] content = AvroBinary.encode(DeadLetterContent.newBuilder()
                .setKey(keyBytes)
                .setPayload(kept)
                .setMessage(reason)
                .build());
        String keyId = keys.sealingKeyId();
        letter.setMessage(code.name() + ": key, payload and reason sealed with " + DeadLetterKeys.ALGORITHM
                        + " (key id " + keyId + "); replay --from-dlq --dead-letter-key-file opens them")
                .setKey(null)
                .setPayload(null);
        DeadLetterKeys.Sealed sealed = keys.seal(content, associatedData(letter, keyId));
        return letter.setSealed(SealedContent.newBuilder()
                        .setAlgorithm(DeadLetterKeys.ALGORITHM)
                        .setKeyId(sealed.keyId())
                        .setNonce(ByteBuffer.wrap(sealed.nonce()))
                        .setCiphertext(ByteBuffer.wrap(sealed.ciphertext()))
                        .build())
                .build();
    }

    /**
     * The dead letter with its sealed content opened: original key, payload and message back in their fields and
     * {@code sealed} cleared, as an unsealed dead letter would have been. A dead letter that is not sealed is
     * returned as it is.
     *
     * @throws IllegalArgumentException without the key that sealed it ({@code keys} has no such key id, or none),
     *     or when the sealed content or the fields bound to it were altered
     */
    public static DeadLetter open(DeadLetter letter, DeadLetterKeys keys) {
        SealedContent sealed = letter.getSealed();
        if (sealed == null) {
            return letter;
        }
        if (!DeadLetterKeys.ALGORITHM.equals(sealed.getAlgorithm())) {
            throw new IllegalArgumentException(
                    "sealed with " + sealed.getAlgorithm() + ", not " + DeadLetterKeys.ALGORITHM);
        }
        if (!keys.enabled()) {
            throw new IllegalArgumentException("the dead letter is sealed (key id " + sealed.getKeyId()
                    + ") and no dead-letter key is configured");
        }
        DeadLetter.Builder b = DeadLetter.newBuilder(letter);
        byte[] plain = keys.open(
                new DeadLetterKeys.Sealed(sealed.getKeyId(), bytes(sealed.getNonce()), bytes(sealed.getCiphertext())),
                associatedData(b, sealed.getKeyId()));
        DeadLetterContent content;
        try {
            content = AvroBinary.decode(plain, DeadLetterContent.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the sealed content is not a DeadLetterContent", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        return b.setKey(content.getKey())
                .setPayload(content.getPayload())
                .setMessage(content.getMessage())
                .setSealed(null)
                .build();
    }

    /** What the sealed content is bound to; the format is documented in schemas/DeadLetter.avsc (SealedContent). */
    private static byte[] associatedData(DeadLetter.Builder letter, String keyId) {
        StringBuilder aad = new StringBuilder();
        for (Object part : new Object[] {
            AAD_VERSION,
            letter.getSourceTopic(),
            letter.getPartition(),
            letter.getOffset(),
            letter.getErrorCode(),
            letter.getPayloadSize() == null ? "" : letter.getPayloadSize(),
            keyId
        }) {
            aad.append(part).append('\0');
        }
        return aad.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    /** The time a dead letter is written with: wall clock, so it outlives the topic's retention however old its input. */
    public long timestamp() {
        return clock.millis();
    }
}
