package org.biomarkerstreams.ingest.hl7;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.biomarkerstreams.ingest.hl7.MllpListener.Outcome;

/** {@code biomarker.hl7.messages{outcome}}: every received frame ends in exactly one {@link Outcome}. */
final class OutcomeCounters {

    private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

    OutcomeCounters(MeterRegistry meters) {
        for (Outcome o : Outcome.values()) {
            counters.put(
                    o,
                    Counter.builder("biomarker.hl7.messages")
                            .description("HL7 messages received over MLLP, by acknowledgment sent")
                            .tag("outcome", o.name())
                            .register(meters));
        }
    }

    void increment(Outcome outcome) {
        counters.get(outcome).increment();
    }

    long count(Outcome outcome) {
        return (long) counters.get(outcome).count();
    }
}
