package org.biomarkerstreams.ingest.hl7;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code biomarker.mllp.connections{event}} (what happened to connections at the door) and {@code
 * biomarker.mllp.refusals{reason}} (messages refused before the handler). Tags name events and reasons, never a
 * source address or anything of a message.
 */
final class ConnectionCounters {

    /** What happened to a connection. */
    enum Event {
        /** admitted */
        ACCEPTED,
        /** closed unread: the source is outside {@code --mllp-allow-cidr} */
        OUTSIDE_ALLOWLIST,
        /** closed to make room for a new connection: the one longest without a complete message */
        EVICTED,
        /** refused: every connection was in the middle of handling a message */
        REFUSED_FULL,
        /** closed after {@code --mllp-idle-timeout} without a byte */
        IDLE_TIMEOUT,
        /** closed: a frame, or writing its answer, took longer than {@code --mllp-read-timeout} */
        READ_TIMEOUT,
        /** closed: the TLS handshake did not finish in time */
        HANDSHAKE_TIMEOUT,
        /** closed: the TLS handshake failed (no or an untrusted client certificate, no common protocol) */
        HANDSHAKE_FAILED
    }

    /** Why a message was refused before it reached the handler. */
    enum Refusal {
        OVERSIZED,
        UNSUPPORTED_CHARSET,
        SENDER_NOT_ALLOWED
    }

    private final Map<Event, Counter> events = new EnumMap<>(Event.class);
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

    ConnectionCounters(MeterRegistry meters) {
        for (Event e : Event.values()) {
            events.put(
                    e,
                    Counter.builder("biomarker.mllp.connections")
                            .description("MLLP connections, by what happened to them at the door")
                            .tag("event", e.name())
                            .register(meters));
        }
        for (Refusal r : Refusal.values()) {
            refusals.put(
                    r,
                    Counter.builder("biomarker.mllp.refusals")
                            .description("MLLP messages answered AE before the handler, by reason")
                            .tag("reason", r.name())
                            .register(meters));
        }
    }

    void increment(Event event) {
        events.get(event).increment();
    }

    void increment(Refusal refusal) {
        refusals.get(refusal).increment();
    }

    long count(Event event) {
        return (long) events.get(event).count();
    }

    long count(Refusal refusal) {
        return (long) refusals.get(refusal).count();
    }
}
