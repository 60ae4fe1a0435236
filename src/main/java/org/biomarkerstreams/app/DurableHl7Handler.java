package org.biomarkerstreams.app;

import ca.uhn.hl7v2.model.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.biomarkerstreams.domain.ErrorCode;
import org.biomarkerstreams.ingest.hl7.Disposition;
import org.biomarkerstreams.ingest.hl7.Hl7Mapper;
import org.biomarkerstreams.ingest.hl7.Hl7Outcome;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MessageHandler;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.InputPublisher;

/**
 * The MLLP listener's handler: maps a message to readings and events and acknowledges AA only after
 * every record of the message is acknowledged by Kafka (acks=all, idempotent producer). A content
 * error is written to the dead-letter topic and answered AE; when Kafka cannot take the data in time
 * the answer is AR, so the sender resends — the resend carries the same reading ids and revisions,
 * and the topology counts it as a duplicate instead of doubling anything.
 */
public final class DurableHl7Handler implements MessageHandler {

    private final ThreadLocal<Hl7Mapper> mappers;
    private final InputPublisher publisher;
    private final Duration timeout;

    public DurableHl7Handler(Hl7Settings settings, InputPublisher publisher, Duration timeout) {
        // HAPI's parser is not documented as thread-safe; connections run on their own threads.
        this.mappers = ThreadLocal.withInitial(() -> new Hl7Mapper(settings));
        this.publisher = publisher;
        this.timeout = timeout;
    }

    @Override
    public Disposition handle(Message message, String er7) {
        return begin(message, er7).await();
    }

    /** Maps and sends the message's records; the returned pending waits for the broker's acknowledgment. */
    @Override
    public Pending begin(Message message, String er7) {
        // The listener parsed it with the mapper's leniency; parsing the text again would double the cost.
        Hl7Outcome outcome = mappers.get().map(message);
        if (outcome instanceof Hl7Outcome.Rejected r) {
            Disposition d = durably(() -> publisher.deadLetterDurably(
                            DeadLetters.Source.outsideKafka("hl7:mllp"),
                            r.errorCode(),
                            r.message(),
                            er7.getBytes(StandardCharsets.UTF_8),
                            timeout))
                    .orElse(new Disposition.Error(
                            hl7ErrorCode(r.errorCode()), r.errorCode() + ": " + r.message(), r.errSegmentLocation()));
            return () -> d;
        }
        Hl7Outcome.Accepted a = (Hl7Outcome.Accepted) outcome;
        InputPublisher.PendingWrite write = publisher.startWrite(a.readings(), a.events());
        return () -> durably(() -> write.await(timeout)).orElse(new Disposition.Accept());
    }

    /**
     * A frame the listener refused (oversized, unknown charset, a sender not allowed): dead-lettered as evidence
     * before the AE, so an operator can see, fix and replay it; AR if even the dead letter cannot be stored.
     */
    @Override
    public Disposition refuse(Refusal refusal) {
        return durably(() -> publisher.deadLetterDurably(
                        DeadLetters.Source.outsideKafka("hl7:mllp"),
                        refusal.code(),
                        refusal.answer().text(),
                        refusal.bytes(),
                        timeout))
                .orElse(refusal.answer());
    }

    /** Empty when the write completed; otherwise the AR that makes the sender resend. */
    private Optional<Disposition> durably(Write write) {
        try {
            write.run();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(new Disposition.Reject("shutting down; send the message again"));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of(new Disposition.Reject(
                    "could not store the message durably within " + timeout.toSeconds() + " s; send it again"));
        }
    }

    @FunctionalInterface
    private interface Write {
        void run() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** HL7 table 0357 code for our rejection codes. */
    static String hl7ErrorCode(ErrorCode code) {
        return switch (code) {
            case MISSING_FIELD -> "101";
            case NO_MATCHING_PATIENT_ID -> "204"; // unknown key identifier
            case UNSUPPORTED_MESSAGE -> "200";
            case UNDESERIALIZABLE -> "102";
            default -> "207";
        };
    }
}
