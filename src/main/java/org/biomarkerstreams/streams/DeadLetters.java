package org.biomarkerstreams.streams;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.biomarkerstreams.avro.DeadLetter;
import org.biomarkerstreams.domain.ErrorCode;

/**
 * The one factory of dead letters, whatever found the bad input (the patient processor, the HL7 listener,
 * a file replay): the same bounds on payload and message and the same clock everywhere.
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

    private final Clock clock;

    public DeadLetters(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
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
        return DeadLetter.newBuilder()
                .setSourceTopic(source.topic())
                .setPartition(source.partition())
                .setOffset(source.offset())
                .setErrorCode(code.name())
                .setMessage(reason)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setPayload(
                        payload == null
                                ? null
                                : ByteBuffer.wrap(truncated ? Arrays.copyOf(payload, MAX_PAYLOAD) : payload))
                .setPayloadSize(payload == null ? null : (long) payload.length)
                .setTimestamp(inputTime == null ? now : inputTime)
                .setDeadLetteredAt(now)
                .build();
    }

    /** The time a dead letter is written with: wall clock, so it outlives the topic's retention however old its input. */
    public long timestamp() {
        return clock.millis();
    }
}
