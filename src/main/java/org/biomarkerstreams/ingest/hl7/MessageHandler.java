package org.biomarkerstreams.ingest.hl7;

import ca.uhn.hl7v2.model.Message;

/**
 * What the {@link MllpListener} does with one parsed message. Called on the connection's own
 * thread, one message at a time per connection (HL7 original mode: the sender waits for the ACK
 * before it sends the next message), so an implementation must be safe to call from several
 * connections at once but never sees two messages of one connection concurrently.
 *
 * <h2>The durability contract</h2>
 *
 * The ACK is the sender's permission to forget the message: after an AA most interface engines
 * delete it from their outbound queue. So {@link Disposition.Accept} may only be returned once the
 * message's data is durably written. For Kafka that means:
 *
 * <ul>
 *   <li>a producer with {@code acks=all} and {@code enable.idempotence=true} (so a retried send is
 *       not duplicated in the log);
 *   <li>send every record the message yields and call {@code Future#get(timeout)} on each send
 *       before returning (a send callback or a linger-batched fire-and-forget is not enough: the ACK
 *       would go out before the broker has the data);
 *   <li>if any send fails or times out, return {@link Disposition.Reject}: the sender keeps the
 *       message and resends it, and because record keys and reading ids are stable across resends
 *       the topology treats the resend as a duplicate;
 *   <li>if the content is wrong (a required field missing, an unparseable value that a resend cannot
 *       fix), return {@link Disposition.Error} with an HL7 table 0357 code; or, if the pipeline wants
 *       to keep the evidence, write the raw message to the input topic so it is dead-lettered, and
 *       return Accept once that write is acknowledged.
 * </ul>
 *
 * A sketch, with {@code producer} a {@code KafkaProducer} configured as above:
 *
 * <pre>{@code
 * public Disposition handle(Message message, String er7) {
 *     List<ProducerRecord<String, byte[]>> records;
 *     try {
 *         records = mapping.toRecords(message);          // pure; no I/O
 *     } catch (MappingException e) {
 *         return new Disposition.Error(e.hl7Code(), e.getMessage(), e.location());
 *     }
 *     try {
 *         List<Future<RecordMetadata>> sends = records.stream().map(producer::send).toList();
 *         for (Future<RecordMetadata> f : sends) {
 *             f.get(10, TimeUnit.SECONDS);
 *         }
 *         return new Disposition.Accept();
 *     } catch (InterruptedException e) {
 *         Thread.currentThread().interrupt();           // listener shutting down
 *         return new Disposition.Reject("shutting down; resend");
 *     } catch (ExecutionException | TimeoutException e) {
 *         return new Disposition.Reject("storage unavailable; resend");
 *     }
 * }
 * }</pre>
 *
 * Idempotency is the handler's business: the listener passes resends through like any other
 * message. An exception thrown from here is answered with AR (never AA), so a bug makes the sender
 * retry instead of losing data; its message is not logged, because it might carry patient data.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * @param message the message parsed into the HL7 v2.5.1 structures whatever its MSH-12 (2.3,
     *     2.3.1, 2.4, 2.5, 2.5.1), without validation
     * @param er7 the message as received, segments separated by carriage returns
     * @return never null; a null is answered with AR
     */
    Disposition handle(Message message, String er7);

    /**
     * Starts handling a message and may return before its data is stored; the listener prepares the
     * AA meanwhile and then waits on the result. A handler whose write is asynchronous overrides
     * this so the two overlap (on one connection the ACK's round trip is the throughput); the
     * default handles the message completely first. The durability contract is unchanged: {@link
     * Pending#await} may only yield {@link Disposition.Accept} once the data is durably written.
     */
    default Pending begin(Message message, String er7) {
        Disposition d = handle(message, er7);
        return () -> d;
    }

    /**
     * A frame the listener refused before parsing or handling it: larger than the limit, in a character set it
     * cannot decode, or from a client certificate not allowed to send for its MSH-3/MSH-4. Resending cannot help, so
     * the answer is {@code answer} (an AE); a handler that keeps evidence (a dead letter) returns {@link
     * Disposition.Reject} instead when it could not store it, so nothing is dropped unrecorded. The default keeps
     * nothing.
     */
    default Disposition refuse(Refusal refusal) {
        return refusal.answer();
    }

    /**
     * @param code the dead-letter code: {@code OVERSIZED}, {@code UNDESERIALIZABLE} (charset) or {@code
     *     UNAUTHORIZED_SENDER}
     * @param bytes the frame as received, or its first {@value MllpFrames#KEPT_OF_OVERSIZED} bytes when oversized
     * @param answer the AE the sender gets
     */
    record Refusal(org.biomarkerstreams.domain.ErrorCode code, byte[] bytes, Disposition.Error answer) {
        public Refusal {
            java.util.Objects.requireNonNull(code, "code");
            java.util.Objects.requireNonNull(bytes, "bytes");
            java.util.Objects.requireNonNull(answer, "answer");
        }
    }

    /** A message being handled. */
    @FunctionalInterface
    interface Pending {
        /** Waits for the outcome; never null (a null is answered with AR). */
        Disposition await();
    }
}
